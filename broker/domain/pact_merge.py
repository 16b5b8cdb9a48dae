"""Merging a newly published pact into the stored one (`onConflict: merge`, the older PATCH).

Interactions are matched by identity (type, description and provider states). A new
interaction is added; one the stored pact already has with the same content is left as it is;
one it has with other content is a conflict, as in the Pact Broker (pact-broker-api §5.2).
"""

from __future__ import annotations

from broker.domain.errors import ConflictError, FieldError
from broker.domain.pacts import JSONObject, PactDocument, canonical_sha


def merge_pacts(stored: PactDocument, incoming: PactDocument) -> JSONObject:
    """The stored document with the incoming pact's new interactions appended.

    Raises:
        ConflictError: an interaction of both has different content; `errors` points at it
            in the incoming pact.
    """
    known = {i.identity: i for i in stored.interactions}
    merged: JSONObject = dict(stored.document)
    problems = []
    for interaction in incoming.interactions:
        body = _item(incoming, interaction.section, interaction.index)
        match = known.get(interaction.identity)
        if match is None:
            section = merged.get(interaction.section)
            merged[interaction.section] = [*(section if isinstance(section, list) else []), body]
            continue
        if _same(_item(stored, match.section, match.index), body):
            continue
        problems.append(
            FieldError(
                interaction.pointer,
                f"interaction {interaction.description!r} has other content than the stored one",
            )
        )
    if problems:
        raise ConflictError(
            "The pacts cannot be merged: an interaction with the same description and provider "
            "states has different content",
            problems,
        )
    return merged


def _item(pact: PactDocument, section: str, index: int) -> object:
    items = pact.document.get(section)
    assert isinstance(items, list)  # the parser found the interaction there
    return items[index]


def _same(a: object, b: object) -> bool:
    def one(item: object) -> JSONObject:
        return {"consumer": {"name": "x"}, "provider": {"name": "x"}, "interactions": [item]}

    return canonical_sha(one(a)) == canonical_sha(one(b))
