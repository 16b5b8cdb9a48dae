"""Several brokers on one PostgreSQL database: started together, and serving one load together.

Three broker processes sit behind a round-robin TCP proxy (tests/support/round_robin.py), each
new connection to the next, and 16 clients publish pacts, publish verification results and ask
can-i-deploy through it while one broker is killed with -9 and started again. What must hold:
no client error but the connection resets of requests in flight on the killed broker, every
acknowledged write stored, every publication's webhook delivered, the audit log intact, and
every can-i-deploy answer the one a single broker gives afterwards for the same data.

The load runs `ACCORD_REPLICA_TEST_SECONDS` seconds. The default, 15, keeps the suite's time
(three brokers and 16 clients busy the machine's cores); the figures in the closing note of
issue 16 come from a run with 60.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import pytest

from broker.storage.migrations import migrations_for
from tests.e2e.accord_cli import environment_for, run_accord
from tests.e2e.conftest import free_port
from tests.support.delivery_receiver import ThreadedReceiver
from tests.support.round_robin import RoundRobinProxy

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

SECONDS = float(os.environ.get("ACCORD_REPLICA_TEST_SECONDS", "15"))
CLIENTS = 16
AUDIT_KEY = "replica-test-audit-key-0123456789abcdef"
PROVIDER, PROVIDER_VERSION, ENVIRONMENT = "Stock", "p1", "production"
ENV = {
    "ACCORD_WEBHOOK_DELIVERY": "true",
    "ACCORD_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
    "ACCORD_WEBHOOK_SCHEMES": "http,https",
    "ACCORD_WEBHOOK_TIMEOUT": "1",
    "ACCORD_WEBHOOK_POLL_INTERVAL": "0.2",
    "ACCORD_WEBHOOK_RETRY_SCHEDULE": "0.2,0.5,1,1,1,1,1,1,1,1",
    "ACCORD_AUDIT_KEY": AUDIT_KEY,
    "ACCORD_WORKERS": "1",
}
# What a client sees of a connection the proxy cut because the broker behind it died.
RESETS = (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError)
START_SECONDS = 240.0


@dataclass
class Broker:
    """A broker process of this test's own, on a port it keeps across restarts."""

    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, database_url: str, workdir: Path, **env: str) -> None:
        environment = {**os.environ, "ACCORD_DATABASE_URL": database_url, **ENV, **env}
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "broker", "serve", "--port", str(self.port)],
                cwd=workdir,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_up(self) -> None:
        """Wait for the heartbeat (a loaded machine imports slowly: a generous bound)."""
        assert self.process is not None
        deadline = time.monotonic() + START_SECONDS
        # One client polls: a new one per attempt would load the CA bundle each time.
        with httpx.Client(timeout=2) as client:
            while True:
                if self.process.poll() is not None:
                    log = self.log.read_text()
                    pytest.fail(f"a broker exited at start:\n{log}", pytrace=False)
                try:
                    if client.get(f"{self.url}/diagnostic/status/heartbeat").is_success:
                        return
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"no heartbeat:\n{self.log.read_text()}"
                time.sleep(0.1)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def brokers_started_together(
    count: int, database_url: str, workdir: Path, **env: str
) -> list[Broker]:
    brokers = [Broker(port=free_port(), log=workdir / f"broker-{n}.log") for n in range(count)]
    for broker in brokers:
        broker.start(database_url, workdir, **env)
    for broker in brokers:
        broker.wait_until_up()
    return brokers


async def applied_migrations(database_url: str) -> list[tuple[int, str]]:
    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch(
            "SELECT version, name FROM schema_migrations ORDER BY version"
        )
    finally:
        await connection.close()
    return [(row["version"], row["name"]) for row in rows]


def test_two_brokers_started_at_once_on_an_empty_database_both_come_up_migrated_once(
    empty_postgres_database_url: str, tmp_path: Path
) -> None:
    """Also: a browser signed in through one is signed in at the other (a shared key)."""
    admin = "replica-admin-token-0123456789"
    brokers = brokers_started_together(
        2, empty_postgres_database_url, tmp_path, ACCORD_ADMIN_TOKEN=admin
    )
    try:
        for broker in brokers:
            assert httpx.get(f"{broker.url}/diagnostic/status/dependencies", timeout=10).is_success
        # Writes through one are read through the other: one schema, one database.
        bearer = {"Authorization": f"Bearer {admin}"}
        made = httpx.post(
            f"{brokers[0].url}/pacticipants", json={"name": "Shop"}, headers=bearer, timeout=10
        )
        assert made.status_code == 201, made.text
        read = httpx.get(f"{brokers[1].url}/pacticipants/Shop", headers=bearer, timeout=10)
        assert read.status_code == 200
        a_session_at_one_is_a_session_at_the_other(brokers[0].url, brokers[1].url, admin)
    finally:
        for broker in brokers:
            broker.stop()
    known = [(m.version, m.name) for m in migrations_for("postgres")]
    assert asyncio.run(applied_migrations(empty_postgres_database_url)) == known
    for broker in brokers:
        log = broker.log.read_text()
        assert "Traceback" not in log, log
        assert "already exists" not in log, log


def a_session_at_one_is_a_session_at_the_other(first: str, second: str, admin: str) -> None:
    html = {"Accept": "text/html"}
    with httpx.Client(timeout=30, headers=html) as browser:
        assert browser.get(f"{second}/ui").status_code in {302, 303}  # to the sign-in page
        form = browser.get(f"{first}/ui/sign-in")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert csrf is not None, form.text
        signed_in = browser.post(
            f"{first}/ui/sign-in",
            data={"method": "token", "token": admin, "csrf_token": csrf[1], "next": "/ui"},
        )
        assert signed_in.status_code == 303, signed_in.text
        page = browser.get(f"{second}/ui")
        assert page.status_code == 200, page.text
        assert "Sign out" in page.text or "sign-out" in page.text


@dataclass
class Outcomes:
    """What the clients were told."""

    published: list[tuple[str, str, str]] = field(default_factory=list)
    verified: list[tuple[str, str, bool, str]] = field(default_factory=list)
    answers: dict[tuple[str, str], bool | None] = field(default_factory=dict)
    resets: list[tuple[str, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    requests: int = 0


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


async def call(
    outcomes: Outcomes, client: httpx.AsyncClient, method: str, url: str, **kwargs: object
) -> httpx.Response | None:
    """The answer to the request, sent again after a connection reset; None if it failed."""
    for _ in range(5):
        outcomes.requests += 1
        tag = uuid.uuid4().hex
        headers = {"X-Test-Request": tag}
        try:
            response = await client.request(method, url, headers=headers, **kwargs)  # type: ignore[arg-type]
        except RESETS as error:
            outcomes.resets.append((tag, f"{method} {url}: {type(error).__name__}: {error}"))
            continue
        except httpx.TransportError as error:
            outcomes.failures.append(f"{method} {url}: {type(error).__name__}: {error}")
            return None
        if response.is_success:
            return response
        outcomes.failures.append(f"{method} {url}: {response.status_code} {response.text[:300]}")
        return None
    outcomes.failures.append(f"{method} {url}: reset five times in a row")
    return None


async def one_client(number: int, base_url: str, deadline: float, outcomes: Outcomes) -> None:
    """Publish a version's pact, verify it (a quarter fail), ask can-i-deploy; again."""
    consumer = f"Shop{number}"
    # A connection per request: the proxy then spreads requests, not clients, over the brokers.
    limits = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
        iteration = 0
        while time.monotonic() < deadline:
            iteration += 1
            version, path = str(iteration), f"/items/{number}/{iteration}"
            url = f"/pacts/provider/{PROVIDER}/consumer/{consumer}/version/{version}"
            published = await call(outcomes, client, "PUT", url, json=pact(consumer, path))
            if published is None:
                continue
            outcomes.published.append((consumer, version, path))
            query = {"pacticipant": consumer, "version": version, "environment": ENVIRONMENT}
            if iteration % 5 == 0:  # before any result: the answer is unknown
                await call(outcomes, client, "GET", "/can-i-deploy", params=query)
            href = published.json()["_links"]["pb:publish-verification-results"]["href"]
            # A quarter fail, from the first round on: both answers occur however slow the load.
            success = (number + iteration) % 4 != 0
            result = {"success": success, "providerApplicationVersion": PROVIDER_VERSION}
            verified = await call(outcomes, client, "POST", href, json=result)
            if verified is None:
                continue
            own = httpx.URL(verified.json()["_links"]["self"]["href"]).path
            outcomes.verified.append((consumer, version, success, own))
            answer = await call(outcomes, client, "GET", "/can-i-deploy", params=query)
            if answer is not None:
                outcomes.answers[consumer, version] = answer.json()["summary"]["deployable"]


@dataclass
class Kill:
    """How long the killed broker took to answer again."""

    restarted_after: float = 0.0


async def kill_and_restart(broker: Broker, database_url: str, workdir: Path) -> Kill:
    await asyncio.sleep(SECONDS / 3)
    kill = Kill()
    killed_at = time.monotonic()
    broker.kill()
    broker.start(database_url, workdir)
    await asyncio.to_thread(broker.wait_until_up)
    kill.restarted_after = time.monotonic() - killed_at
    return kill


def setup_through(url: str, receiver_url: str) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        environment = {"name": ENVIRONMENT, "production": True}
        assert client.post("/environments", json=environment).status_code == 201
        stock = f"/pacticipants/{PROVIDER}/versions/{PROVIDER_VERSION}"
        assert client.put(stock, json={}).is_success
        environments = client.get("/environments").json()["_embedded"]["environments"]
        uuid = environments[0]["uuid"]
        deployed = client.post(f"{stock}/deployed-versions/environment/{uuid}", json={})
        assert deployed.status_code == 201, deployed.text
        hook = {
            "provider": {"name": PROVIDER},
            "events": [{"name": "contract_published"}],
            "request": {
                "method": "POST",
                "url": f"{receiver_url}/hook",
                "body": "${pactbroker.consumerName} ${pactbroker.consumerVersionNumber}",
            },
        }
        assert client.post("/webhooks", json=hook).status_code == 201


async def load(
    brokers: list[Broker], database_url: str, workdir: Path
) -> tuple[Outcomes, Kill, RoundRobinProxy]:
    proxy = RoundRobinProxy([("127.0.0.1", broker.port) for broker in brokers])
    await proxy.start()
    outcomes = Outcomes()
    try:
        deadline = time.monotonic() + SECONDS
        killing = asyncio.create_task(kill_and_restart(brokers[1], database_url, workdir))
        await asyncio.gather(
            *(one_client(n, proxy.url, deadline, outcomes) for n in range(CLIENTS))
        )
        kill = await killing
    finally:
        await proxy.stop()
    return outcomes, kill, proxy


async def outbox_left(database_url: str) -> dict[str, int]:
    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch(
            "SELECT status, count(*) AS n FROM webhook_deliveries GROUP BY status"
        )
    finally:
        await connection.close()
    return {row["status"]: row["n"] for row in rows}


def test_three_brokers_behind_a_proxy_serve_16_clients_through_a_kill_9(
    empty_postgres_database_url: str, tmp_path: Path
) -> None:
    database_url = empty_postgres_database_url
    with ThreadedReceiver() as receiver:
        brokers = brokers_started_together(3, database_url, tmp_path)
        try:
            setup_through(brokers[0].url, receiver.url)
            outcomes, kill, proxy = asyncio.run(load(brokers, database_url, tmp_path))
            wanted = {f"{c} {v}" for c, v, _ in outcomes.published}
            receiver.wait_until(
                lambda calls: wanted <= {call.body.decode() for call in calls}, timeout=120
            )
        finally:
            for broker in brokers:
                broker.stop()
        delivered = Counter(call.body.decode() for call in receiver.calls)

    # Every delivery made and settled: none pending, running or dead.
    left = asyncio.run(outbox_left(database_url))
    assert set(left) == {"succeeded"}, left
    assert wanted <= set(delivered)

    print(  # noqa: T201 - the figures of the closing note
        f"\n{SECONDS:g} s, {CLIENTS} clients, 3 brokers: {outcomes.requests} requests,"
        f" {len(outcomes.published)} pacts, {len(outcomes.verified)} results,"
        f" {len(outcomes.answers)} answers compared; kill -9 broke {len(outcomes.resets)}"
        f" requests ({proxy.cut[1]} connections cut by the broker killed), restart"
        f" took {kill.restarted_after:.1f} s; connections per broker {dict(proxy.handed)},"
        f" {proxy.refused} refused {dict(proxy.connect_errors)};"
        f" {sum(delivered.values())} webhook calls for"
        f" {len(wanted)} publications"
    )
    assert outcomes.failures == []
    # Only the killed broker ended connections before its clients, and only those broke.
    assert proxy.cut[0] == proxy.cut[2] == proxy.unserved == 0
    for tag, what in outcomes.resets:
        assert proxy.tagged.get(tag) == (1, True), (what, proxy.tagged.get(tag))
    assert proxy.handed[1] > 0 and proxy.handed[0] > 0 and proxy.handed[2] > 0
    assert len(outcomes.published) >= CLIENTS

    single = Broker(port=free_port(), log=tmp_path / "single.log")
    single.start(database_url, tmp_path)
    try:
        single.wait_until_up()
        stored_as_acknowledged(single.url, outcomes)
        answers_as_a_single_broker_gives(single.url, outcomes)
        key_file = tmp_path / "audit.key"
        key_file.write_text(AUDIT_KEY)
        audit = run_accord(
            ["verify-audit-log", "--audit-key-file", str(key_file)], environment_for(single.url)
        )
        assert audit.returncode == 0, audit.stdout + audit.stderr
        assert "intact" in audit.stdout and "MACs checked" in audit.stdout
    finally:
        single.stop()


def stored_as_acknowledged(url: str, outcomes: Outcomes) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        for consumer, version, path in outcomes.published:
            stored = client.get(f"/pacts/provider/{PROVIDER}/consumer/{consumer}/version/{version}")
            assert stored.status_code == 200, (consumer, version)
            assert stored.json()["interactions"][0]["request"]["path"] == path
        for consumer, version, success, own in outcomes.verified:
            result = client.get(own)
            assert result.status_code == 200, (consumer, version, own)
            assert result.json()["success"] is success


def answers_as_a_single_broker_gives(url: str, outcomes: Outcomes) -> None:
    assert outcomes.answers
    with httpx.Client(base_url=url, timeout=30) as client:
        for (consumer, version), given in outcomes.answers.items():
            query = {"pacticipant": consumer, "version": version, "environment": ENVIRONMENT}
            single = client.get("/can-i-deploy", params=query).json()["summary"]["deployable"]
            assert single == given, (consumer, version)
    assert set(outcomes.answers.values()) == {True, False}, outcomes.answers
