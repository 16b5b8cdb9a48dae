"""The verifier sends nothing where it should not: every request stays on its own origin.

Two small HTTP servers on 127.0.0.1 (two ports, two origins) record what reaches them: one
plays the provider or the broker, the other a stranger that must hear nothing carrying their
credentials. They serve JSON by path and record each request's path and `Authorization`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from clients.cli.__main__ import main
from verifier import (
    BrokerSource,
    OpenAPICheck,
    OpenAPIDocumentError,
    PactFile,
    PactUrl,
    Provider,
    Publication,
    SourceError,
    Verifier,
)
from verifier._errors import ReplayError
from verifier._http import Outgoing
from verifier._replay import Connection, send
from verifier.comparison import Spec, compare
from verifier.pytest_plugin.options import read_settings

pytest_plugins = ["pytester"]

SECRET = "Bearer provider-secret"


@dataclass
class Recorder:
    """A server's address, what it answers by path, and the requests it received."""

    url: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    received: list[tuple[str, str, str | None]] = field(default_factory=list)

    def authorizations(self) -> list[str | None]:
        """The `Authorization` header of each request received (None when absent)."""
        return [authorization for _, _, authorization in self.received]


@contextmanager
def recording_server() -> Iterator[Recorder]:
    """A JSON server on a free port of 127.0.0.1 that records every request."""
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            recorder.received.append((self.command, self.path, self.headers.get("Authorization")))
            found = recorder.answers.get(self.path.split("?")[0])
            body = json.dumps({} if found is None else found).encode()
            self.send_response(200 if found is not None else 404)
            self.send_header("Content-Type", "application/hal+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = _answer  # http.server's naming

        def log_message(self, *args: object) -> None:
            del args

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def provider() -> Iterator[Recorder]:
    """The provider (or broker) under test."""
    with recording_server() as recorder:
        yield recorder


@pytest.fixture
def stranger() -> Iterator[Recorder]:
    """Another origin, which must receive no credentials."""
    with recording_server() as recorder:
        yield recorder


def pact_with_path(path: str) -> dict[str, Any]:
    """A V3 pact of one GET interaction to `path`."""
    return {
        "consumer": {"name": "Web"},
        "provider": {"name": "Orders"},
        "interactions": [
            {
                "description": "a request for orders",
                "request": {"method": "GET", "path": path},
                "response": {"status": 200},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


@pytest.mark.parametrize("shape", ["@{host}/steal", "{host}/steal", "http://{host}/steal"])
async def test_trust_09_a_pact_path_naming_another_host_sends_nothing(
    tmp_path: Path, provider: Recorder, stranger: Recorder, shape: str
) -> None:
    """`@127.0.0.1:PORT/steal` once took the provider's Authorization header to that host."""
    host = stranger.url.removeprefix("http://")
    file = tmp_path / "pact.json"
    file.write_text(json.dumps(pact_with_path(shape.format(host=host))))
    verifier = Verifier(
        Provider(name="Orders", base_url=provider.url, custom_headers={"Authorization": SECRET})
    )
    result = await verifier.verify([PactFile(file)])
    (interaction,) = result.pacts[0].interactions
    assert stranger.received == []
    assert provider.received == []
    assert interaction.status == "error"
    assert interaction.error is not None
    assert "does not start with '/'" in interaction.error
    assert not result.is_success


async def test_trust_09_a_replayed_url_off_the_base_origin_is_not_sent(
    provider: Recorder, stranger: Recorder
) -> None:
    """The origin is checked on the URL as built, whatever text produced it."""
    host = stranger.url.removeprefix("http://")
    settings = Provider(name="Orders", base_url=provider.url)
    headers = (("Authorization", SECRET),)
    async with Connection(settings, settings.tls()) as connection:
        with pytest.raises(ReplayError, match="nothing was sent") as caught:
            await send(
                connection,
                Outgoing(method="GET", target=f"@{host}/steal", headers=headers, body=None),
            )
        assert stranger.url in str(caught.value)
        assert provider.url in str(caught.value)
        answer = await send(
            connection, Outgoing(method="GET", target="/orders", headers=headers, body=None)
        )
    assert answer.status_code == 404
    assert stranger.received == []
    assert provider.received == [("GET", "/orders", SECRET)]


def openapi_with_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """An OpenAPI 3.0 document whose `GET /orders` 200 body has `schema`."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Orders", "version": "1.0.0"},
        "paths": {
            "/orders": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "the orders",
                            "content": {"application/json": {"schema": schema}},
                        }
                    }
                }
            }
        },
    }


def test_trust_09_openapi_refs_to_files_and_urls_are_refused_unread(
    tmp_path: Path, stranger: Recorder
) -> None:
    """A `file://` ref was read and echoed; an `http://` one was fetched."""
    secret = tmp_path / "secret.json"
    secret.write_text('"the-secret-contents"')
    stranger.answers["/schema.json"] = {"type": "object"}
    for ref in (secret.as_uri(), f"{stranger.url}/schema.json", "other.yaml#/Order"):
        document = openapi_with_schema({"$ref": ref})
        with pytest.raises(OpenAPIDocumentError) as caught:
            OpenAPICheck(document, origin="The OpenAPI file orders.yaml")
        assert ref in str(caught.value)
        assert "the-secret-contents" not in str(caught.value)
    nested = openapi_with_schema(
        {"type": "object", "properties": {"a": {"items": {"$ref": f"{stranger.url}/a.json"}}}}
    )
    with pytest.raises(OpenAPIDocumentError, match="another document"):
        OpenAPICheck(nested)
    assert stranger.received == []


def test_trust_09_openapi_local_refs_still_work() -> None:
    """A reference inside the document is followed as before."""
    document = openapi_with_schema({"$ref": "#/components/schemas/Order"})
    document["components"] = {"schemas": {"Order": {"type": "object", "required": ["id"]}}}
    check = OpenAPICheck(document)
    request = {"method": "GET", "path": "/orders"}
    response: dict[str, Any] = {
        "status": 200,
        "headers": {"Content-Type": ["application/json"]},
        "body": "{}",
    }
    findings = check(None, request, response)  # type: ignore[arg-type]  # unused by the check
    assert [finding.kind for finding in findings] == ["body"]


def test_trust_09_the_comparator_never_fetches_a_remote_ref(stranger: Recorder) -> None:
    """Refs the comparator's rewrites do not reach went to jsonschema, which fetched them."""
    stranger.answers["/cmp.json"] = {"type": "string"}
    schema = {
        "type": "object",
        "patternProperties": {".*": {"$ref": f"{stranger.url}/cmp.json"}},
        "properties": {"b": {"if": {"$ref": f"{stranger.url}/if.json"}}},
    }
    pact = {
        "interactions": [
            {
                "description": "orders",
                "request": {"method": "GET", "path": "/orders"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"a": 1, "b": 2},
                },
            }
        ]
    }
    compare(Spec(openapi_with_schema(schema)), pact)
    assert stranger.received == []


def broker_index(pacts_for_verification: str) -> dict[str, Any]:
    """A broker index whose pacts-for-verification relation is `pacts_for_verification`."""
    return {
        "_links": {
            "pb:provider-pacts-for-verification": {
                "href": pacts_for_verification + "/pacts/provider/{provider}/for-verification",
                "templated": True,
            }
        }
    }


def selection(pact_url: str) -> dict[str, Any]:
    """A pacts-for-verification answer selecting the pact at `pact_url`."""
    return {
        "_embedded": {
            "pacts": [
                {
                    "shortDescription": "latest from main",
                    "verificationProperties": {"pending": False},
                    "_links": {"self": {"href": pact_url, "name": "Pact"}},
                }
            ]
        }
    }


async def test_trust_09_broker_links_to_another_origin_are_not_followed_with_the_token(
    provider: Recorder, stranger: Recorder
) -> None:
    """A pact URL on another origin is refused, naming both origins; the token stays home."""
    broker = provider
    broker.answers["/"] = broker_index(broker.url)
    broker.answers["/pacts/provider/Orders/for-verification"] = selection(f"{stranger.url}/pacts/1")
    stranger.answers["/pacts/1"] = pact_with_path("/orders")
    source = BrokerSource(url=broker.url, token="broker-token")
    with pytest.raises(SourceError) as caught:
        await Verifier(Provider(name="Orders", base_url=broker.url)).load([source])
    assert stranger.received == []
    assert broker.authorizations() == ["Bearer broker-token"] * 2
    assert stranger.url in str(caught.value)
    assert broker.url in str(caught.value)
    # The index itself pointing elsewhere is refused the same way.
    broker.answers["/"] = broker_index(stranger.url)
    with pytest.raises(SourceError):
        await Verifier(Provider(name="Orders", base_url=broker.url)).load([source])
    assert stranger.received == []


async def test_trust_09_without_credentials_links_to_another_origin_are_followed(
    provider: Recorder, stranger: Recorder
) -> None:
    """There is nothing to leak: an open broker behind a proxy keeps working."""
    broker = provider
    broker.answers["/"] = broker_index(broker.url)
    broker.answers["/pacts/provider/Orders/for-verification"] = selection(f"{stranger.url}/pacts/1")
    stranger.answers["/pacts/1"] = pact_with_path("/orders")
    loaded = await Verifier(Provider(name="Orders", base_url=broker.url)).load(
        [BrokerSource(url=broker.url)]
    )
    try:
        assert [item.pact.consumer for item in loaded] == ["Web"]
        assert stranger.authorizations() == [None]
    finally:
        for item in loaded:
            if item.broker is not None:
                await item.broker.aclose()


def test_trust_09_a_pact_url_off_the_brokers_origin_gets_no_broker_token(
    tmp_path: Path,
    provider: Recorder,
    stranger: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`accord verify URL` with PACT_BROKER_TOKEN set sent the token to any URL's host."""
    stranger.answers["/pacts/1"] = pact_with_path("/orders")
    provider.answers["/orders"] = {}
    monkeypatch.setenv("PACT_BROKER_TOKEN", "broker-token")
    monkeypatch.setenv("PACT_BROKER_BASE_URL", "http://127.0.0.1:9")
    code = main(
        [
            "verify",
            f"{stranger.url}/pacts/1",
            "--provider",
            "Orders",
            "--provider-base-url",
            provider.url,
        ]
    )
    capsys.readouterr()
    assert code == 0
    assert stranger.authorizations() == [None]


async def test_trust_09_a_pact_url_keeps_its_own_credentials(
    provider: Recorder,
) -> None:
    """Credentials given with a pact URL go to that URL's origin, as before."""
    provider.answers["/pacts/1"] = pact_with_path("/orders")
    loaded = await Verifier(Provider(name="Orders", base_url=provider.url)).load(
        [PactUrl(url=f"{provider.url}/pacts/1", token="pact-token")]
    )
    for item in loaded:
        if item.broker is not None:
            await item.broker.aclose()
    assert provider.authorizations() == ["Bearer pact-token"]


async def test_trust_09_a_publish_link_to_another_origin_gets_no_result_and_no_token(
    provider: Recorder, stranger: Recorder
) -> None:
    """The pact's `pb:publish-verification-results` link is followed like any other."""
    broker = provider
    pact = pact_with_path("/orders")
    pact["_links"] = {
        "pb:publish-verification-results": {"href": f"{stranger.url}/results"},
    }
    broker.answers["/"] = broker_index(broker.url)
    broker.answers["/pacts/provider/Orders/for-verification"] = selection(f"{broker.url}/pacts/1")
    broker.answers["/pacts/1"] = pact
    broker.answers["/orders"] = {}
    result = await Verifier(Provider(name="Orders", base_url=broker.url)).verify(
        [BrokerSource(url=broker.url, token="broker-token")],
        publication=Publication(provider_version="1.0.0"),
    )
    (verified,) = result.pacts
    assert verified.publish_error is not None
    assert stranger.url in verified.publish_error
    assert stranger.received == []


@pytest.mark.parametrize(
    ("broker_url", "expected_token"),
    [("http://127.0.0.1:9", None), ("http://127.0.0.1:8", "broker-token"), (None, "broker-token")],
)
def test_trust_09_the_pytest_plugin_gives_the_broker_token_to_the_brokers_origin_only(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    broker_url: str | None,
    expected_token: str | None,
) -> None:
    """`--accord-pact URL` with PACT_BROKER_TOKEN set sent the token to any URL's host."""
    monkeypatch.setenv("PACT_BROKER_TOKEN", "broker-token")
    monkeypatch.delenv("PACT_BROKER_BASE_URL", raising=False)
    flags = ["--accord-pact", "http://127.0.0.1:8/pacts/1", "--accord-provider", "Orders"]
    if broker_url is not None:
        flags += ["--accord-broker-url", broker_url]
    settings = read_settings(pytester.parseconfig(*flags))
    (pact,) = [source for source in settings.sources if isinstance(source, PactUrl)]
    assert pact.token == expected_token
