"""Values for probe requests, from an OpenAPI document: valid ones, and ones that break a schema.

A valid value is the document's own example when it gives one (`example`, the first of
`examples`, `default`, the first `enum` value, `const`), else the smallest value the schema
allows. Breaking values are made for one field at a time: a wrong type, a value out of range,
an unknown enum value. Pure: a schema in, a value out; `$ref`s are followed through `resolve`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Resolve = Callable[[Any], Any]

_MAX_DEPTH = 12
# Values made for one request: a schema whose required members are objects with required
# members of their own grows as width ** depth; past this many nodes the rest are left null.
_MAX_NODES = 2_000
_MAX_LENGTH_BROKEN = 10_000  # a maxLength above this is not worth a body that long
_FORMATS = {
    "date-time": "2026-01-01T00:00:00Z",
    "date": "2026-01-01",
    "time": "00:00:00Z",
    "uuid": "00000000-0000-4000-8000-000000000001",
    "email": "probe@example.com",
    "uri": "https://example.com/probe",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
}
UNKNOWN_ENUM = "accord-probe-unknown-value"


def example_of(node: Any, resolve: Resolve) -> tuple[bool, Any]:
    """(True, the example) when a parameter, media type or schema gives one; else (False, None)."""
    node = resolve(node)
    if not isinstance(node, dict):
        return False, None
    if "example" in node:
        return True, node["example"]
    examples = node.get("examples")
    if isinstance(examples, dict) and examples:
        first = resolve(next(iter(examples.values())))
        if isinstance(first, dict) and "value" in first:
            return True, first["value"]
    if isinstance(examples, list) and examples:  # JSON Schema 2020-12 `examples`
        return True, examples[0]
    return False, None


def schema_type(schema: Any) -> str | None:
    """The schema's one type (the first non-null of a list), or None."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(kind, list):
        kind = next((each for each in kind if each != "null"), None)
    return kind if isinstance(kind, str) else None


def merged(schema: Any, resolve: Resolve, depth: int = 0) -> dict[str, Any]:
    """The schema with its `allOf` parts merged in and the first `oneOf`/`anyOf` branch taken."""
    schema = resolve(schema)
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:  # a cycle through allOf or oneOf
        return {}
    result = {key: value for key, value in schema.items() if key not in {"allOf", "oneOf", "anyOf"}}
    parts = list(schema.get("allOf") or [])
    for key in ("oneOf", "anyOf"):
        if schema.get(key):
            parts.append(schema[key][0])
    for part in parts[:_MAX_DEPTH]:
        inner = merged(part, resolve, depth + 1)
        properties = {**(inner.get("properties") or {}), **(result.get("properties") or {})}
        required = [*(inner.get("required") or []), *(result.get("required") or [])]
        result = {**inner, **result}
        if properties:
            result["properties"] = properties
        if required:
            result["required"] = list(dict.fromkeys(required))
    return result


def valid_value(schema: Any, resolve: Resolve) -> Any:
    """A value `schema` accepts: its example, else the smallest one it allows (bounded)."""
    return _valid(schema, resolve, 0, [_MAX_NODES])


def _valid(  # noqa: PLR0911  # one return per JSON type
    schema: Any, resolve: Resolve, depth: int, budget: list[int]
) -> Any:
    """A value `schema` accepts: its example, else the smallest one it allows."""
    has_example, example = example_of(schema, resolve)
    if has_example:
        return example
    schema = merged(schema, resolve)
    for key in ("default", "const"):
        if key in schema:
            return schema[key]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    kind = schema_type(schema) or ("object" if "properties" in schema else None)
    budget[0] -= 1
    if depth > _MAX_DEPTH or budget[0] < 0:
        return None
    if kind == "object":
        properties = schema.get("properties") or {}
        return {
            name: _valid(properties.get(name, {}), resolve, depth + 1, budget)
            for name in schema.get("required") or []
            if isinstance(name, str)
        }
    if kind == "array":
        count = min(int(schema.get("minItems") or 0), 10)
        return [_valid(schema.get("items", {}), resolve, depth + 1, budget) for _ in range(count)]
    if kind in {"integer", "number"}:
        return _number(schema, kind)
    if kind == "boolean":
        return True
    if kind == "string":
        text = _FORMATS.get(str(schema.get("format")), "probe")
        least = int(schema.get("minLength") or 0)
        return text + "x" * max(0, least - len(text))
    return "probe"


def _number(schema: dict[str, Any], kind: str) -> int | float:
    low = schema.get("minimum")
    high = schema.get("maximum")
    exclusive_low = schema.get("exclusiveMinimum")
    if isinstance(exclusive_low, int | float) and not isinstance(exclusive_low, bool):
        low = exclusive_low + 1
    elif exclusive_low is True and isinstance(low, int | float):
        low += 1
    value: int | float = low if isinstance(low, int | float) else 1
    if isinstance(high, int | float) and value > high:
        value = high
    return int(value) if kind == "integer" else value


def wrong_type(schema: Any, resolve: Resolve) -> tuple[Any, str] | None:
    """A value of another type than the schema's, and its description; None when untyped."""
    kind = schema_type(merged(schema, resolve))
    wrong: dict[str, tuple[Any, str]] = {
        "integer": ("not-a-number", "text"),
        "number": ("not-a-number", "text"),
        "boolean": ("not-a-boolean", "text"),
        "string": (12345, "a number"),
        "object": ("not-an-object", "text"),
        "array": ("not-an-array", "text"),
    }
    if kind not in wrong:
        return None
    value, what = wrong[kind]
    return value, f"{what} for a{'n' if kind[0] in 'aeiou' else ''} {kind}"


def out_of_range(schema: Any, resolve: Resolve) -> tuple[Any, str] | None:
    """A value of the right type past one of the schema's bounds, and which; None without one."""
    schema = merged(schema, resolve)
    kind = schema_type(schema)
    if kind in {"integer", "number"}:
        if isinstance(schema.get("maximum"), int | float):
            return schema["maximum"] + 1, f"above its maximum {schema['maximum']}"
        if isinstance(schema.get("minimum"), int | float):
            return schema["minimum"] - 1, f"below its minimum {schema['minimum']}"
    if kind == "string":
        longest = schema.get("maxLength")
        if isinstance(longest, int) and 0 <= longest < _MAX_LENGTH_BROKEN:
            return "x" * (longest + 1), f"longer than its maxLength {longest}"
        shortest = schema.get("minLength")
        if isinstance(shortest, int) and shortest > 0:
            return "", f"shorter than its minLength {shortest}"
    return None


def unknown_enum(schema: Any, resolve: Resolve) -> tuple[Any, str] | None:
    """A string outside the schema's `enum`, when it is an enum of strings; else None."""
    values = merged(schema, resolve).get("enum")
    if isinstance(values, list) and values and all(isinstance(each, str) for each in values):
        return UNKNOWN_ENUM, "a value outside its enum"
    return None
