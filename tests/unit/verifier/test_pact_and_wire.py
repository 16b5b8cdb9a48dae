"""Reading pacts (V2 to V4) and turning their requests into what goes on the wire."""

from __future__ import annotations

import base64
import json
from typing import Any

import msgspec
import pytest

from tests.support.hostile_documents import nested_json
from tests.support.hostile_documents import pact as pact_with_body
from verifier import PactError, ProviderState
from verifier._http import outgoing, received
from verifier._pact import decode_pact, read_pact, spec_of
from verifier.matching import JSONValue, match_response


def pact_with(interactions: list[JSONValue], version: str | None = "3.0.0") -> dict[str, JSONValue]:
    document: dict[str, JSONValue] = {
        "consumer": {"name": "C"},
        "provider": {"name": "P"},
        "interactions": interactions,
    }
    if version is not None:
        document["metadata"] = {"pactSpecification": {"version": version}}
    return document


@pytest.mark.parametrize(
    ("metadata", "spec"),
    [
        ({"pactSpecification": {"version": "2.0.0"}}, "2"),
        ({"pact-specification": {"version": "1.1.0"}}, "1.1"),
        ({"pactSpecificationVersion": "1.0.0"}, "1"),
        ({"pactSpecification": {"version": "4.0"}}, "4"),
        ({}, "3"),
    ],
)
def test_the_specification_version_comes_from_the_metadata(
    metadata: dict[str, JSONValue], spec: str
) -> None:
    assert spec_of({"metadata": metadata}) == spec


def test_v2_and_v3_provider_states_are_read() -> None:
    pact = read_pact(
        pact_with(
            [
                {
                    "description": "v2",
                    "providerState": "a user exists",
                    "request": {"method": "GET", "path": "/"},
                    "response": {"status": 200},
                },
                {
                    "description": "v3",
                    "providerStates": [{"name": "s1", "params": {"id": 1}}, {"name": "s2"}],
                    "request": {"method": "GET", "path": "/"},
                    "response": {"status": 200},
                    "_id": "abc",
                },
            ]
        )
    )
    first, second = pact.interactions
    assert first.provider_states == (ProviderState(name="a user exists"),)
    assert second.provider_states == (
        ProviderState(name="s1", params={"id": 1}),
        ProviderState(name="s2"),
    )
    assert (first.interaction_id, second.interaction_id) == (None, "abc")


def test_v4_interactions_have_kinds_and_pending_flags() -> None:
    pact = read_pact(
        pact_with(
            [
                {
                    "type": "Synchronous/HTTP",
                    "description": "http",
                    "pending": True,
                    "request": {"method": "GET", "path": "/"},
                    "response": {"status": 200},
                },
                {"type": "Asynchronous/Messages", "description": "event", "contents": {}},
            ],
            version="4.0",
        )
    )
    assert [(i.kind, i.is_pending) for i in pact.interactions] == [
        ("http", True),
        ("message", False),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "it is not JSON"),
        (b"[]", "a pact is a JSON object"),
        (json.dumps({"provider": {"name": "P"}, "interactions": []}).encode(), "no consumer name"),
        (json.dumps(pact_with([{"description": "x"}])).encode(), "lacks a request or a response"),
        (json.dumps(pact_with([], version="9.0")).encode(), "unknown pact specification"),
    ],
)
def test_what_is_not_a_pact_is_refused_with_a_reason(content: bytes, message: str) -> None:
    with pytest.raises(PactError, match=message):
        decode_pact(content)


def test_a_v3_query_and_json_body_go_out_encoded_with_a_content_type() -> None:
    sent = outgoing(
        {
            "method": "post",
            "path": "/search",
            "query": {"q": ["a b", "c&d"], "page": ["1"]},
            "body": {"name": "Ada"},
        },
        [("X-Extra", "1")],
    )
    assert (sent.method, sent.target) == ("POST", "/search?q=a%20b&q=c%26d&page=1")
    assert sent.headers == (("Content-Type", "application/json"), ("X-Extra", "1"))
    assert json.loads(sent.body or b"") == {"name": "Ada"}


def test_custom_headers_replace_the_pacts_headers_of_the_same_name() -> None:
    sent = outgoing(
        {"path": "/", "headers": {"authorization": "Bearer old", "Accept": ["a", "b"]}},
        [("Authorization", "Bearer new")],
    )
    assert sent.headers == (("Accept", "a"), ("Accept", "b"), ("Authorization", "Bearer new"))


def test_v4_bodies_go_out_as_their_content_type_says() -> None:
    text = outgoing({"path": "/", "body": {"content": "hi", "contentType": "text/plain"}})
    assert (text.body, text.headers) == (b"hi", (("Content-Type", "text/plain"),))
    raw = base64.b64encode(b"\x00\x01").decode()
    binary = outgoing(
        {
            "path": "/",
            "body": {
                "content": raw,
                "contentType": "application/octet-stream",
                "encoded": "base64",
            },
        }
    )
    assert binary.body == b"\x00\x01"


def test_a_string_body_is_sent_as_its_text() -> None:
    sent = outgoing(
        {"path": "/", "headers": {"Content-Type": "application/json"}, "body": '{"a": 1}'}
    )
    assert sent.body == b'{"a": 1}'


def test_curl_replays_the_request() -> None:
    sent = outgoing({"method": "PUT", "path": "/x", "query": "a=1", "body": {"k": "it's"}})
    assert sent.curl("http://host:1/") == (
        "curl -X PUT -H 'Content-Type: application/json' --data-binary "
        """'{"k": "it'"'"'s"}' 'http://host:1/x?a=1'"""
    )


def test_a_binary_answer_keeps_its_bytes_for_v4_matching() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\xff" * 8
    actual = received(200, [("Content-Type", "image/png")], png, spec="4")
    expected: dict[str, JSONValue] = {
        "status": 200,
        "body": {
            "content": base64.b64encode(png).decode(),
            "contentType": "image/png",
            "encoded": "base64",
        },
    }
    assert match_response(expected, actual, spec="4") == []


def test_repeated_answer_headers_are_kept_as_lists() -> None:
    actual = received(200, [("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")], b"", spec="3")
    assert actual["headers"] == {"Set-Cookie": ["a=1", "b=2"]}


@pytest.mark.parametrize("depth", [200, 5000])
def test_trust_06_the_verifier_refuses_a_deeply_nested_pact_as_a_pact_error(depth: int) -> None:
    """A pact from the broker or a file is walked by recursive code: its nesting is bounded."""
    deep = pact_with_body(nested_json(depth))
    with pytest.raises(PactError, match="nests deeper than"):
        decode_pact(deep)
    with pytest.raises(PactError, match="nests deeper than"):
        read_pact(msgspec.json.decode(pact_with_body(nested_json(200))))


@pytest.mark.parametrize("depth", [200, 5000])
def test_trust_06_a_provider_body_nested_too_deeply_is_a_mismatch(depth: int) -> None:
    """The engine recurses over the actual body: past the bound it reports, never crashes."""
    expected: dict[str, Any] = {
        "status": 200,
        "headers": {"Content-Type": "application/json"},
        "body": [[1]],
    }
    actual: dict[str, Any] = {
        "status": 200,
        "headers": {"Content-Type": "application/json"},
        "body": nested_json(depth).encode(),
    }
    found = match_response(expected, actual, spec="3")
    assert len(found) == 1
    assert "cannot be read" in found[0].description
    assert "nest" in found[0].description
