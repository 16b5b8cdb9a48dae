"""The interactions of a pact that a comparison with an OpenAPI document cannot check.

`compare` leaves message interactions out, as openapi-pact-comparator does: an OpenAPI document
says nothing about messages. A comparison is then no evidence for them, and a broker that let
it stand as a verification would let a pact whose messages were never checked deploy.
`uncovered` gives one error finding per such interaction (V3 `messages`, V4 asynchronous and
synchronous messages, unknown V4 types), for callers that judge a whole pact by a comparison.
"""

from __future__ import annotations

from typing import Any

from verifier.comparison.findings import Finding, MockDetails, SpecDetails
from verifier.comparison.pacts import is_http

CODE = "interaction.type.not-comparable"


def _finding(index: int, raw: dict[str, Any], where: str, kind: str) -> Finding:
    description = raw.get("description")
    return Finding(
        code=CODE,
        message=(
            f"The {kind} interaction cannot be checked against an OpenAPI document, so this "
            "comparison is no evidence for it: verify it with its message producer."
        ),
        mock_details=MockDetails(
            interaction_description=description if isinstance(description, str) else "",
            location=f"[root].{where}[{index}]",
            value=kind,
        ),
        spec_details=SpecDetails(location="[root]"),
        type="error",
    )


def uncovered(pact: Any) -> list[Finding]:
    """An error finding for each interaction of `pact` (a parsed document) that is not HTTP."""
    if not isinstance(pact, dict):
        return []
    found: list[Finding] = []
    messages = pact.get("messages")
    if isinstance(messages, list):
        for index, raw in enumerate(messages):
            if isinstance(raw, dict):
                found.append(_finding(index, raw, "messages", "message"))
    interactions = pact.get("interactions")
    if isinstance(interactions, list):
        for index, raw in enumerate(interactions):
            if isinstance(raw, dict) and not is_http(raw):
                kind = raw.get("type")
                shown = kind if isinstance(kind, str) else "untyped"
                found.append(_finding(index, raw, "interactions", shown))
    return found
