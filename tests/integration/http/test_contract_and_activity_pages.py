"""The provider contract, notifications and audit pages in-process, on both backends (#15).

Each page shows what its API resource answers (the provider contract and its changes, the
comparisons, `GET /pacticipants/{p}/notifications`, `GET /audit`) and refuses what it refuses.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.integration.http.conftest import broker_app, settings_for

Client = AsyncTestClient[Any]

ADMIN = "admin-secret-for-the-contract-pages"
AS_BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
FIXTURES = Path(__file__).resolve().parents[3].parent / "shared" / "clients" / "fixtures"
OAS = (FIXTURES / "oas.yaml").read_text()
READER: dict[str, Any] = json.loads(
    (FIXTURES / "pacts" / "ProbeConsumerV3-ProbeProvider.json").read_text()
)


def as_admin(**more: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN}", **AS_BROWSER, **more}


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[Client]:
    """The application with `ACCORD_ADMIN_TOKEN` set; requests carry a token or a session."""
    async with AsyncTestClient(app=broker_app(settings_for(database_url, admin_token=ADMIN))) as c:
        c.follow_redirects = False
        yield c


def teapot_reader() -> dict[str, Any]:
    """A consumer expecting a status the document does not declare: the comparison flags it."""
    return {
        "consumer": {"name": "Teapot"},
        "provider": {"name": "ProbeProvider"},
        "interactions": [
            {
                "description": "a user who is a teapot",
                "request": {"method": "GET", "path": "/users/7"},
                "response": {"status": 418},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def without_user_reads() -> str:
    """The fixture document without `GET /users/{id}`: breaking for its readers."""
    start, end = OAS.index("  /users/{id}:"), OAS.index("  /users:")
    return OAS[:start] + OAS[end:]


async def publish_pact(client: Client, version: str, document: dict[str, Any]) -> None:
    consumer = document["consumer"]["name"]
    content = base64.b64encode(json.dumps(document).encode()).decode()
    response = await client.post(
        "/contracts/publish",
        json={
            "pacticipantName": consumer,
            "pacticipantVersionNumber": version,
            "branch": "main",
            "contracts": [
                {
                    "consumerName": consumer,
                    "providerName": document["provider"]["name"],
                    "specification": "pact",
                    "contentType": "application/json",
                    "content": content,
                }
            ],
        },
        headers={"Authorization": f"Bearer {ADMIN}"},
    )
    assert response.status_code == 200, response.text


async def publish_contract(client: Client, version: str, document: str) -> None:
    response = await client.post(
        "/provider-contracts/provider/ProbeProvider/publish",
        json={
            "pacticipantVersionNumber": version,
            "contract": {
                "content": base64.b64encode(document.encode()).decode(),
                "contentType": "application/yaml",
                "specification": "oas",
                "selfVerificationResults": {"success": True, "verifier": "schemathesis"},
            },
        },
        headers={"Authorization": f"Bearer {ADMIN}"},
    )
    assert response.status_code == 200, response.text


async def page_text(client: Client, path: str, **headers: str) -> str:
    response = await client.get(path, headers=as_admin(**headers))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return html.unescape(response.text)


async def test_the_contract_page_shows_each_consumers_findings_and_the_breaking_changes(
    client: Client,
) -> None:
    await publish_pact(client, "1.0.0", READER)
    await publish_pact(client, "1.0.0", teapot_reader())
    await publish_contract(client, "1", OAS)
    await publish_contract(client, "2", without_user_reads())

    listing = await page_text(client, "/ui/provider-contracts/ProbeProvider")
    assert listing.index('data-version="2"') < listing.index('data-version="1"')
    assert "2 versions published a document" in listing

    first = await page_text(client, "/ui/provider-contracts/ProbeProvider/version/1")
    comparisons = first[first.index('id="comparisons"') : first.index('id="changes"')]
    teapot = comparisons[comparisons.index('data-consumer="Teapot"') :]
    assert "Not compatible" in teapot
    assert "response.status.unknown" in teapot
    assert "a user who is a teapot" in teapot
    assert "[root].interactions[0].response.status" in teapot
    reader = comparisons[
        comparisons.index('data-consumer="ProbeConsumerV3"') : comparisons.index(
            'data-consumer="Teapot"'
        )
    ]
    assert "Compatible" in reader and "Not compatible" not in reader
    assert "This is the first document ProbeProvider published" in first
    assert "GET</span> <code>/users/{id}" in first  # the outline
    assert "title: ProbeProvider" in first  # the document as published
    assert "by schemathesis" in first

    second = await page_text(client, "/ui/provider-contracts/ProbeProvider/version/2")
    changes = second[second.index('id="changes"') : second.index('id="operations"')]
    api = await client.get(
        "/provider-contracts/provider/ProbeProvider/version/2/changes",
        headers={"Authorization": f"Bearer {ADMIN}"},
    )
    breaking = [c for c in api.json()["changes"] if c["level"] == "ERR"]
    assert breaking, api.json()
    for change in breaking:
        row = changes[changes.index(f'data-change="{change["id"]}"') :]
        row = row[: row.index("</tr>")]
        for consumer in change["consumers"]:
            assert f">{consumer}</a>" in row
    touched = next(c for c in breaking if c["consumers"])
    assert touched["consumers"] == ["ProbeConsumerV3", "Teapot"]
    assert "a request for user 42" in changes
    assert "Since version" in changes and ">1</code>" in changes
    # The reader's pact no longer fits version 2's document.
    comparisons = second[second.index('id="comparisons"') : second.index('id="changes"')]
    reader = comparisons[comparisons.index('data-consumer="ProbeConsumerV3"') :]
    assert "Not compatible" in reader


async def test_a_contract_page_of_a_version_without_a_document_is_the_apis_404(
    client: Client,
) -> None:
    await publish_pact(client, "1.0.0", READER)
    missing = await client.get("/ui/provider-contracts/ProbeProvider/version/9", headers=as_admin())
    assert missing.status_code == 404
    assert "ProbeProvider" in html.unescape(missing.text)
    unknown = await client.get("/ui/provider-contracts/Nobody", headers=as_admin())
    assert unknown.status_code == 404
    bad_page = await client.get("/ui/provider-contracts/ProbeProvider?page=0", headers=as_admin())
    assert bad_page.status_code == 400
    assert "must be an integer from 1" in bad_page.text


async def new_token(client: Client, role: str, teams: list[str]) -> str:
    response = await client.post(
        "/admin/tokens",
        json={"name": f"{role}-{'-'.join(teams) or 'none'}", "role": role, "teams": teams},
        headers={"Authorization": f"Bearer {ADMIN}"},
    )
    assert response.status_code == 201, response.text
    secret: str = response.json()["token"]
    return secret


async def test_notifications_show_the_teams_consumers_or_everyones_for_a_caller_in_no_team(
    client: Client,
) -> None:
    await publish_pact(client, "1.0.0", READER)
    await publish_pact(client, "1.0.0", teapot_reader())
    await publish_contract(client, "1", OAS)
    await publish_contract(client, "2", without_user_reads())
    team = await client.put(
        "/admin/teams/readers",
        json={"pacticipants": ["ProbeConsumerV3"]},
        headers={"Authorization": f"Bearer {ADMIN}"},
    )
    assert team.status_code == 200, team.text
    reader_token = await new_token(client, "read", ["readers"])

    everyone = await page_text(client, "/ui/notifications")
    assert "You belong to no team" in everyone
    assert 'data-consumer="ProbeConsumerV3"' in everyone
    assert 'data-consumer="Teapot"' in everyone
    assert "2 notifications" in everyone

    mine = await client.get(
        "/ui/notifications", headers={**AS_BROWSER, "Authorization": f"Bearer {reader_token}"}
    )
    assert mine.status_code == 200
    text = html.unescape(mine.text)
    assert "your team (readers)" in text
    assert 'data-consumer="ProbeConsumerV3"' in text
    assert 'data-consumer="Teapot"' not in text
    assert "a request for user 42" in text  # the reader's interaction the change affects
    assert "/ui/provider-contracts/ProbeProvider/version/2#changes" in text

    one = await page_text(client, "/ui/notifications?consumer=Teapot")
    assert 'data-consumer="Teapot"' in one and 'data-consumer="ProbeConsumerV3"' not in one
    unknown = await client.get("/ui/notifications?consumer=Nobody", headers=as_admin())
    assert unknown.status_code == 404


async def test_the_audit_page_filters_as_the_api_and_shows_the_verified_chain_and_head(
    client: Client,
) -> None:
    await publish_pact(client, "1.0.0", READER)
    await publish_contract(client, "1", OAS)
    reader_token = await new_token(client, "read", [])
    head = (await client.get("/audit/head", headers={"Authorization": f"Bearer {ADMIN}"})).json()

    page = await client.get(
        "/ui/audit?action=provider-contract.publish&actor=&since=",
        headers={**AS_BROWSER, "Authorization": f"Bearer {reader_token}"},
    )
    assert page.status_code == 200, page.text  # a reader may read the log, as from the API
    text = html.unescape(page.text)
    rows = text[text.index("<tbody>") : text.index("</tbody>")]
    assert rows.count("<tr") == 1
    assert 'data-action="provider-contract.publish"' in rows
    assert "provider-contract:ProbeProvider@1" in rows
    assert "1 entry matches" in text
    assert "Verified" in text
    assert f"{head['seq']}:{head['entryHash']}" in text
    assert 'value="provider-contract.publish"' in text  # the form keeps the filter

    bad = await client.get("/ui/audit?since=yesterday", headers=as_admin())
    assert bad.status_code == 400
    assert "must be an ISO 8601 time with an offset" in html.unescape(bad.text)


async def test_the_audit_page_names_the_first_broken_entry(
    client: Client, database_url: str
) -> None:
    await publish_pact(client, "1.0.0", READER)
    await publish_contract(client, "1", OAS)
    await tamper_with_entry(database_url, 2)

    text = await page_text(client, "/ui/audit")
    assert "Broken" in text
    assert "at entry 2: its fields do not match its hash" in text


async def tamper_with_entry(database_url: str, seq: int) -> None:
    """Change an entry's actor in the database, as someone with write access could."""
    if database_url.startswith("sqlite:///"):
        import sqlite3

        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        try:
            connection.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = ?", (seq,))
            connection.commit()
        finally:
            connection.close()
        return
    import asyncpg

    pg = await asyncpg.connect(database_url)
    try:
        await pg.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = $1", seq)
    finally:
        await pg.close()


async def test_with_the_audit_key_the_page_checks_each_mac_and_an_unsealed_entry_breaks_it(
    database_url: str,
) -> None:
    key = "an-audit-key-of-at-least-32-characters"
    settings = settings_for(database_url, admin_token=ADMIN, audit_key=key)
    async with AsyncTestClient(app=broker_app(settings)) as client:
        await publish_pact(client, "1.0.0", READER)
        sealed = await page_text(client, "/ui/audit")
        assert "Verified" in sealed
        assert "each MAC checked under the audit key" in sealed
        assert "(sealed)" in sealed
    # The same log read by a broker holding another key: no entry's MAC holds.
    other = settings_for(database_url, admin_token=ADMIN, audit_key="x" * 40)
    async with AsyncTestClient(app=broker_app(other)) as client:
        text = await page_text(client, "/ui/audit")
    assert "Broken" in text
    assert "its MAC is not valid under the audit key" in text
