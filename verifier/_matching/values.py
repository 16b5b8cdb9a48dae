"""JSON value aliases and the few helpers every matching module needs."""

from __future__ import annotations

import json
from typing import TypeAlias

JSONValue: TypeAlias = dict[str, "JSONValue"] | list["JSONValue"] | str | int | float | bool | None
"""Any value a Pact document or a decoded body can hold."""

JSONObject: TypeAlias = dict[str, JSONValue]


def kind_of(value: object) -> str:  # noqa: PLR0911 - one return per JSON type
    """Name the JSON type of `value` as a reader would say it (`bool` is not a number)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


_SHOWN = 120


def render(value: object) -> str:
    """Show a value in a mismatch description: JSON where possible, short."""
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def same_value(expected: object, actual: object) -> bool:
    """Equal as JSON values: `1 == 1.0`, but `True` is not `1` as Python would have it."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and expected is actual
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            same_value(expected[key], actual[key]) for key in expected
        )
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            same_value(left, right) for left, right in zip(expected, actual, strict=True)
        )
    return (type(expected) is type(actual) and expected == actual) or (
        isinstance(expected, int | float) and isinstance(actual, int | float) and expected == actual
    )
