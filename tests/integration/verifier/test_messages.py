"""Message pacts verified against real producers: Python callables, and a message proxy served
over HTTP on 127.0.0.1 (litestar), with the sample pacts of the reference implementations."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar, Request, Response, post

from clients.cli.__main__ import main
from tests.integration.verifier.conftest import write_pact
from tests.support.provider_app import running_provider
from verifier import (
    Message,
    MessageCall,
    MessageProducers,
    PactFile,
    Provider,
    ProviderState,
    StateAction,
    Verifier,
    render_text,
)
from verifier._messages import Produced
from verifier.matching import JSONValue

SAMPLES = Path(__file__).parents[3].parent / "shared" / "corpora" / "sample-pacts"
GIF = base64.b64decode("R0lGODdhAQABAIAAAP///////ywAAAAAAQABAAACAkQBADs=")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
V4 = {"pactSpecification": {"version": "4.0"}}
UNUSED_BASE_URL = "http://127.0.0.1:9"  # only messages here: nothing is sent to the base URL


def messages_pact() -> dict[str, Any]:
    """Our V4 pact: an event with metadata rules, a binary document, a synchronous quote."""
    return {
        "consumer": {"name": "Billing"},
        "provider": {"name": "Users"},
        "interactions": [
            {
                "type": "Asynchronous/Messages",
                "description": "a user created event",
                "providerStates": [{"name": "a user exists", "params": {"id": 7}}],
                "contents": {
                    "content": {"id": 7, "name": "Ada"},
                    "contentType": "application/json",
                },
                "metadata": {"topic": "users", "key": "u-7"},
                "matchingRules": {
                    "body": {"$.id": {"matchers": [{"match": "integer"}]}},
                    "metadata": {"key": {"matchers": [{"match": "regex", "regex": "^u-\\d+$"}]}},
                },
            },
            {
                "type": "Asynchronous/Messages",
                "description": "a user's avatar",
                "contents": {
                    "content": base64.b64encode(GIF).decode(),
                    "contentType": "image/gif",
                    "encoded": "base64",
                },
                "matchingRules": {
                    "content": {"$": {"matchers": [{"match": "contentType", "value": "image/gif"}]}}
                },
            },
            {
                "type": "Synchronous/Messages",
                "description": "a quote for a plan",
                "request": {
                    "contents": {"content": {"plan": "pro"}, "contentType": "application/json"}
                },
                "response": [
                    {
                        "contents": {
                            "content": {"plan": "pro", "price": 9.5},
                            "contentType": "application/json",
                        },
                        "matchingRules": {"body": {"$.price": {"matchers": [{"match": "number"}]}}},
                    }
                ],
            },
        ],
        "metadata": V4,
    }


def proxy_app(seen: list[dict[str, Any]], *, broken: bool = False) -> Litestar:
    """A message proxy as a provider writes one: POST {description, providerStates} -> message."""

    @post("/messages", status_code=200)
    async def produce(request: Request[Any, Any, Any]) -> Response[bytes]:
        call = await request.json()
        seen.append({"body": call, "authorization": request.headers.get("authorization")})
        description = call["description"]
        if description == "a user created event":
            user_id = call["providerStates"][0]["params"]["id"]
            metadata = {"topic": "users", "key": f"u-{user_id}" if not broken else "user"}
            body = {"id": user_id if not broken else str(user_id), "name": "Ada"}
            encoded = base64.b64encode(json.dumps(metadata).encode()).decode()
            headers = {"Pact-Message-Metadata": encoded}
            return Response(
                json.dumps(body).encode(), media_type="application/json", headers=headers
            )
        if description == "a user's avatar":
            return Response(PNG if broken else GIF, media_type="image/gif")
        if description == "a quote for a plan":
            plan = call["request"]["contents"]["content"]["plan"]
            quote = {"plan": plan, "price": 9.5}
            return Response(json.dumps(quote).encode(), media_type="application/json")
        if description == "a ping":
            return Response(b"pong", media_type="text/plain")
        return Response(b"", status_code=404)

    return Litestar([produce])


@pytest.fixture
def proxy_seen() -> list[dict[str, Any]]:
    return []


@pytest.fixture
def proxy_url(proxy_seen: list[dict[str, Any]]) -> Iterator[str]:
    with running_provider(proxy_app(proxy_seen)) as url:
        yield f"{url}/messages"


def verifier_for(producers: MessageProducers, name: str = "Users", **options: Any) -> Verifier:
    provider = Provider(name=name, base_url=UNUSED_BASE_URL, **options)
    return Verifier(provider, message_producers=producers)


async def test_the_reference_v3_message_pact_is_verified_by_producers_per_state() -> None:
    """Two V3 messages share a description; a producer per provider state tells them apart."""
    producers = MessageProducers()
    producers.register(
        "a test message",
        lambda call: Message(
            contents={"testParam1": "value3", "testParam2": "value4"},
            metadata={"destination": "X002"},
        ),
        state="SomeProviderState2",
    )
    producers.register(
        "a test message",
        lambda call: Message(
            contents={"testParam1": "value1", "testParam2": "other"},
            metadata={"destination": "--"},
        ),
        state="SomeProviderState",
    )
    source = PactFile(
        SAMPLES / "pact-reference/pact_verifier/message-pact-with-metadata-matchingrule.json"
    )
    result = await verifier_for(producers, "MessageProvider").verify([source])
    first, second = result.pacts[0].interactions
    assert first.status == "passed"
    assert second.status == "failed"
    assert [finding.description for finding in second.findings] == [
        "$.metadata.destination: expected a value matching the regular expression '\\\\w+\\\\d+' "
        'but got "--"',
        "$.contents.testParam2: expected a value matching the regular expression 'value\\\\d+' "
        'but got "other"',
    ]


async def test_reference_v4_async_and_sync_message_pacts_pass_with_async_producers() -> None:
    calls: list[MessageCall] = []

    async def test_message(call: MessageCall) -> Message:
        calls.append(call)
        return Message(contents={"a": "1234-1234"}, metadata={"destination": "a/b/c"})

    async def a1(call: MessageCall) -> list[Message]:
        calls.append(call)
        return [Message(contents="this is a response", content_type="application/json")]

    producers = MessageProducers({"Test Message": test_message, "A1": a1})
    sources = [
        PactFile(SAMPLES / "pact-reference/pact_matching/v4-message-pact.json"),
        PactFile(SAMPLES / "pact-jvm/v4-sync-messages-pact.json"),
    ]
    result = await verifier_for(producers, "test_provider").verify(sources)
    assert [i.status for pact in result.pacts for i in pact.interactions] == ["passed", "passed"]
    by_name = {call.description: call for call in calls}
    assert by_name["Test Message"].request is None
    assert by_name["Test Message"].provider_states == (ProviderState(name="message exists"),)
    assert by_name["A1"].request == Message(
        contents="this is a message", content_type="application/json"
    )


async def test_a_broken_producer_names_the_message_the_path_and_the_difference(
    tmp_path: Path,
) -> None:
    def user_created(call: MessageCall) -> Message:
        return Message(
            contents={"id": "7", "name": "Ada"}, metadata={"topic": "people", "key": "u-7"}
        )

    producers = MessageProducers(
        {
            "a user created event": user_created,
            "a user's avatar": lambda call: Message(contents=PNG, content_type="image/png"),
            "a quote for a plan": lambda call: [],
        }
    )
    result = await verifier_for(producers).verify([PactFile(write_pact(tmp_path, messages_pact()))])
    report = render_text(result)
    assert "a user created event given a user exists ... FAILED" in report
    assert '$.metadata.topic: expected "users" but got "people"' in report
    assert '$.contents.id: expected an integer but got "7"' in report
    assert "a user's avatar ... FAILED" in report
    assert "$.contents: expected content of type image/gif (it looks like image/png)" in report
    assert "a quote for a plan ... FAILED" in report
    assert "expected 1 response message but the producer produced none" in report
    assert not result.is_success


async def test_a_message_proxy_over_http_produces_json_binary_and_sync_messages(
    proxy_url: str, proxy_seen: list[dict[str, Any]], tmp_path: Path
) -> None:
    states: list[tuple[str, StateAction]] = []

    def state_handler(state: ProviderState, action: StateAction) -> None:
        states.append((state.name, action))

    producers = MessageProducers(url=proxy_url)
    verifier = verifier_for(
        producers,
        state_handler=state_handler,
        state_change_teardown=True,
        custom_headers={"Authorization": "Bearer t"},
    )
    result = await verifier.verify([PactFile(write_pact(tmp_path, messages_pact()))])
    assert render_text(result).endswith("3 interactions in 1 pacts: 3 passed; verification passed.")
    # The two interactions without states get the empty state, as the Pact verifiers send it.
    named = [call for call in states if call[0]]
    assert named == [("a user exists", "setup"), ("a user exists", "teardown")]
    assert (
        sorted(call for call in states if not call[0])
        == [("", "setup")] * 2 + [("", "teardown")] * 2
    )
    bodies = {entry["body"]["description"]: entry["body"] for entry in proxy_seen}
    assert bodies["a user created event"]["providerStates"] == [
        {"name": "a user exists", "params": {"id": 7}}
    ]
    assert bodies["a quote for a plan"]["request"] == {
        "contents": {"content": {"plan": "pro"}, "contentType": "application/json"}
    }
    assert {entry["authorization"] for entry in proxy_seen} == {"Bearer t"}
    quote = result.pacts[0].interactions[2]
    assert quote.curl is not None
    assert quote.curl.startswith("curl -X POST -H 'Content-Type: application/json'")


async def test_a_broken_message_proxy_fails_on_metadata_contents_and_content_type(
    tmp_path: Path,
) -> None:
    with running_provider(proxy_app([], broken=True)) as url:
        producers = MessageProducers(url=f"{url}/messages")
        result = await verifier_for(producers).verify(
            [PactFile(write_pact(tmp_path, messages_pact()))]
        )
    event, avatar, quote = result.pacts[0].interactions
    assert [(f.kind, f.path) for f in event.findings] == [
        ("metadata", "$.metadata.key"),
        ("body", "$.contents.id"),
    ]
    (not_a_gif,) = avatar.findings
    assert not_a_gif.description.startswith(
        "$.contents: expected content of type image/gif (it looks like image/png) but got"
    )
    assert quote.status == "passed"


async def test_a_proxy_that_answers_an_error_or_is_unreachable_is_an_error(
    proxy_url: str, tmp_path: Path
) -> None:
    pact = {
        "consumer": {"name": "Billing"},
        "provider": {"name": "Users"},
        "messages": [{"description": "an unknown event", "contents": {"a": 1}}],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    path = write_pact(tmp_path, pact)
    result = await verifier_for(MessageProducers(url=proxy_url)).verify([PactFile(path)])
    (unknown,) = result.pacts[0].interactions
    assert unknown.status == "error"
    assert (
        unknown.error == f"The message producer at {proxy_url} answered 404 for 'an unknown event'"
    )
    gone = "http://127.0.0.1:9/messages"
    result = await verifier_for(MessageProducers(url=gone)).verify([PactFile(path)])
    (unreached,) = result.pacts[0].interactions
    assert unreached.error is not None
    assert unreached.error.startswith(f"The message producer could not be reached at {gone}")


async def test_a_message_without_a_registered_producer_is_an_error(tmp_path: Path) -> None:
    producers = MessageProducers({"a ping": lambda call: Message(contents="pong")})
    pact = messages_pact()
    result = await verifier_for(producers).verify([PactFile(write_pact(tmp_path, pact))])
    errors = [i.error for i in result.pacts[0].interactions]
    assert errors[0] == "No message producer is registered for 'a user created event'."
    assert not result.is_success


async def test_a_pending_message_fails_without_failing_the_run(tmp_path: Path) -> None:
    pact = messages_pact()
    pact["interactions"] = [{**pact["interactions"][0], "pending": True}]
    producers = MessageProducers(
        {"a user created event": lambda call: Message(contents={"id": "x"}, metadata={})}
    )
    result = await verifier_for(producers).verify([PactFile(write_pact(tmp_path, pact))])
    (event,) = result.pacts[0].interactions
    assert (event.status, event.is_pending) == ("failed", True)
    assert result.is_success
    assert "FAILED (pending: does not fail the run)" in render_text(result)


def test_accord_verify_takes_a_message_producer_url(
    proxy_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v3: dict[str, JSONValue] = {
        "consumer": {"name": "Monitor"},
        "provider": {"name": "Users"},
        "messages": [
            {
                "description": "a ping",
                "contents": "pong",
                "metaData": {"contentType": "text/plain"},
            },
            {"description": "a ping again", "contents": "pong"},
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    path = write_pact(tmp_path, v3)
    argv = ["verify", str(path), "--provider", "Users", "--message-producer-url", proxy_url]
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "a ping ... passed" in out
    assert "a ping again ... ERROR" in out
    assert f"The message producer at {proxy_url} answered 404 for 'a ping again'" in out


def test_accord_verify_needs_a_provider_base_url_or_a_message_producer_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_pact(tmp_path, messages_pact())
    assert main(["verify", str(path), "--provider", "Users"]) != 0
    assert "Give --provider-base-url, --message-producer-url or both." in capsys.readouterr().err


def example_of(part: dict[str, Any]) -> Message:
    """The message a pact part shows as its example, as a producer would make it."""
    contents = part.get("contents")
    metadata = part.get("metadata") or part.get("metaData") or {}
    if isinstance(contents, dict) and "content" in contents and "contentType" in contents:
        content = contents["content"]
        if contents.get("encoded") in {"base64", True}:
            content = base64.b64decode(content)
        return Message(contents=content, metadata=metadata, content_type=contents["contentType"])
    return Message(contents=contents, metadata=metadata)


def returning(made: Message | list[Message]) -> Callable[[MessageCall], Produced]:
    """A producer that returns `made` whatever it is asked."""
    return lambda call: made


SAMPLE_MESSAGE_PACTS = sorted(
    path.relative_to(SAMPLES).as_posix()
    for path in SAMPLES.rglob("*.json")
    if '"messages"' in path.read_text() or 'Messages"' in path.read_text()
)


@pytest.mark.parametrize("name", SAMPLE_MESSAGE_PACTS)
async def test_every_sample_message_pact_passes_with_its_own_examples(name: str) -> None:
    """Producers that return each message's example satisfy the pact, V3 and V4 alike."""
    document = json.loads((SAMPLES / name).read_text())
    producers = MessageProducers()
    descriptions: set[str] = set()
    for raw in document.get("messages", []) + document.get("interactions", []):
        if "Messages" not in raw.get("type", "Messages"):
            continue  # an HTTP interaction of a combined pact
        descriptions.add(raw["description"])
        if raw.get("type") == "Synchronous/Messages":
            made: Message | list[Message] = [example_of(item) for item in raw["response"]]
        else:
            made = example_of(raw)
        states = [state["name"] for state in raw.get("providerStates", [])]
        producers.register(raw["description"], returning(made), state=states[0] if states else None)
    result = await verifier_for(producers, document["provider"]["name"]).verify(
        [PactFile(SAMPLES / name)]
    )
    messages = {
        i.description: i.status
        for i in result.pacts[0].interactions
        if i.description in descriptions
    }
    assert set(messages.values()) == {"passed"}, render_text(result)
