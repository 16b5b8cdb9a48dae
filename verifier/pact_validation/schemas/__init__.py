"""The Pact file JSON Schemas V1 to V4 (pactflow/pact-schemas, ISC; see NOTICE), as package data.

Each schema is read once, on first use, and corrected where it disagrees with the Pact
specification: the V3 and V4 schemas swap the shapes of the `path` and `query` generator
categories. The specification (and every writer: pact_ffi, pact-jvm) has one generator for the
path (`"path": {"type": "ProviderState", ...}`, the path is one value) and one per parameter for
the query (`"query": {"id": {...}}`); the schema asks for the opposite, so it refused real,
valid pacts.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Literal, TypeAlias

SchemaVersion: TypeAlias = Literal["1", "2", "3", "4"]
SCHEMA_VERSIONS: tuple[SchemaVersion, ...] = ("1", "2", "3", "4")


@functools.cache
def load_schema(version: SchemaVersion) -> dict[str, object]:
    """The schema for pacts of specification `version` (V1.1 pacts use the V1 schema).

    Args:
        version: the major specification version.

    Returns:
        The decoded schema; the same object on every call, so do not change it.
    """
    text = resources.files(__name__).joinpath(f"pact-schema-v{version}.json").read_text("utf-8")
    schema: dict[str, object] = json.loads(text)
    _correct_path_and_query_generators(schema)
    return schema


_ONE = {"$ref": "#/definitions/generator"}
_BY_NAME = {"$ref": "#/definitions/recordGenerator"}


def _correct_path_and_query_generators(node: object) -> None:
    """Give `path` one generator and `query` one per name wherever the schema swapped them."""
    if isinstance(node, dict):
        found = node.get("properties")
        if isinstance(found, dict) and found.get("path") == _BY_NAME and found.get("query") == _ONE:
            found["path"], found["query"] = dict(_ONE), dict(_BY_NAME)
        for value in node.values():
            _correct_path_and_query_generators(value)
    elif isinstance(node, list):
        for item in node:
            _correct_path_and_query_generators(item)
