"""`GET /metrics` of a broker process: each metric moves when what it counts happens.

Also `X-Request-Id`: echoed when sane, replaced when not, and on the broker's log lines.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import BACKENDS
from tests.e2e.conftest import broker_process
from tests.support.delivery_receiver import ReceivedCall, ThreadedReceiver

pytestmark = pytest.mark.e2e

DELIVERING = {
    "ACCORD_WEBHOOK_DELIVERY": "true",
    "ACCORD_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
    "ACCORD_WEBHOOK_SCHEMES": "http,https",
    "ACCORD_WEBHOOK_POLL_INTERVAL": "0.1",
    "ACCORD_WEBHOOK_RETRY_SCHEDULE": "0.2,0.2,0.2",
    # Longer than the receiver holds its first call (30 s). With the default 10 s, a test slowed
    # past 10 s between that call and looking at it would see the broker cut the call and retry
    # it, and more calls than the one it waits for (once, under load, it found 6).
    "ACCORD_WEBHOOK_TIMEOUT": "60",
    "ACCORD_ALLOW_CONTRACT_MODIFICATION": "true",
    "ACCORD_LOG_FORMAT": "json",
}
CONSUMER, PROVIDER = "Shop", "Stock"
PUBLISH_ROUTE = "/pacts/provider/{provider}/consumer/{consumer}/version/{version}"

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def pact(consumer: str, path: str) -> dict[str, object]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": PROVIDER},
        "interactions": [
            {
                "description": f"a request for {path}",
                "request": {"method": "GET", "path": path},
                "response": {"status": 200},
            }
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }


def scrape(client: httpx.Client) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def total(samples: Samples, name: str) -> float:
    return sum(v for (sample, _), v in samples.items() if sample == name)


def publish(client: httpx.Client, consumer: str, version: str, path: str) -> httpx.Response:
    url = f"/pacts/provider/{PROVIDER}/consumer/{consumer}/version/{version}"
    response = client.put(url, json=pact(consumer, path))
    assert response.status_code in {200, 201}, response.text
    return response


def wait_for(client: httpx.Client, done: Callable[[Samples], bool], what: str) -> Samples:
    deadline = time.monotonic() + 60
    while not done(samples := scrape(client)):
        assert time.monotonic() < deadline, f"waited in vain for {what}"
        time.sleep(0.05)
    return samples


class HeldReceiver:
    """A webhook receiver whose first call waits for `release()` and then fails (500)."""

    def __init__(self) -> None:
        self._released = threading.Event()
        self.receiver = ThreadedReceiver(self._answer)

    async def _answer(self, call: ReceivedCall) -> int:
        if len(self.receiver.calls) == 1:
            await asyncio.to_thread(self._released.wait, 30)
            return 500
        return 200

    def release(self) -> None:
        self._released.set()


@pytest.fixture(params=[*BACKENDS, "postgres without statement cache"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, dict[str, str]]:
    """A database of the test's own, and the settings for it.

    The third runs the whole flow with asyncpg's statement cache off, as behind PgBouncer in
    transaction mode (`ACCORD_DATABASE_STATEMENT_CACHE=0`).
    """
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'metrics.db'}", {}
    url: str = request.getfixturevalue("empty_postgres_database_url")
    if request.param == "postgres":
        return url, {}
    return url, {"ACCORD_DATABASE_STATEMENT_CACHE": "0"}


@pytest.fixture
def held() -> Iterator[HeldReceiver]:
    receiver = HeldReceiver()
    with receiver.receiver:
        try:
            yield receiver
        finally:
            receiver.release()


def test_each_metric_moves_when_its_action_happens(
    backend: tuple[str, dict[str, str]], tmp_path: Path, held: HeldReceiver
) -> None:
    database_url, settings = backend
    with (
        broker_process(database_url, tmp_path, **DELIVERING, **settings) as broker,
        httpx.Client(base_url=broker.url, timeout=30) as client,
    ):
        verify_url = requests_publications_and_queries_are_counted(client)
        verifications_are_counted(client, verify_url)
        can_i_deploy_answers_are_counted(client)
        change_requests_are_counted(client)
        webhook_deliveries_and_the_outbox_are_counted(client, held)


def requests_publications_and_queries_are_counted(client: httpx.Client) -> str:
    """Each step's metric moves; the URL to publish verification results of the pact."""
    before = scrape(client)
    assert value(before, "accord_database_up") == 1
    assert value(before, "accord_db_pool_connections_max", pool="primary") >= 1

    created = publish(client, CONSUMER, "1", "/items")
    after = scrape(client)
    request = {"method": "PUT", "route": PUBLISH_ROUTE, "status": "201"}
    assert value(after, "accord_http_requests_total", **request) == 1
    assert value(after, "accord_http_request_duration_seconds_count", **request) == 1
    assert value(after, "accord_pacts_published_total", outcome="created") == 1
    queries = "accord_db_query_duration_seconds_count"
    assert total(after, queries) > total(before, queries)

    publish(client, CONSUMER, "1", "/items")
    publish(client, CONSUMER, "1", "/items/1")
    samples = scrape(client)
    assert value(samples, "accord_pacts_published_total", outcome="unchanged") == 1
    assert value(samples, "accord_pacts_published_total", outcome="changed") == 1
    scrapes = {"method": "GET", "route": "/metrics", "status": "200"}
    assert value(samples, "accord_http_requests_total", **scrapes) == 2

    assert client.get("/no/such/place/42").status_code == 404
    samples = scrape(client)
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    assert value(samples, "accord_http_requests_total", **unmatched) == 1
    assert not any("/no/such" in dict(labels).get("route", "") for _, labels in samples)
    href: str = created.json()["_links"]["pb:publish-verification-results"]["href"]
    return href


def verifications_are_counted(client: httpx.Client, verify_url: str) -> None:
    for success in (True, False, True):
        result = {"success": success, "providerApplicationVersion": "7"}
        assert client.post(verify_url, json=result).status_code == 201
    samples = scrape(client)
    assert value(samples, "accord_verifications_published_total", success="true") == 2
    assert value(samples, "accord_verifications_published_total", success="false") == 1


def can_i_deploy_answers_are_counted(client: httpx.Client) -> None:
    environment = {"name": "production", "production": True}
    assert client.post("/environments", json=environment).status_code == 201
    answers = []
    for version in ("1", "999"):
        query = {"pacticipant": CONSUMER, "version": version, "environment": "production"}
        answers.append(client.get("/can-i-deploy", params=query).json()["summary"]["deployable"])
    samples = scrape(client)
    for outcome, expected in (("yes", True), ("no", False), ("unknown", None)):
        counted = value(samples, "accord_can_i_deploy_answers_total", outcome=outcome)
        assert counted == answers.count(expected), outcome


def change_requests_are_counted(client: httpx.Client) -> None:
    mode = {"mode": "brownfield-enterprise"}
    assert client.put("/pacticipants/Till/mode", json=mode).status_code == 200
    publish(client, "Till", "1", "/stock")
    assert value(scrape(client), "accord_change_requests", status="open") == 1


def webhook_deliveries_and_the_outbox_are_counted(client: httpx.Client, held: HeldReceiver) -> None:
    hook = {
        "consumer": {"name": CONSUMER},
        "provider": {"name": PROVIDER},
        "events": [{"name": "contract_published"}],
        "request": {"method": "POST", "url": f"{held.receiver.url}/hook"},
    }
    assert client.post("/webhooks", json=hook).status_code == 201
    publish(client, CONSUMER, "2", "/items")
    publish(client, CONSUMER, "3", "/items")
    held.receiver.wait_until(lambda calls: len(calls) == 1)
    # The first call is held by the receiver; the second delivery waits for its turn.
    samples = scrape(client)
    assert value(samples, "accord_webhook_outbox_backlog", status="running") == 1
    assert value(samples, "accord_webhook_outbox_backlog", status="pending") == 1
    held.release()
    samples = wait_for(
        client,
        lambda s: value(s, "accord_webhook_deliveries_total", outcome="succeeded") == 2,
        "both deliveries",
    )
    assert value(samples, "accord_webhook_deliveries_total", outcome="retrying") == 1
    assert value(samples, "accord_webhook_deliveries_total", outcome="dead") == 0
    assert value(samples, "accord_webhook_outbox_backlog", status="running") == 0
    assert value(samples, "accord_webhook_outbox_backlog", status="pending") == 0


@pytest.mark.postgres
def test_the_pool_gauge_counts_a_transaction_waiting_on_a_lock(
    empty_postgres_database_url: str, tmp_path: Path
) -> None:
    """A publication blocked on its consumer's row lock holds a pooled connection."""
    database_url = empty_postgres_database_url
    with (
        broker_process(database_url, tmp_path) as broker,
        httpx.Client(base_url=broker.url, timeout=30) as client,
    ):
        publish(client, CONSUMER, "1", "/items")
        idle = scrape(client)
        assert value(idle, "accord_db_pool_connections_in_use", pool="primary") == 0

        async def while_locked() -> Samples:
            connection = await asyncpg.connect(database_url)
            try:
                async with connection.transaction():
                    await connection.execute(
                        "SELECT * FROM pacticipants WHERE name = $1 FOR UPDATE", CONSUMER
                    )
                    blocked = asyncio.create_task(
                        asyncio.to_thread(publish, client, CONSUMER, "2", "/items")
                    )
                    while not await connection.fetchval(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE wait_event_type = 'Lock' AND datname = current_database()"
                    ):
                        await asyncio.sleep(0.02)
                    samples = await asyncio.to_thread(scrape, client)
            finally:
                await connection.close()
            await blocked
            return samples

        held = asyncio.run(while_locked())
        assert value(held, "accord_db_pool_connections_in_use", pool="primary") == 1
        assert value(held, "accord_db_pool_connections", pool="primary") >= 1
        assert value(scrape(client), "accord_db_pool_connections_in_use", pool="primary") == 0


def test_metrics_ask_for_the_metrics_token_when_one_is_set(tmp_path: Path) -> None:
    token = "scrape-token-0123456789"
    database_url = f"sqlite:///{tmp_path / 'token.db'}"
    with (
        broker_process(database_url, tmp_path, ACCORD_METRICS_TOKEN=token) as broker,
        httpx.Client(base_url=broker.url, timeout=30) as client,
    ):
        assert client.get("/metrics").status_code == 401
        wrong = client.get("/metrics", headers={"Authorization": "Bearer not-the-token-at-all"})
        assert wrong.status_code == 401
        assert "ACCORD_METRICS_TOKEN" in wrong.text
        right = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert right.status_code == 200
        assert "accord_http_requests_total" in right.text


def test_every_answer_and_log_line_of_a_request_carries_its_id(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'ids.db'}"
    with (
        broker_process(database_url, tmp_path, ACCORD_LOG_FORMAT="json") as broker,
        httpx.Client(base_url=broker.url, timeout=30) as client,
    ):
        url = f"/pacts/provider/{PROVIDER}/consumer/{CONSUMER}/version/1"
        given = client.put(url, json=pact(CONSUMER, "/a"), headers={"X-Request-Id": "ci-42.7:a_b"})
        assert given.headers["x-request-id"] == "ci-42.7:a_b"
        made = client.put(url, json=pact(CONSUMER, "/a"))
        generated = made.headers["x-request-id"]
        assert len(generated) == 32
        for hostile in ("has spaces", "x" * 65, "semi;colon", "é"):
            answer = client.get(
                "/diagnostic/status/heartbeat", headers={b"X-Request-Id": hostile.encode()}
            )
            replaced = answer.headers["x-request-id"]
            assert replaced != hostile
            assert len(replaced) == 32
        twice = client.get(
            "/diagnostic/status/heartbeat",
            headers=[("X-Request-Id", "one"), ("X-Request-Id", "two")],
        )
        assert twice.headers["x-request-id"] not in {"one", "two"}
        unknown = client.get("/nowhere", headers={"X-Request-Id": "lost-1"})
        assert unknown.status_code == 404
        assert unknown.headers["x-request-id"] == "lost-1"

    lines = [
        json.loads(line) for line in broker.log.read_text().splitlines() if line.startswith("{")
    ]
    audit_lines = [line for line in lines if line["message"].startswith("audit head")]
    assert {line.get("request_id") for line in audit_lines} >= {"ci-42.7:a_b"}
    startup = [line for line in lines if "Application startup complete" in line["message"]]
    assert startup and "request_id" not in startup[0]
