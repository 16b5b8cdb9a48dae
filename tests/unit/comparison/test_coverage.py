"""What a comparison cannot check: message interactions, named so a verdict does not pass them."""

from __future__ import annotations

from verifier.comparison import uncovered


def test_trust_01_every_interaction_that_is_not_http_is_uncovered() -> None:
    pact = {
        "interactions": [
            {"type": "Synchronous/HTTP", "description": "get"},
            {"description": "an untyped V3 interaction is HTTP"},
            {"type": "Asynchronous/Messages", "description": "an event"},
            {"type": "Synchronous/Messages", "description": "a quote"},
        ],
        "messages": [{"description": "a V3 message"}],
    }
    found = [
        (f.code, f.type, f.mock_details.location, f.mock_details.interaction_description)
        for f in uncovered(pact)
    ]
    assert found == [
        ("interaction.type.not-comparable", "error", "[root].messages[0]", "a V3 message"),
        ("interaction.type.not-comparable", "error", "[root].interactions[2]", "an event"),
        ("interaction.type.not-comparable", "error", "[root].interactions[3]", "a quote"),
    ]
    assert uncovered({"interactions": [{"description": "get"}]}) == []
