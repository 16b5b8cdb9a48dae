"""Whole requests, responses and messages: each part compared, the mismatches put together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeAlias

import msgspec

from verifier._matching import bodies, contenttypes, parts, rules, ruleset
from verifier._matching.engine import Walk
from verifier._matching.mismatch import Mismatch
from verifier._matching.values import JSONValue

Spec: TypeAlias = Literal["1", "1.1", "2", "3", "4"]
SPECS: frozenset[str] = frozenset({"1", "1.1", "2", "3", "4"})


def _check_spec(spec: str) -> None:
    if spec not in SPECS:
        raise ValueError(f"spec must be one of {sorted(SPECS)}, not {spec!r}")


def _body(
    expected: Mapping[str, JSONValue],
    actual: Mapping[str, JSONValue],
    spec: str,
    *,
    is_request: bool,
) -> list[Mismatch]:
    categories = ruleset.read(expected, spec)
    walk = Walk(rules=categories.get("body", {}), allow_unexpected_keys=not is_request)
    wanted = bodies.unwrap(expected, "body", spec, parts.content_type_of(expected.get("headers")))
    got = bodies.unwrap(actual, "body", spec, parts.content_type_of(actual.get("headers")))
    return bodies.compare(walk, wanted, got)


def request(
    expected: Mapping[str, JSONValue], actual: Mapping[str, JSONValue], spec: str
) -> list[Mismatch]:
    """Compare a request: method, path, query, headers, body (in that order)."""
    _check_spec(spec)
    categories = ruleset.read(expected, spec)
    return [
        *parts.compare_method(expected.get("method"), actual.get("method")),
        *parts.compare_path(expected.get("path"), actual.get("path"), categories.get("path", {})),
        *parts.compare_query(
            expected.get("query"), actual.get("query"), categories.get("query", {}), spec
        ),
        *parts.compare_headers(
            expected.get("headers"), actual.get("headers"), categories.get("header", {})
        ),
        *_body(expected, actual, spec, is_request=True),
    ]


def response(
    expected: Mapping[str, JSONValue], actual: Mapping[str, JSONValue], spec: str
) -> list[Mismatch]:
    """Compare a response: status, headers, body."""
    _check_spec(spec)
    categories = ruleset.read(expected, spec)
    return [
        *parts.compare_status(
            expected.get("status"), actual.get("status"), categories.get("status", {})
        ),
        *parts.compare_headers(
            expected.get("headers"), actual.get("headers"), categories.get("header", {})
        ),
        *_body(expected, actual, spec, is_request=False),
    ]


def message(
    expected: Mapping[str, JSONValue], actual: Mapping[str, JSONValue], spec: str
) -> list[Mismatch]:
    """Compare a message: its metadata, then its contents (V3 messages, V4 message parts).

    Binary contents of a V3 message (an `image/*` or `application/pdf` content type, say) are
    base64 text, on both sides, as pact_ffi and Pact-JVM write them; V4 has `encoded`.
    """
    _check_spec(spec)
    categories = ruleset.read(expected, spec)
    expected_metadata = expected.get("metadata")
    actual_metadata = actual.get("metadata")
    found = parts.compare_metadata(
        expected_metadata if isinstance(expected_metadata, dict) else {},
        actual_metadata if isinstance(actual_metadata, dict) else {},
        categories.get("metadata", {}),
    )
    walk = Walk(rules=categories.get("body", {}), allow_unexpected_keys=True, root="$.contents")
    wanted = bodies.unwrap(
        expected, "contents", spec, parts.content_type_in_metadata(expected_metadata)
    )
    got = bodies.unwrap(actual, "contents", spec, parts.content_type_in_metadata(actual_metadata))
    if spec != "4":
        wanted, got = _binary_from_base64(wanted), _binary_from_base64(got)
    return found + bodies.compare(walk, wanted, got)


def _binary_from_base64(body: bodies.Body) -> bodies.Body:
    """A V3 message's base64 contents as bytes, when its content type says they are binary."""
    if not (isinstance(body.content, str) and body.content_type):
        return body
    if not contenttypes.is_binary(contenttypes.parse(body.content_type).essence):
        return body
    decoded = rules.decode_binary(body.content)
    if decoded is None:  # not base64: a writer that put the text itself
        return body
    return msgspec.structs.replace(body, content=decoded)
