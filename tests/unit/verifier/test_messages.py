"""Message verification without I/O: the producer registry, what producers return, and how
produced messages are judged against V3 and V4 message interactions."""

from __future__ import annotations

import base64
import random

import pytest

from verifier import Interaction, Message, MessageCall, MessageProducers, ProducerError
from verifier import ProviderState as State
from verifier._generators.values import Context
from verifier._message_verify import actual_part, expected_part, judge, request_message
from verifier._messages import call_producer
from verifier._pact import read_pact
from verifier._publish import Publication, payload
from verifier._results import InteractionResult, PactResult
from verifier.matching import JSONValue


def producer_of(contents: JSONValue) -> MessageProducers:
    return MessageProducers({"an event": lambda call: Message(contents=contents)})


def interaction(
    kind: str = "message", states: tuple[State, ...] = (), **message: JSONValue
) -> Interaction:
    return Interaction(
        description="an event",
        kind=kind,  # type: ignore[arg-type]  # the tests pass the pact's kinds
        provider_states=states,
        message={"description": "an event", **message},
    )


def test_a_producer_for_a_provider_state_wins_over_one_for_the_description() -> None:
    producers = MessageProducers({"an event": lambda call: Message(contents=1)})
    producers.register("an event", lambda call: Message(contents=2), state="it exists")
    with_state = interaction(states=(State(name="other"), State(name="it exists")))
    found = producers.find(with_state)
    assert found is not None
    assert found(MessageCall(description="an event")) == Message(contents=2)
    plain = producers.find(interaction())
    assert plain is not None
    assert plain(MessageCall(description="an event")) == Message(contents=1)
    assert producers.find(Interaction(description="another", kind="message")) is None


def test_registering_a_producer_twice_is_refused() -> None:
    producers = producer_of({})
    with pytest.raises(ValueError, match="already registered for 'an event'"):
        producers.register("an event", lambda call: Message(contents=None))

    @producers.produces("an event", state="s")
    def made(call: MessageCall) -> Message:
        return Message(contents=call.description)

    with pytest.raises(ValueError, match="already registered for 'an event' given 's'"):
        producers.register("an event", made, state="s")


async def test_async_producers_and_lists_of_messages_are_accepted() -> None:
    async def two(call: MessageCall) -> list[Message]:
        return [Message(contents=1), Message(contents=2)]

    assert await call_producer(two, MessageCall(description="d")) == [
        Message(contents=1),
        Message(contents=2),
    ]


async def test_a_producer_that_raises_or_returns_no_message_is_one_sentence() -> None:
    def raises(call: MessageCall) -> Message:
        raise KeyError("order")

    with pytest.raises(ProducerError) as raised:
        await call_producer(raises, MessageCall(description="an event"))
    assert str(raised.value) == "The message producer for 'an event' raised KeyError: 'order'"
    with pytest.raises(ProducerError, match="returned dict, not a Message or a list of them"):
        await call_producer(lambda call: {"a": 1}, MessageCall(description="an event"))  # type: ignore[arg-type, return-value]  # the wrong return is the point


def test_a_v3_message_reads_metadata_spelled_either_way() -> None:
    raw: dict[str, JSONValue] = {"contents": {"a": 1}, "metaData": {"topic": "t"}, "x": 1}
    assert expected_part(raw) == {"contents": {"a": 1}, "metadata": {"topic": "t"}}


def test_the_content_type_joins_the_metadata_and_json_values_imply_json() -> None:
    made = actual_part(Message(contents={"a": 1}, metadata={"topic": "t"}), "3")
    assert made == {
        "contents": {"a": 1},
        "metadata": {"topic": "t", "contentType": "application/json"},
    }
    given = actual_part(Message(contents="hi", metadata={"content-type": "text/plain"}), "4")
    assert given == {
        "contents": {"content": "hi", "contentType": "text/plain"},
        "metadata": {"content-type": "text/plain"},
    }


def test_binary_contents_travel_base64_in_v4_and_match_by_content_type() -> None:
    gif = base64.b64decode("R0lGODdhAQABAIAAAP///////ywAAAAAAQABAAACAkQBADs=")
    encoded = base64.b64encode(gif).decode()
    made = actual_part(Message(contents=gif, content_type="image/gif"), "4")
    assert made["contents"] == {
        "content": encoded,
        "contentType": "image/gif",
        "encoded": "base64",
    }
    rule: dict[str, JSONValue] = {"matchers": [{"match": "contentType", "value": "image/gif"}]}
    expected = interaction(
        contents={"content": encoded, "contentType": "image/gif", "encoded": "base64"},
        matchingRules={"body": {"$": rule}},
    )
    assert judge(expected, [Message(contents=gif, content_type="image/gif")], "4") == []
    (finding,) = judge(expected, [Message(contents=b"GIF? no", content_type="image/gif")], "4")
    assert finding.path == "$.contents"


def test_trust_22_v3_binary_contents_are_base64_as_pact_ffi_writes_them() -> None:
    """A V3 message pact holds binary contents as base64 text, its type in the metadata."""
    jpeg = b"\xff\xd8\xff\xe0" + bytes(range(256))
    expected = interaction(
        contents=base64.b64encode(jpeg).decode(), metadata={"contentType": "image/jpeg"}
    )
    assert judge(expected, [Message(contents=jpeg, content_type="image/jpeg")], "3") == []
    other = jpeg[:-1] + b"\xfe"
    (finding,) = judge(expected, [Message(contents=other, content_type="image/jpeg")], "3")
    assert (finding.kind, finding.path) == ("body", "$.contents")
    assert "260 bytes" in finding.description


def test_trust_22_bytes_that_differ_only_in_invalid_utf8_are_a_mismatch() -> None:
    """Binary bodies compare byte for byte: \\xfe and \\xfd must not both read as U+FFFD."""
    expected = interaction(
        contents={"content": base64.b64encode(b"\xff\xfe").decode(), "encoded": "base64"},
        metadata={"contentType": "application/octet-stream"},
    )
    made = Message(contents=b"\xff\xfd", content_type="application/octet-stream")
    (finding,) = judge(expected, [made], "4")
    assert finding.description == (
        "$.contents: expected 2 bytes (base64 //4=) but got 2 bytes (base64 //0=)"
    )


def test_an_async_message_expects_exactly_one_message() -> None:
    expected = interaction(contents={"id": 1})
    (none,) = judge(expected, [], "3")
    assert (none.kind, none.path, none.expected, none.actual) == ("message", "$", 1, 0)
    assert none.description == "expected 1 message but the producer produced none"
    twice = judge(expected, [Message(contents={"id": 1})] * 2, "3")
    assert [f.description for f in twice] == ["expected 1 message but the producer produced 2"]


def test_sync_responses_are_judged_in_order_under_their_index() -> None:
    expected = interaction(
        kind="synchronous-message",
        request={"contents": {"content": {"q": 1}, "contentType": "application/json"}},
        response=[
            {"contents": {"content": {"step": "first"}, "contentType": "application/json"}},
            {"contents": {"content": {"step": "second"}, "contentType": "application/json"}},
        ],
    )
    good = [Message(contents={"step": "first"}), Message(contents={"step": "second"})]
    assert judge(expected, good, "4") == []
    found = judge(expected, good[::-1], "4")
    assert [(f.path, f.description) for f in found] == [
        (
            "$.response[0].contents.step",
            '$.response[0].contents.step: expected "first" but got "second"',
        ),
        (
            "$.response[1].contents.step",
            '$.response[1].contents.step: expected "second" but got "first"',
        ),
    ]
    (short,) = judge(expected, good[:1], "4")
    assert short.description == "expected 2 response messages but the producer produced 1"


def test_the_sync_request_gets_its_generators_with_provider_state_values() -> None:
    part: dict[str, JSONValue] = {
        "contents": {"content": {"orderId": 1}, "contentType": "application/json"},
        "metadata": {"replyTo": "x"},
        "generators": {
            "body": {"$.orderId": {"type": "ProviderState", "expression": "${orderId}"}},
            "metadata": {"replyTo": {"type": "ProviderState", "expression": "replies-${orderId}"}},
        },
    }
    context = Context(provider_state={"orderId": 7}, rng=random.Random(1))
    assert request_message(part, context) == Message(
        contents={"orderId": 7}, metadata={"replyTo": "replies-7"}, content_type="application/json"
    )


def test_message_findings_publish_as_the_rust_verifier_names_them() -> None:
    pact = read_pact(
        {
            "consumer": {"name": "C"},
            "provider": {"name": "P"},
            "messages": [{"description": "an event", "contents": {"id": 1},
                          "metaData": {"topic": "orders"}}],
        }
    )  # fmt: skip
    (message,) = pact.interactions
    findings = judge(message, [Message(contents={"id": 1}, metadata={"topic": "x"})], "3")
    result = PactResult(
        consumer="C",
        provider="P",
        source="file",
        interactions=(
            InteractionResult(
                description="an event", status="failed", findings=tuple(findings),
                interaction_id="abc",
            ),
        ),
    )  # fmt: skip
    tests = payload(result, Publication(provider_version="1"))["testResults"]
    assert tests == [
        {
            "interactionId": "abc",
            "success": False,
            "interactionDescription": "an event",
            "mismatches": [
                {
                    "attribute": "metadata",
                    "description": '$.metadata.topic: expected "orders" but got "x"',
                    "identifier": "$.metadata.topic",
                }
            ],
        }
    ]
