"""The webhook API (#14 item 1): create, create-or-replace, read, list and delete, on both backends.

Webhook URLs here are public address literals: the guard passes them without a DNS look-up,
and nothing is ever sent (delivery is another branch's).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.integration.http.conftest import broker_app, dump_database, settings_for
from tests.integration.http.test_pacts import BASE, body, pact

Client = AsyncTestClient[Any]

HOOK = "https://1.2.3.4/builds"
PASSWORD = "s3cret-password-never-shown"
TOKEN = "Bearer secret-token-never-shown"
API_KEY = "api-key-never-shown"
MASK = "**********"


def webhook(**extra: Any) -> dict[str, Any]:
    """A webhook body for Web and Orders with credentials in every place they can be."""
    return {
        "description": "Build Orders",
        "consumer": {"name": "Web"},
        "provider": {"name": "Orders"},
        "events": [{"name": "contract_content_changed"}],
        "request": {
            "method": "POST",
            "url": HOOK,
            "headers": {"Authorization": TOKEN, "X-Api-Key": API_KEY, "Accept": "text/plain"},
            "body": {"pact": "${pactbroker.pactUrl}"},
            "username": "ci",
            "password": PASSWORD,
        },
        **extra,
    }


async def publish(client: Client, consumer: str = "Web") -> None:
    response = await client.post("/contracts/publish", json=body(pact("a", consumer=consumer)))
    assert response.status_code == 200, response.text


async def created(client: Client, path: str = "/webhooks", **extra: Any) -> dict[str, Any]:
    response = await client.post(path, json=webhook(**extra))
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    assert response.headers["location"] == found["_links"]["self"]["href"]
    return found


def assert_no_secret(text: str) -> None:
    for secret in (PASSWORD, TOKEN, API_KEY):
        assert secret not in text


async def test_a_created_webhook_reads_back_as_the_pact_broker_shows_it(client: Client) -> None:
    await publish(client)
    made = await created(client)
    uuid = made["uuid"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", uuid)
    got = await client.get(f"/webhooks/{uuid}")
    assert got.status_code == 200
    shown = got.json()
    assert shown == made
    assert shown["description"] == "Build Orders"
    assert shown["consumer"] == {"name": "Web"}
    assert shown["provider"] == {"name": "Orders"}
    assert shown["enabled"] is True
    assert shown["events"] == [{"name": "contract_content_changed"}]
    assert shown["request"] == {
        "method": "POST",
        "url": HOOK,
        "headers": {"Authorization": MASK, "X-Api-Key": MASK, "Accept": "text/plain"},
        "body": {"pact": "${pactbroker.pactUrl}"},
        "username": "ci",
        "password": MASK,
    }
    assert shown["createdAt"] and shown["updatedAt"]
    links = shown["_links"]
    href = f"{BASE}/webhooks/{uuid}"
    assert links["self"] == {"href": href, "title": "Build Orders"}
    assert links["pb:execute"]["href"] == f"{href}/execute"
    assert links["pb:consumer"] == {
        "href": f"{BASE}/pacticipants/Web",
        "title": "Consumer",
        "name": "Web",
    }
    assert links["pb:provider"]["href"] == f"{BASE}/pacticipants/Orders"
    assert links["pb:pact-webhooks"]["href"] == f"{BASE}/webhooks/provider/Orders/consumer/Web"
    assert links["pb:webhooks"] == {"href": f"{BASE}/webhooks", "title": "All webhooks"}


async def test_the_password_and_secret_headers_never_come_back(
    client: Client, database_url: str
) -> None:
    await publish(client)
    made = await created(client)
    uuid = made["uuid"]
    responses = [
        await client.post("/webhooks", json=webhook()),
        await client.get(f"/webhooks/{uuid}"),
        await client.get("/webhooks"),
        await client.get("/webhooks/provider/Orders/consumer/Web"),
        await client.put(f"/webhooks/{uuid}", json=webhook(description="again")),
        await client.put("/webhooks/a-new-uuid-of-16-chars", json=webhook()),
        await client.get("/audit"),
    ]
    for response in responses:
        assert response.status_code < 300, response.text
        assert_no_secret(response.text)
    # Stored as sent: the delivery needs them.
    rows = (await dump_database(database_url))["webhooks"]
    assert any(PASSWORD in row for row in rows)


async def test_put_creates_with_the_given_uuid_then_replaces(client: Client) -> None:
    await publish(client)
    uuid = "0b4c7c3e-5f52-4a1c-9a0e-2d5f1b6c7d8e"
    first = await client.put(f"/webhooks/{uuid}", json=webhook())
    assert first.status_code == 201, first.text
    assert first.headers["location"] == f"{BASE}/webhooks/{uuid}"
    assert first.json()["uuid"] == uuid
    second = await client.put(
        f"/webhooks/{uuid}",
        json=webhook(description="Renamed", enabled=False, events=[{"name": "contract_published"}]),
    )
    assert second.status_code == 200, second.text
    shown = (await client.get(f"/webhooks/{uuid}")).json()
    assert shown["description"] == "Renamed"
    assert shown["enabled"] is False
    assert shown["events"] == [{"name": "contract_published"}]
    assert shown["createdAt"] == first.json()["createdAt"]
    listed = (await client.get("/webhooks")).json()["_links"]["pb:webhooks"]
    assert [link["href"] for link in listed] == [f"{BASE}/webhooks/{uuid}"]


async def test_a_get_modify_put_round_trip_keeps_the_stored_credentials(
    client: Client, database_url: str
) -> None:
    await publish(client)
    uuid = (await created(client))["uuid"]
    shown = (await client.get(f"/webhooks/{uuid}")).json()
    edited = {key: shown[key] for key in ("consumer", "provider", "events", "request")}
    edited["description"] = "Edited"
    edited["request"]["headers"]["Accept"] = "application/json"
    response = await client.put(f"/webhooks/{uuid}", json=edited)
    assert response.status_code == 200, response.text
    row = next(r for r in (await dump_database(database_url))["webhooks"] if uuid in r)
    assert PASSWORD in row
    assert any(isinstance(v, str) and TOKEN in v and API_KEY in v for v in row)
    assert MASK not in str(row)
    # A new value replaces the stored one; leaving the password out removes it.
    edited["request"]["headers"]["Authorization"] = "Bearer a-new-one"
    del edited["request"]["password"]
    await client.put(f"/webhooks/{uuid}", json=edited)
    row = next(r for r in (await dump_database(database_url))["webhooks"] if uuid in r)
    assert PASSWORD not in row
    assert "Bearer a-new-one" in str(row)


async def test_webhooks_for_labels_and_for_any_pacticipant(client: Client) -> None:
    await publish(client)
    by_label = await created(client, consumer={"label": "billing"}, provider=None)
    assert by_label["consumer"] == {"label": "billing"}
    assert "provider" not in by_label
    links = by_label["_links"]
    assert "pb:consumer" not in links and "pb:provider" not in links
    assert "pb:pact-webhooks" not in links
    anyone = await created(client, consumer=None, provider=None, description=None)
    assert "consumer" not in anyone and "description" not in anyone
    assert anyone["_links"]["self"]["title"] == "POST 1.2.3.4"
    listed = (await client.get("/webhooks")).json()["_links"]["pb:webhooks"]
    assert [link["title"] for link in listed] == [
        "A webhook for the pacts between consumers labelled billing and any provider",
        "A webhook for all pacts",
    ]


async def test_lists_by_provider_by_consumer_and_by_both(client: Client) -> None:
    await publish(client)
    await publish(client, consumer="Mobile")
    pair = await created(client)
    provider_only = await created(client, "/webhooks/provider/Orders", consumer=None)
    consumer_only = await created(client, "/webhooks/consumer/Mobile", provider=None, consumer=None)
    mobile_pair = await created(
        client, "/webhooks/provider/Orders/consumer/Mobile", consumer=None, provider=None
    )
    assert provider_only["provider"] == {"name": "Orders"} and "consumer" not in provider_only
    assert consumer_only["consumer"] == {"name": "Mobile"} and "provider" not in consumer_only
    assert mobile_pair["consumer"] == {"name": "Mobile"}

    async def uuids(path: str) -> list[str]:
        response = await client.get(path)
        assert response.status_code == 200, response.text
        listing = response.json()["_links"]
        assert listing["self"]["href"] == BASE + path
        assert listing["pb:create"]["href"] == BASE + path
        return [link["href"].rsplit("/", 1)[1] for link in listing["pb:webhooks"]]

    every = [pair, provider_only, consumer_only, mobile_pair]
    assert await uuids("/webhooks") == [w["uuid"] for w in every]
    assert await uuids("/webhooks/provider/Orders") == [
        w["uuid"] for w in (pair, provider_only, mobile_pair)
    ]
    assert await uuids("/webhooks/consumer/Mobile") == [
        w["uuid"] for w in (consumer_only, mobile_pair)
    ]
    assert await uuids("/webhooks/provider/Orders/consumer/Web") == [pair["uuid"]]


async def test_the_pact_and_the_index_link_to_the_webhooks(client: Client) -> None:
    await publish(client)
    made = await created(client)
    index = (await client.get("/")).json()["_links"]
    assert index["pb:webhooks"]["href"] == f"{BASE}/webhooks"
    assert index["pb:webhook"] == {
        "href": f"{BASE}/webhooks/{{uuid}}",
        "title": "Webhook",
        "templated": True,
    }
    one = await client.get(index["pb:webhook"]["href"].replace("{uuid}", made["uuid"]))
    assert one.status_code == 200
    links = (await client.get("/pacts/provider/Orders/consumer/Web/latest")).json()["_links"]
    for rel in ("pb:pact-webhooks", "pb:consumer-webhooks"):
        listing = await client.get(links[rel]["href"].removeprefix(BASE))
        assert listing.status_code == 200, (rel, listing.text)
        hrefs = [link["href"] for link in listing.json()["_links"]["pb:webhooks"]]
        assert hrefs == [made["_links"]["self"]["href"]], rel


async def test_a_deleted_webhook_is_gone(client: Client) -> None:
    await publish(client)
    uuid = (await created(client))["uuid"]
    assert (await client.delete(f"/webhooks/{uuid}")).status_code == 204
    assert (await client.get(f"/webhooks/{uuid}")).status_code == 404
    assert (await client.delete(f"/webhooks/{uuid}")).status_code == 404
    assert (await client.get("/webhooks")).json()["_links"]["pb:webhooks"] == []


async def test_unknown_webhooks_and_pacticipants_are_404_or_named(client: Client) -> None:
    await publish(client)
    assert (await client.get("/webhooks/no-such-webhook-uuid")).status_code == 404
    for path in ("/webhooks/provider/Nobody", "/webhooks/consumer/Nobody"):
        assert (await client.get(path)).status_code == 404, path
    missing_pair = await client.post(
        "/webhooks/provider/Orders/consumer/Nobody", json=webhook(consumer=None, provider=None)
    )
    assert missing_pair.status_code == 404, missing_pair.text
    named = await client.post("/webhooks", json=webhook(consumer={"name": "Nobody"}))
    assert named.status_code == 400
    assert list(named.json()["errors"]) == ["consumer.name"]


async def test_every_bad_field_is_named_at_once(client: Client) -> None:
    bad = webhook(consumer={"name": "Web", "label": "x"}, events=[{"name": "pact_changed"}])
    bad["request"]["url"] = "http://127.0.0.1:9/hook"
    bad["request"]["headers"] = {"X-Ok": "fine", "X-Bad": "a\r\nInjected: yes"}
    bad["enabled"] = "yes"
    response = await client.post("/webhooks", json=bad)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "consumer",
        "events.0.name",
        "request.url",
        "request.headers.X-Bad",
        "enabled",
    }


async def test_the_guard_refuses_internal_addresses_unless_allowed(database_url: str) -> None:
    internal = webhook(consumer=None, provider=None)
    internal["request"]["url"] = "http://127.0.0.1:9/hook"
    async with AsyncTestClient(app=broker_app(settings_for(database_url))) as client:
        refused = await client.post("/webhooks", json=internal)
        assert refused.status_code == 400
        assert list(refused.json()["errors"]) == ["request.url"]
        metadata = webhook(consumer=None, provider=None)
        metadata["request"]["url"] = "https://169.254.169.254/latest/meta-data"
        refused = await client.post("/webhooks", json=metadata)
        assert "metadata" in refused.json()["errors"]["request.url"][0]
        get = webhook(consumer=None, provider=None)
        get["request"]["method"] = "GET"
        refused = await client.post("/webhooks", json=get)
        assert list(refused.json()["errors"]) == ["request.method"]
    allowing = settings_for(
        database_url,
        webhook_schemes=frozenset({"http", "https"}),
        webhook_allowed_hosts=("127.0.0.1",),
    )
    async with AsyncTestClient(app=broker_app(allowing)) as client:
        response = await client.post("/webhooks", json=internal)
        assert response.status_code == 201, response.text


async def test_string_bodies_and_header_lists_as_the_clis_send_them(client: Client) -> None:
    await publish(client)
    xml = webhook()
    xml["request"]["body"] = "<build>${pactbroker.consumerName}</build>"
    xml["request"]["headers"] = ["Content-Type: application/xml", "Authorization:Basic abc"]
    made = await created(client, **{k: v for k, v in xml.items() if k != "request"})
    response = await client.post("/webhooks", json=xml)
    assert response.status_code == 201, response.text
    request = response.json()["request"]
    assert request["body"] == "<build>${pactbroker.consumerName}</build>"
    assert request["headers"] == {"Content-Type": "application/xml", "Authorization": MASK}
    assert made["request"]["body"] == {"pact": "${pactbroker.pactUrl}"}


async def test_a_path_pacticipant_and_a_different_body_one_are_refused(client: Client) -> None:
    await publish(client)
    response = await client.post(
        "/webhooks/provider/Orders", json=webhook(provider={"name": "Billing"})
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["provider.name"]


async def test_deleting_an_integration_deletes_its_webhooks_only(client: Client) -> None:
    await publish(client)
    await publish(client, consumer="Mobile")
    pair = await created(client)
    other_pair = await created(client, consumer={"name": "Mobile"})
    provider_only = await created(client, consumer=None)
    response = await client.delete("/integrations/provider/Orders/consumer/Web")
    assert response.status_code == 204, response.text
    assert (await client.get(f"/webhooks/{pair['uuid']}")).status_code == 404
    for kept in (other_pair, provider_only):
        assert (await client.get(f"/webhooks/{kept['uuid']}")).status_code == 200


# Authorisation (#14 item 5): teams own webhooks through the pacticipants they name.

ADMIN = "admin-secret-for-the-webhook-tests"
AS_ADMIN = {"Authorization": f"Bearer {ADMIN}"}


@pytest.fixture
async def closed(database_url: str) -> AsyncIterator[Client]:
    """The application with `ACCORD_ADMIN_TOKEN` set, alpha owning Web and Orders."""
    app = broker_app(settings_for(database_url, admin_token=ADMIN))
    async with AsyncTestClient(app=app) as test_client:
        for consumer in ("Web", "Mobile"):
            document = body(pact("a", consumer=consumer))
            published = await test_client.post(
                "/contracts/publish", json=document, headers=AS_ADMIN
            )
            assert published.status_code == 200, published.text
        teams = {"alpha": ["Web", "Orders"], "beta": ["Mobile"]}
        for team, names in teams.items():
            response = await test_client.put(
                f"/admin/teams/{team}", json={"pacticipants": names}, headers=AS_ADMIN
            )
            assert response.status_code < 300, response.text
        yield test_client


async def token(client: Client, role: str, *teams: str) -> dict[str, str]:
    new = {"name": f"{role}-{'-'.join(teams)}", "role": role, "teams": list(teams)}
    response = await client.post("/admin/tokens", json=new, headers=AS_ADMIN)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def test_a_writer_of_the_owning_team_manages_its_pairs_webhooks(closed: Client) -> None:
    alpha = await token(closed, "write", "alpha")
    made = await closed.post("/webhooks", json=webhook(), headers=alpha)
    assert made.status_code == 201, made.text
    uuid = made.json()["uuid"]
    by_path = await closed.post(
        "/webhooks/provider/Orders/consumer/Web",
        json=webhook(consumer=None, provider=None),
        headers=alpha,
    )
    assert by_path.status_code == 201, by_path.text
    replaced = await closed.put(f"/webhooks/{uuid}", json=webhook(description="x"), headers=alpha)
    assert replaced.status_code == 200, replaced.text
    assert (await closed.delete(f"/webhooks/{uuid}", headers=alpha)).status_code == 204


async def test_another_teams_writer_may_not_touch_alphas_webhooks(closed: Client) -> None:
    beta = await token(closed, "write", "beta")
    uuid = (await closed.post("/webhooks", json=webhook(), headers=AS_ADMIN)).json()["uuid"]
    attempts = [
        closed.post("/webhooks", json=webhook(), headers=beta),
        closed.post("/webhooks", json=webhook(consumer={"name": "Mobile"}), headers=beta),
        closed.post("/webhooks/provider/Orders/consumer/Mobile", json={}, headers=beta),
        closed.put(f"/webhooks/{uuid}", json=webhook(), headers=beta),
        closed.put("/webhooks/a-brand-new-uuid-here", json=webhook(), headers=beta),
        closed.delete(f"/webhooks/{uuid}", headers=beta),
    ]
    for attempt in attempts:
        response = await attempt
        assert response.status_code == 403, response.text
        assert "alpha" in response.json()["detail"]
    assert (await closed.get(f"/webhooks/{uuid}", headers=beta)).status_code == 200


async def test_moving_a_webhook_to_another_teams_pair_needs_both_teams(closed: Client) -> None:
    alpha = await token(closed, "write", "alpha")
    beta = await token(closed, "write", "beta")
    uuid = (await closed.post("/webhooks", json=webhook(), headers=alpha)).json()["uuid"]
    to_mobile = webhook(consumer={"name": "Mobile"})
    refused = await closed.put(f"/webhooks/{uuid}", json=to_mobile, headers=alpha)
    assert refused.status_code == 403, refused.text
    refused = await closed.put(f"/webhooks/{uuid}", json=to_mobile, headers=beta)
    assert refused.status_code == 403, refused.text
    both = await token(closed, "write", "alpha", "beta")
    moved = await closed.put(f"/webhooks/{uuid}", json=to_mobile, headers=both)
    assert moved.status_code == 200, moved.text


async def test_webhooks_for_any_or_labelled_pacticipants_need_an_admin(closed: Client) -> None:
    alpha = await token(closed, "write", "alpha")
    wide = [
        ("/webhooks", webhook(consumer=None)),
        ("/webhooks", webhook(consumer=None, provider=None)),
        ("/webhooks", webhook(consumer={"label": "billing"})),
        ("/webhooks/provider/Orders", webhook(consumer=None, provider=None)),
        ("/webhooks/consumer/Web", webhook(consumer=None, provider=None)),
    ]
    uuids = []
    for path, wanted in wide:
        refused = await closed.post(path, json=wanted, headers=alpha)
        assert refused.status_code == 403, (path, refused.text)
        assert "admin role" in refused.json()["detail"]
        allowed = await closed.post(path, json=wanted, headers=AS_ADMIN)
        assert allowed.status_code == 201, (path, allowed.text)
        uuids.append(allowed.json()["uuid"])
    uuid = uuids[0]
    narrowed = await closed.put(f"/webhooks/{uuid}", json=webhook(), headers=alpha)
    assert narrowed.status_code == 403, "the stored definition is for any provider"
    assert (await closed.delete(f"/webhooks/{uuid}", headers=alpha)).status_code == 403


async def test_a_reader_reads_webhooks_and_writes_none(closed: Client) -> None:
    reader = await token(closed, "read")
    uuid = (await closed.post("/webhooks", json=webhook(), headers=AS_ADMIN)).json()["uuid"]
    assert (await closed.get(f"/webhooks/{uuid}", headers=reader)).status_code == 200
    assert (await closed.get("/webhooks", headers=reader)).status_code == 200
    refused = await closed.post("/webhooks", json=webhook(), headers=reader)
    assert refused.status_code == 403
    assert (await closed.delete(f"/webhooks/{uuid}", headers=reader)).status_code == 403
