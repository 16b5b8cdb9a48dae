"""A broker with a read replica: a real PostgreSQL primary and its streaming hot standby.

`tests/support/hot_standby.py` builds the pair with the installed server binaries; a broker
process gets the primary as `ACCORD_DATABASE_URL` and the standby as `ACCORD_DATABASE_READ_URL`.
With the standby's replay paused, a pact published through the broker is missing from browsing
reads (the HAL listing, the home page), which the standby serves, while the matrix (what
`pact-broker can-i-deploy` asks) and pacts-for-verification, read on the primary, have it; a
verifier fetching the new pact by the link it was given gets it (the standby's "not found" is
asked again of the primary). Once the standby is more than `ACCORD_DATABASE_READ_MAX_LAG`
behind, browsing reads go to the primary and show it; replay resumed, they return to the
standby; the standby stopped, every request still succeeds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import broker_process
from tests.support.hot_standby import Pair, missing_reason, primary_and_standby

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.postgres,
    pytest.mark.skipif(missing_reason() is not None, reason=missing_reason() or ""),
]

MAX_LAG = 4.0
PROVIDER = "Stock"
MATRIX = "/matrix?q[][pacticipant]={consumer}&q[][version]={version}&latestby=cvp&latest=true"


def pact(consumer: str) -> dict[str, object]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": PROVIDER},
        "interactions": [
            {
                "description": f"a request from {consumer}",
                "request": {"method": "GET", "path": f"/stock/{consumer.lower()}"},
                "response": {"status": 200},
            }
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }


def publish(client: httpx.Client, consumer: str, version: str) -> None:
    url = f"/pacts/provider/{PROVIDER}/consumer/{consumer}/version/{version}"
    response = client.put(url, json=pact(consumer))
    assert response.status_code in {200, 201}, response.text


def listed_pacticipants(client: httpx.Client) -> set[str]:
    """The names `GET /pacticipants` (a browsing read) lists."""
    response = client.get("/pacticipants")
    assert response.status_code == 200, response.text
    return {p["name"] for p in response.json()["_embedded"]["pacticipants"]}


def matrix_knows(client: httpx.Client, consumer: str, version: str) -> bool:
    """Whether the matrix (read on the primary) judges the consumer version's pact.

    The provider has verified nothing: the answer is "unknown", a result missing for that
    version's pact; data without the version is answered with another reason.
    """
    response = client.get(MATRIX.format(consumer=consumer, version=version))
    assert response.status_code == 200, response.text
    body = response.json()
    texts = [notice["text"] for notice in body["notices"]]
    return body["summary"]["unknown"] == 1 and any(
        f"version {version} of {consumer} and a version of {PROVIDER}" in text for text in texts
    )


def replica_health(client: httpx.Client) -> dict[str, Any]:
    response = client.get("/diagnostic/status/dependencies")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] is True
    health: dict[str, Any] = body["dependencies"]["readReplica"]
    return health


def wait_for(what: Callable[[], bool], message: Callable[[], str], timeout: float = 30) -> None:
    """Poll `what` until it holds; fail with `message()` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not what():
        if time.monotonic() > deadline:
            pytest.fail(message(), pytrace=False)
        time.sleep(0.1)


def metric(client: httpx.Client, name: str, **labels: str) -> float | None:
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return None


async def standby_sql(pair: Pair, statement: str) -> Any:
    connection = await asyncpg.connect(pair.standby.url("accord"))
    try:
        return await connection.fetchval(statement)
    finally:
        await connection.close()


async def create_database(pair: Pair) -> None:
    connection = await asyncpg.connect(pair.primary.url("postgres"))
    try:
        await connection.execute("CREATE DATABASE accord")
    finally:
        await connection.close()


def reads_go_to_the_standby(client: httpx.Client) -> None:
    """The broker migrated the primary; the standby replays it, and browsing reads go there."""
    publish(client, "Shop", "1.0.0")
    wait_for(
        lambda: replica_health(client)["ok"] and "Shop" in listed_pacticipants(client),
        lambda: f"the standby was never used: {replica_health(client)}",
    )
    assert metric(client, "accord_db_read_replica_in_use") == 1
    lag = metric(client, "accord_db_read_replica_lag_seconds")
    assert lag is not None and 0 <= lag <= MAX_LAG
    assert (metric(client, "accord_db_pool_connections", pool="replica") or 0) >= 1


def a_write_the_paused_standby_lacks(client: httpx.Client, pair: Pair) -> tuple[float, str]:
    """Replay paused, a pact published: browsing misses it, the gate's reads have it.

    Returns when it was published (monotonic) and its link from pacts-for-verification.
    """
    asyncio.run(standby_sql(pair, "SELECT pg_wal_replay_pause()"))
    wait_for(
        lambda: asyncio.run(standby_sql(pair, "SELECT pg_is_wal_replay_paused()")),
        lambda: "the standby's replay did not pause",
    )
    publish(client, "Billing", "1.0.0")
    published = time.monotonic()
    listed = listed_pacticipants(client)
    home = client.get("/", headers={"Accept": "text/html"})
    # What the gate decides with is read on the primary: the new pact is there.
    in_matrix = matrix_knows(client, "Billing", "1.0.0")
    for_verification = client.post(f"/pacts/provider/{PROVIDER}/for-verification", json={})
    # Read within the bound (the pause began just before): from the standby, without it.
    assert "Shop" in listed and "Billing" not in listed, (listed, replica_health(client))
    assert home.status_code == 200
    assert "Shop" in home.text and "Billing" not in home.text
    assert in_matrix
    assert for_verification.status_code == 200, for_verification.text
    hrefs = [p["_links"]["self"]["href"] for p in for_verification.json()["_embedded"]["pacts"]]
    billing = [href for href in hrefs if "/consumer/Billing/" in href]
    assert len(hrefs) == 2 and len(billing) == 1, hrefs
    # A verifier fetches the new pact by its link: the standby lacks it, the primary answers.
    fetched = client.get(billing[0])
    assert fetched.status_code == 200, fetched.text
    assert fetched.json()["consumer"]["name"] == "Billing"
    return published, billing[0]


def past_the_bound_reads_go_to_the_primary(client: httpx.Client, pair: Pair) -> float:
    """Replay still paused: once the standby is too far behind, browsing shows the write.

    Returns when it was first shown (monotonic).
    """
    wait_for(
        lambda: "Billing" in listed_pacticipants(client),
        lambda: f"browsing reads stayed on the standby: {replica_health(client)}",
    )
    shown = time.monotonic()
    health = replica_health(client)
    assert health["ok"] is False and health["state"] == "paused", health
    assert health["replayPaused"] is True
    assert health["lagSeconds"] is None or health["lagSeconds"] > MAX_LAG
    on_standby = "SELECT count(*) FROM pacticipants WHERE name = 'Billing'"
    assert asyncio.run(standby_sql(pair, on_standby)) == 0, "the standby replayed the write"
    assert "Billing" in client.get("/", headers={"Accept": "text/html"}).text
    assert metric(client, "accord_db_read_replica_in_use") == 0
    # Replay resumed: reads return to the standby once it has caught up.
    asyncio.run(standby_sql(pair, "SELECT pg_wal_replay_resume()"))
    wait_for(
        lambda: replica_health(client)["ok"],
        lambda: f"reads never returned to the standby: {replica_health(client)}",
    )
    assert "Billing" in listed_pacticipants(client)
    return shown


def with_the_standby_stopped_every_request_succeeds(
    client: httpx.Client, pair: Pair, pact_link: str
) -> None:
    pair.stop_standby()
    for number in range(3):
        publish(client, "Shop", f"2.{number}")
        assert "Billing" in listed_pacticipants(client)
        assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
        versions = client.get("/pacticipants/Shop/versions")
        assert versions.status_code == 200, versions.text
        assert f"2.{number}" in versions.text
        assert matrix_knows(client, "Shop", f"2.{number}")
        assert client.get(pact_link).status_code == 200
    health = replica_health(client)
    assert health["ok"] is False and health["state"] == "unreachable", health


def test_browsing_reads_come_from_the_standby_within_the_lag_bound_and_never_fail(
    tmp_path: Path,
) -> None:
    started = time.monotonic()
    with primary_and_standby() as pair:
        asyncio.run(create_database(pair))
        env = {
            "ACCORD_DATABASE_READ_URL": pair.standby.url("accord"),
            "ACCORD_DATABASE_READ_MAX_LAG": str(MAX_LAG),
        }
        with (
            broker_process(pair.primary.url("accord"), tmp_path, **env) as broker,
            httpx.Client(base_url=broker.url, timeout=30) as client,
        ):
            reads_go_to_the_standby(client)
            published, pact_link = a_write_the_paused_standby_lacks(client, pair)
            shown_after = past_the_bound_reads_go_to_the_primary(client, pair) - published
            with_the_standby_stopped_every_request_succeeds(client, pair, pact_link)
            log = broker.log.read_text()

    print(  # noqa: T201 - the figures of the report
        f"\nread replica: with replay paused, browsing reads showed a write {shown_after:.1f} s"
        f" after it, from the primary (bound {MAX_LAG:g} s, checks each second); whole test"
        f" {time.monotonic() - started:.1f} s"
    )
    assert "Browsing reads go to the primary, not the read replica" in log
    assert "Browsing reads go to the read replica" in log and " again: " in log
    assert "Traceback" not in log, log
