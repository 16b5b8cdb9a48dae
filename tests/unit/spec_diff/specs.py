"""A small pet store spec, and edits of it, for the spec diff tests."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from typing import Any

BASE: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "pets", "version": "1"},
    "paths": {
        "/pets": {
            "get": {
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}},
                    {
                        "name": "kind",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["cat", "dog"]},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "the pets",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Pet"},
                                }
                            }
                        },
                    },
                    "400": {"description": "a bad query"},
                },
            },
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}
                    }
                },
                "responses": {"201": {"description": "created"}},
            },
        },
        "/pets/{id}": {
            "get": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "a pet",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                        },
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Pet": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string", "maxLength": 50},
                    "tag": {"type": "string"},
                    "owner": {"type": "object", "properties": {"email": {"type": "string"}}},
                },
            },
            "NewPet": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}, "tag": {"type": "string"}},
            },
        }
    },
}


def edited(*edits: tuple[Sequence[str | int], Any]) -> bytes:
    """`BASE` with each value at a path replaced (`...` as the value deletes the key), as JSON."""
    document = copy.deepcopy(BASE)
    for path, value in edits:
        node: Any = document
        for part in path[:-1]:
            node = node[part]
        if value is ...:
            del node[path[-1]]
        elif isinstance(node, list) and path[-1] == len(node):
            node.append(value)
        else:
            node[path[-1]] = value
    return json.dumps(document).encode()


def base() -> bytes:
    """`BASE` as JSON."""
    return json.dumps(BASE).encode()
