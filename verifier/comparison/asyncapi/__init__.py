"""Checking a pact's message interactions against a producer's AsyncAPI document (2.x or 3.x).

Findings have openapi-pact-comparator's `message.*` codes, types and locations (`opc
--asyncapi`)::

    from verifier.comparison.asyncapi import compare_messages, load_asyncapi

    document = load_asyncapi(Path("asyncapi.yaml").read_bytes())
    for finding in compare_messages(document, json.loads(Path("pact.json").read_text())):
        print(finding.type, finding.code, finding.mock_details.location)
"""

from __future__ import annotations

from verifier.comparison.asyncapi.document import AsyncApi, is_asyncapi, load_asyncapi
from verifier.comparison.asyncapi.engine import compare_message
from verifier.comparison.asyncapi.interactions import (
    MessageInteraction,
    is_message,
    message_interactions,
)
from verifier.comparison.findings import Finding


def compare_messages(asyncapi: AsyncApi, pact: object) -> list[Finding]:
    """Every finding of the message interactions of `pact` (a parsed document), in order.

    Raises:
        ComparisonPactError: a message interaction is malformed.
        SpecError: a message schema expands or nests too far through its references.
    """
    found: list[Finding] = []
    for interaction in message_interactions(pact):
        found += compare_message(asyncapi, interaction)
    return found


__all__ = [
    "AsyncApi",
    "MessageInteraction",
    "compare_message",
    "compare_messages",
    "is_asyncapi",
    "is_message",
    "load_asyncapi",
    "message_interactions",
]
