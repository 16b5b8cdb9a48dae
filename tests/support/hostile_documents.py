"""Small documents that cost a careless reader dearly: alias and `$ref` bombs, deep nesting."""

from __future__ import annotations

import json
from typing import Any


def alias_bomb(levels: int = 10) -> bytes:
    """A YAML OpenAPI document whose extension stands for 9^levels strings through aliases."""
    lines = ["openapi: 3.0.0", "info: {title: Bomb, version: '1'}", "x-bomb:"]
    lines.append("  l0: &l0 [a, a, a, a, a, a, a, a, a]")
    for level in range(1, levels):
        lines.append(f"  l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9)}]")
    lines += [
        "paths:",
        "  /things:",
        "    get:",
        "      responses:",
        "        '200':",
        "          description: ok",
        "          content:",
        "            application/json:",
        f"              schema: {{type: object, x-b: *l{levels - 1}}}",
    ]
    return ("\n".join(lines) + "\n").encode()


def reference_bomb(levels: int = 10) -> bytes:
    """An OpenAPI document where each schema's `allOf` names the previous one nine times."""
    schemas: dict[str, Any] = {
        "S0": {"type": "object", "properties": {"a": {"type": "string"}}},
    }
    for level in range(1, levels):
        previous = {"$ref": f"#/components/schemas/S{level - 1}"}
        properties = {f"p{n}": dict(previous) for n in range(9)}
        schemas[f"S{level}"] = {"allOf": [{"type": "object", "properties": properties}]}
    return json.dumps(
        openapi({"$ref": f"#/components/schemas/S{levels - 1}"}, {"schemas": schemas})
    ).encode()


def openapi(schema: Any, components: dict[str, Any] | None = None) -> dict[str, Any]:
    """An OpenAPI 3.0 document whose one operation, GET /things, answers 200 with `schema`."""
    response = {"description": "ok", "content": {"application/json": {"schema": schema}}}
    document: dict[str, Any] = {
        "openapi": "3.0.0",
        "info": {"title": "Things", "version": "1"},
        "paths": {"/things": {"get": {"responses": {"200": response}}}},
    }
    if components:
        document["components"] = components
    return document


def nested_json(depth: int, leaf: str = "1") -> str:
    """JSON arrays nested `depth` deep around `leaf`."""
    return "[" * depth + leaf + "]" * depth


def pact(body_json: str = "{}", *, consumer: str = "Web", provider: str = "Things") -> bytes:
    """A V3 pact (as bytes) whose one interaction, GET /things, expects `body_json`."""
    head = json.dumps(
        {
            "consumer": {"name": consumer},
            "provider": {"name": provider},
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
        }
    )
    interaction = (
        '{"description": "a request for things", "request": {"method": "GET", "path": "/things"},'
        ' "response": {"status": 200, "headers": {"Content-Type": "application/json"},'
        f' "body": {body_json}}}}}'
    )
    return (head[:-1] + f', "interactions": [{interaction}]}}').encode()


def any_of_spec() -> bytes:
    """A spec whose `Node` is an object with a `c` that is `anyOf` [Node, Node].

    Checking a value nested n deep tries both members at every level: 2^n validations, however
    fast the regex engine. Only a time budget stops it.
    """
    member = {"$ref": "#/components/schemas/Node"}
    node = {
        "type": "object",
        "properties": {"c": {"anyOf": [member, dict(member)]}, "leaf": {"type": "integer"}},
    }
    return json.dumps(openapi(dict(member), {"schemas": {"Node": node}})).encode()


def any_of_body(depth: int) -> str:
    """A value for `any_of_spec` nested `depth` deep whose leaf has the wrong type."""
    return '{"c": ' * depth + '{"leaf": "x"}' + "}" * depth
