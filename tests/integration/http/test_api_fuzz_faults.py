"""Faults the API fuzzer (tests/e2e/test_api_fuzz.py, #19) found, each pinned by a plain test.

The fuzzer compares every answer with `/openapi.json`; each test here states one thing it
found wrong, so the fault stays fixed even where the fuzzer's random inputs would miss it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from broker.app import create_app
from broker.http.openapi import openapi_document
from tests.integration.http.conftest import broker_app, dump_database, settings_for
from tests.integration.http.test_pacts import PACTS, body, pact

Client = AsyncTestClient[Any]
DOCUMENT = openapi_document(create_app(settings_for("sqlite:///unused.db")))
METHODS = {"get", "head", "post", "put", "patch", "delete"}


def concrete(template: str) -> str:
    """A path of the template, each parameter filled with `1` (a name or a number)."""
    return re.sub(r"\{[^}]+\}", "1", template)


@pytest.fixture
async def sqlite_client(sqlite_database_url: str) -> AsyncIterator[Client]:
    """The app on a fresh SQLite database, open to all (no credentials configured)."""
    async with AsyncTestClient(app=broker_app(settings_for(sqlite_database_url))) as client:
        yield client


async def test_options_names_every_method_the_document_lists(sqlite_client: Client) -> None:
    """litestar answered OPTIONS with the methods of the path's first handler only.

    `OPTIONS /admin/tokens` said `Allow: OPTIONS, POST` though GET is served too.
    """
    wrong = {}
    for template, item in DOCUMENT["paths"].items():
        answer = await sqlite_client.options(concrete(template))
        assert answer.status_code == 204, template
        allowed = {m.strip().lower() for m in answer.headers["allow"].split(",")}
        if allowed != (METHODS & set(item)) | {"options"}:
            wrong[template] = answer.headers["allow"]
    assert wrong == {}


async def test_pages_are_documented_as_what_they_answer(sqlite_client: Client) -> None:
    """The web interface's pages were documented as HAL+JSON; they answer HTML (or SVG).

    Every GET of `/ui` that needs no parameter answers the media type its documented success
    names, and a form's body is documented as urlencoded.
    """
    wrong = {}
    pages = [p for p in DOCUMENT["paths"] if p.startswith("/ui") and "{" not in p]
    assert "/ui/admin/tokens" in pages
    for path in pages:
        if "get" not in DOCUMENT["paths"][path]:
            continue
        answer = await sqlite_client.get(path)
        documented = DOCUMENT["paths"][path]["get"]["responses"].get(str(answer.status_code), {})
        media_type = answer.headers["content-type"].split(";")[0]
        if media_type not in documented.get("content", {}):
            wrong[path] = (answer.status_code, media_type)
    assert wrong == {}
    form = DOCUMENT["paths"]["/ui/admin/tokens"]["post"]["requestBody"]["content"]
    assert list(form) == ["application/x-www-form-urlencoded"]
    badge = "/ui/pacts/provider/{provider}/consumer/{consumer}/latest/badge.svg"
    assert list(DOCUMENT["paths"][badge]["get"]["responses"]["200"]["content"]) == ["image/svg+xml"]


async def test_an_empty_wip_date_in_the_query_form_is_documented_as_none(
    sqlite_client: Client,
) -> None:
    """`?include_wip_pacts_since=` reads as absent (200), which the document refused.

    The document now takes the empty value; a value that is no date stays refused by both.
    """
    path = "/pacts/provider/{provider}/for-verification"
    (parameter,) = [
        p
        for p in DOCUMENT["paths"][path]["get"]["parameters"]
        if p["name"] == "include_wip_pacts_since"
    ]
    empty, when = (
        {"const": ""},
        {"type": "string", "anyOf": [{"format": "date"}, {"format": "date-time"}]},
    )
    assert parameter["schema"] == {"anyOf": [when, empty]}
    assert (await sqlite_client.post("/pacticipants", json={"name": "Billing"})).status_code == 201
    base = "/pacts/provider/Billing/for-verification?include_wip_pacts_since="
    assert (await sqlite_client.get(base)).status_code == 200
    assert (await sqlite_client.get(base + "yesterday")).status_code == 400


async def test_a_build_url_that_does_not_parse_is_a_400_not_a_500(
    client: Client, database_url: str
) -> None:
    """A verification result whose `buildUrl` has an unbalanced `]` was a 500.

    `urlsplit` raises ValueError ("Invalid IPv6 URL") on it; it is now refused as any other
    build URL that is not http(s), and nothing is stored.
    """
    await client.post("/contracts/publish", json=body(pact("a")))
    served = (await client.get(f"{PACTS}/version/1")).json()
    sha = served["_links"]["pb:pact-version"]["name"]
    result = {"providerApplicationVersion": "2", "success": True, "buildUrl": "http://x]#"}
    before = await dump_database(database_url)
    answer = await client.post(f"{PACTS}/pact-version/{sha}/verification-results", json=result)
    assert answer.status_code == 400, answer.text
    assert answer.json()["errors"] == {"buildUrl": ["must be an http(s) URL"]}
    assert await dump_database(database_url) == before


@pytest.mark.parametrize(
    ("method", "path", "sent"),
    [
        ("POST", "/environments", {"name": "qa", "production": False, "displayName": "q\0a"}),
        (
            "POST",
            "/environments",
            {"name": "qa", "production": False, "contacts": [{"name": "\0"}]},
        ),
        ("POST", "/pacticipants", {"name": "Billing", "displayName": "Bill\0ing"}),
        ("PUT", "/pacticipants/Bill%00ing", {"displayName": "Billing"}),
        ("PUT", f"{PACTS}/version/1", pact("\0")),
    ],
)
async def test_a_nul_character_is_a_400_on_both_backends_and_stores_nothing(
    database_url: str, method: str, path: str, sent: dict[str, Any]
) -> None:
    """PostgreSQL's text and jsonb refuse U+0000: a field holding one was a 500 there, and
    SQLite stored what PostgreSQL cannot, so a broker moved from one to the other lost it.

    Both now answer it as bad input, naming the character, and store nothing.
    """
    app = broker_app(settings_for(database_url))
    async with AsyncTestClient(app=app) as client:
        before = await dump_database(database_url)
        answer = await client.request(method, path, json=sent)
        assert answer.status_code == 400, answer.text
        assert "NUL" in answer.json()["detail"]
        assert await dump_database(database_url) == before


async def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(client: Client) -> None:
    r"""`\\u0000` in JSON is a backslash and `u0000`: stored as sent on both backends."""
    published = await client.put(f"{PACTS}/version/1", json=pact("\\u0000"))
    assert published.status_code in {200, 201}, published.text
    stored = (await client.get(f"{PACTS}/version/1")).json()
    assert stored["interactions"][0]["description"] == "\\u0000"
