"""Responses checked against the provider's OpenAPI document, which the provider app violates.

The document below describes the test provider app, but says a user always has `createdAt`
(the app never sends it) and documents no 404 for `GET /users/{id}`: the pact passes, the
OpenAPI check does not, and its findings carry `source="openapi"`.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from broker.app import create_app as create_broker
from broker.settings import Settings
from clients.cli.__main__ import main
from clients.sdk import BrokerClient
from tests.integration.verifier.conftest import PROVIDER, user_pact, without_broken, write_pact
from tests.support.provider_app import TOKEN, free_port
from verifier import OpenAPICheck, OpenAPIDocumentError, PactFile, Provider, Verifier

USER = {
    "type": "object",
    "required": ["id", "name", "createdAt"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "email": {"type": "string", "nullable": True},
        "createdAt": {"type": "string", "format": "date-time"},
    },
}


def document(*, honest: bool = False) -> dict[str, Any]:
    """The provider's OpenAPI document: it lies about users and 404s unless `honest`."""
    user = copy.deepcopy(USER)
    responses: dict[str, Any] = {
        "200": {"description": "the user", "content": {"application/json": {"schema": user}}}
    }
    if honest:
        user["required"] = ["id", "name"]
        responses["404"] = {"description": "no such user"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Users", "version": "1.0.0"},
        "servers": [{"url": "https://users.example.com"}],
        "paths": {
            "/users/{id}": {
                "get": {
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": responses,
                }
            },
            "/users": {
                "post": {
                    "responses": {
                        "201": {
                            "description": "created",
                            "content": {"application/json": {"schema": user}},
                        }
                    }
                }
            },
        },
    }


def write_document(folder: Path, content: dict[str, Any]) -> Path:
    path = folder / "openapi.json"
    path.write_text(json.dumps(content))
    return path


def provider_at(url: str) -> Provider:
    return Provider(
        name=PROVIDER,
        base_url=url,
        state_change_url=f"{url}/_pact/provider-states",
        custom_headers={"Authorization": f"Bearer {TOKEN}"},
    )


async def test_responses_that_break_the_document_fail_with_openapi_findings(
    provider_url: str, tmp_path: Path
) -> None:
    pact = write_pact(tmp_path, without_broken(user_pact()))
    check = OpenAPICheck.from_file(write_document(tmp_path, document()))
    result = await Verifier(provider_at(provider_url), response_checks=[check]).verify(
        [PactFile(pact)]
    )

    assert not result.is_success
    found, missing, created = result.pacts[0].interactions
    assert found.status == "failed"
    assert [(f.source, f.kind, f.path) for f in found.findings] == [("openapi", "body", "$.body")]
    assert "'createdAt' is a required property" in found.findings[0].description
    assert found.findings[0].description.startswith("$.body: ")
    assert [(f.source, f.kind) for f in missing.findings] == [("openapi", "status")]
    assert missing.findings[0].description == (
        "GET /users/5 404: the document lists no 404 response"
    )
    assert [f.source for f in created.findings] == ["openapi"]


async def test_a_provider_that_honours_the_document_passes(
    provider_url: str, tmp_path: Path
) -> None:
    pact = write_pact(tmp_path, without_broken(user_pact()))
    check = OpenAPICheck.from_file(write_document(tmp_path, document(honest=True)))
    result = await Verifier(provider_at(provider_url), response_checks=[check]).verify(
        [PactFile(pact)]
    )
    assert result.is_success, [i.findings for i in result.pacts[0].interactions]


async def test_an_operation_the_document_lacks_is_a_finding(
    provider_url: str, tmp_path: Path
) -> None:
    pact = write_pact(tmp_path, user_pact())
    check = OpenAPICheck.from_file(write_document(tmp_path, document(honest=True)))
    result = await Verifier(provider_at(provider_url), response_checks=[check]).verify(
        [PactFile(pact)]
    )
    broken = result.pacts[0].interactions[3]
    assert [(f.source, f.kind) for f in broken.findings] == [
        ("pact", "body"),
        ("openapi", "operation"),
    ]
    assert broken.findings[1].description == (
        "GET /broken 200: the document describes no such operation"
    )


def test_accord_verify_openapi_reports_the_findings_apart(
    provider_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pact = write_pact(tmp_path, without_broken(user_pact()))
    spec = write_document(tmp_path, document())
    code = main(
        [
            "verify", str(pact),
            "--provider", PROVIDER,
            "--provider-base-url", provider_url,
            "--provider-states-setup-url", f"{provider_url}/_pact/provider-states",
            "--custom-header", f"Authorization: Bearer {TOKEN}",
            "--openapi", str(spec),
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    assert "     openapi: body\n       $.body: 'createdAt' is a required property" in out
    assert "     openapi: status\n" in out


def test_accord_verify_refuses_a_document_that_is_not_openapi(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pact = write_pact(tmp_path, without_broken(user_pact()))
    spec = tmp_path / "openapi.json"
    spec.write_text('{"openapi": "3.0.3", "paths": {}}')
    code = main(
        ["verify", str(pact), "--provider", PROVIDER, "--provider-base-url", "http://127.0.0.1:9",
         "--openapi", str(spec)]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code != 0
    assert f"The OpenAPI file {spec} is not a valid OpenAPI document: " in err
    assert err.count("\n") == 1


def test_a_file_that_is_not_json_or_yaml_is_one_sentence(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.yaml"
    spec.write_text("paths: [unclosed")
    with pytest.raises(OpenAPIDocumentError, match=r"^The OpenAPI file .* cannot be read: "):
        OpenAPICheck.from_file(spec)


@contextmanager
def broker_on_free_port(folder: Path) -> Iterator[str]:
    """The real broker (SQLite in `folder`) served on a free port, with its lifespan."""
    port = free_port()
    settings = Settings(database_url=f"sqlite:///{folder / 'broker.db'}")
    server = uvicorn.Server(
        uvicorn.Config(create_broker(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the broker did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def broker_url(tmp_path: Path) -> Iterator[str]:
    with broker_on_free_port(tmp_path) as url:
        yield url


async def test_the_document_may_be_the_provider_contract_in_the_broker(
    broker_url: str, provider_url: str, tmp_path: Path
) -> None:
    with BrokerClient(broker_url) as broker:
        content = json.dumps(document()).encode()
        broker.publish_provider_contract(
            PROVIDER, "p1", content, content_type="application/json", branch="main"
        )
    check = OpenAPICheck.from_broker(broker_url, PROVIDER, "p1")
    pact = write_pact(tmp_path, without_broken(user_pact()))
    result = await Verifier(provider_at(provider_url), response_checks=[check]).verify(
        [PactFile(pact)]
    )
    assert result.count("failed") == 3
    assert {f.source for i in result.pacts[0].interactions for f in i.findings} == {"openapi"}

    with pytest.raises(OpenAPIDocumentError) as raised:
        OpenAPICheck.from_broker(broker_url, PROVIDER, "p2")
    assert str(raised.value).startswith(
        f"The provider contract of {PROVIDER} version p2 could not be fetched: "
    )


def test_accord_verify_takes_the_document_a_provider_version_published(
    broker_url: str,
    provider_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The broker from the environment: with pact files given, it is not asked for pacts.
    monkeypatch.setenv("PACT_BROKER_BASE_URL", broker_url)
    with BrokerClient(broker_url) as broker:
        content = json.dumps(document()).encode()
        broker.publish_provider_contract(PROVIDER, "p1", content, content_type="application/json")
    pact = write_pact(tmp_path, without_broken(user_pact()))
    code = main(
        [
            "verify", str(pact),
            "--provider", PROVIDER,
            "--provider-base-url", provider_url,
            "--provider-states-setup-url", f"{provider_url}/_pact/provider-states",
            "--custom-header", f"Authorization: Bearer {TOKEN}",
            "--openapi-provider-version", "p1",
        ]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    assert "     openapi: body\n       $.body: 'createdAt' is a required property" in out
