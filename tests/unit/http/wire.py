"""Compare a response body's JSON with the expected members, order and nulls included."""

from __future__ import annotations

import json
from typing import Any

import msgspec


def _pairs(raw: bytes) -> Any:
    return json.loads(raw, object_pairs_hook=list)


def assert_wire(body: msgspec.Struct, expected: dict[str, Any]) -> None:
    """`body` encodes to exactly `expected`: same members in the same order, same values."""
    actual, wanted = msgspec.json.encode(body), msgspec.json.encode(expected)
    assert _pairs(actual) == _pairs(wanted)
    assert actual == wanted
