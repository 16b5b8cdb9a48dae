"""Pact matching as a library: compare what a pact expects with what really happened.

The functions take the parts of an interaction as plain dicts, in the shape of a pact file (and
of the pact-specification test cases), and return a list of mismatches; an empty list is a
match. They never raise for a mismatch, only for an unknown `spec`::

    from verifier.matching import match_response

    expected = {"status": 200, "body": {"id": 1}, "matchingRules": {
        "body": {"$.id": {"matchers": [{"match": "integer"}]}}}}
    for mismatch in match_response(expected, {"status": 200, "body": {"id": "x"}}, spec="3"):
        print(mismatch.description)  # $.body.id: expected an integer but got "x"

`spec` is the pact's specification version: "1", "1.1", "2", "3" or "4". V1 and V1.1 have no
matching rules; V2 keys rules by `$.body...` paths; V3 and V4 group them by category. Responses
and messages may carry keys the pact does not mention; requests may not.
"""

from __future__ import annotations

from collections.abc import Mapping

from verifier._matching import interactions
from verifier._matching.interactions import Spec
from verifier._matching.mismatch import Mismatch, MismatchKind
from verifier._matching.values import JSONValue

__all__ = [
    "JSONValue",
    "Mismatch",
    "MismatchKind",
    "Spec",
    "match_message",
    "match_request",
    "match_response",
]


def match_request(
    expected: Mapping[str, JSONValue], actual: Mapping[str, JSONValue], *, spec: Spec
) -> list[Mismatch]:
    """Compare a request the provider received with the one the pact expects.

    Args:
        expected: The pact's request: `method`, `path`, `query` (a string in V1/V2, a map of
            value lists from V3), `headers`, `body` and `matchingRules`.
        actual: The request that came, in the same shape (without rules).
        spec: The pact specification version.

    Returns:
        The mismatches, in the order method, path, query, headers, body.

    Raises:
        ValueError: When `spec` is not a known version.
    """
    return interactions.request(expected, actual, spec)


def match_response(
    expected: Mapping[str, JSONValue], actual: Mapping[str, JSONValue], *, spec: Spec
) -> list[Mismatch]:
    """Compare a provider's response with the one the pact expects.

    Args:
        expected: The pact's response: `status`, `headers`, `body`, `matchingRules`.
        actual: The response that came.
        spec: The pact specification version.

    Returns:
        The mismatches, in the order status, headers, body.

    Raises:
        ValueError: When `spec` is not a known version.
    """
    return interactions.response(expected, actual, spec)


def match_message(
    expected: Mapping[str, JSONValue], actual: Mapping[str, JSONValue], *, spec: Spec
) -> list[Mismatch]:
    """Compare a message the provider produced with the one the pact expects.

    For a V4 synchronous message, call it once for the request and once per response.

    Args:
        expected: The pact's message: `contents` (V4: `{content, contentType, encoded}`),
            `metadata` and `matchingRules` (`body` or `content`, and `metadata`).
        actual: The message that came: `contents` and `metadata`.
        spec: The pact specification version ("3" or "4" for messages).

    Returns:
        The mismatches, metadata first, then contents.

    Raises:
        ValueError: When `spec` is not a known version.
    """
    return interactions.message(expected, actual, spec)
