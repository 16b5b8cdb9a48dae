"""The interactions of a pact that a comparison with the documents at hand cannot check.

`compare` leaves message interactions out, as openapi-pact-comparator does: an OpenAPI document
says nothing about messages; and with an AsyncAPI document alone, HTTP interactions are left
out. A comparison is then no evidence for them, and a broker that let it stand as a
verification would let a pact whose interactions were never checked deploy. `uncovered` gives
one error finding per such interaction (with an OpenAPI document only: V3 `messages`, V4
asynchronous and synchronous messages; with an AsyncAPI document only: HTTP interactions;
always: unknown V4 types), for callers that judge a whole pact by a comparison.
"""

from __future__ import annotations

from typing import Any

from verifier.comparison.asyncapi import is_message
from verifier.comparison.findings import Finding, MockDetails, SpecDetails
from verifier.comparison.pacts import is_http

CODE = "interaction.type.not-comparable"


def _finding(index: int, raw: dict[str, Any], where: str, kind: str, against: str) -> Finding:
    description = raw.get("description")
    return Finding(
        code=CODE,
        message=(
            f"The {kind} interaction cannot be checked against {against}, so this comparison"
            " is no evidence for it: verify it another way, or publish a document that"
            " describes it."
        ),
        mock_details=MockDetails(
            interaction_description=description if isinstance(description, str) else "",
            location=f"[root].{where}[{index}]",
            value=kind,
        ),
        spec_details=SpecDetails(location="[root]"),
        type="error",
    )


def uncovered(pact: Any, *, openapi: bool = True, asyncapi: bool = False) -> list[Finding]:
    """An error finding for each interaction of `pact` (a parsed document) nothing checks.

    `openapi` and `asyncapi` say which documents the comparison had.
    """
    if not isinstance(pact, dict):
        return []
    against = "an OpenAPI document" if openapi else "an AsyncAPI document"
    found: list[Finding] = []
    messages = pact.get("messages")
    if isinstance(messages, list) and not asyncapi:
        for index, raw in enumerate(messages):
            if isinstance(raw, dict):
                found.append(_finding(index, raw, "messages", "message", against))
    interactions = pact.get("interactions")
    if isinstance(interactions, list):
        for index, raw in enumerate(interactions):
            if not isinstance(raw, dict):
                continue
            if (is_http(raw) and openapi) or (is_message(raw) and asyncapi):
                continue
            kind = raw.get("type")
            shown = kind if isinstance(kind, str) else "untyped"
            found.append(_finding(index, raw, "interactions", shown, against))
    return found
