"""A broker on PostgreSQL through a real PgBouncer in transaction mode.

PgBouncer (Debian's `pgbouncer`, /usr/sbin/pgbouncer) runs as a process of the test's own with a
configuration in a temporary directory: transaction pooling, two server connections for the
test's database, and the `ignore_startup_parameters` the README names. A broker process with
`ACCORD_DATABASE_STATEMENT_CACHE=0` migrates an empty database through it and serves 8 clients
publishing pacts, publishing verification results and asking can-i-deploy, with a deployment
recorded and a webhook on each publication. What must hold: no client error, every write kept,
every webhook delivered, the audit log intact, and the broker's connections shared (more
client connections at PgBouncer than server connections behind it).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest

from broker.domain.errors import StorageUnavailableError
from broker.storage.postgres import PostgresStorage
from tests.e2e.accord_cli import environment_for, run_accord
from tests.e2e.conftest import broker_process, free_port
from tests.e2e.test_replicas import (
    AUDIT_KEY,
    ENV,
    Outcomes,
    answers_as_a_single_broker_gives,
    one_client,
    outbox_left,
    setup_through,
    stored_as_acknowledged,
)
from tests.support.delivery_receiver import ThreadedReceiver

PGBOUNCER = "/usr/sbin/pgbouncer"
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.access(PGBOUNCER, os.X_OK),
        reason=f"PgBouncer is not installed ({PGBOUNCER} missing: apt-get install -y pgbouncer)",
    ),
]

CLIENTS = 8
SECONDS = 5.0
# Fewer server connections than the broker's pool (10): PgBouncer must share them.
SERVER_CONNECTIONS = 2
IGNORED = "jit,statement_timeout,idle_in_transaction_session_timeout"


@dataclass(frozen=True)
class Bouncer:
    """A running PgBouncer: the broker's database URL through it, and its admin console."""

    url: str
    port: int
    log: Path

    def show(self, what: str) -> list[str]:
        """The rows of the admin console's `SHOW <what>`, one line each."""
        shown = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-At",
             "-d", "pgbouncer", "-c", f"SHOW {what}"],
            capture_output=True, text=True, timeout=30, check=True,
        )  # fmt: skip
        return shown.stdout.splitlines()


@contextmanager
def running_pgbouncer(database_url: str, ignore: str = IGNORED) -> Iterator[Bouncer]:
    """PgBouncer in transaction mode in front of `database_url`'s database; stopped after."""
    target = urlsplit(database_url)
    name = target.path.lstrip("/")
    # PgBouncer refuses to run as root: it then switches to `postgres`, which must read the
    # configuration (pytest's tmp_path is private to root), so a world-readable directory.
    folder = Path(tempfile.mkdtemp(prefix="accord-pgbouncer-"))
    folder.chmod(0o755)
    try:
        port = free_port()
        (folder / "users.txt").write_text('"postgres" ""\n')
        config = folder / "pgbouncer.ini"
        config.write_text(
            "[databases]\n"
            f"{name} = host={target.hostname} port={target.port or 5432} dbname={name}"
            f" user=postgres pool_size={SERVER_CONNECTIONS}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {folder / 'users.txt'}\nadmin_users = postgres\n"
            f"pool_mode = transaction\nignore_startup_parameters = {ignore}\n"
            "max_client_conn = 200\nlogfile =\npidfile =\n"
        )
        log = folder / "pgbouncer.log"
        user = ["-u", "postgres"] if os.geteuid() == 0 else []
        with log.open("w") as output:
            process = subprocess.Popen(
                [PGBOUNCER, *user, str(config)], stdout=output, stderr=subprocess.STDOUT
            )
        try:
            deadline = time.monotonic() + 30
            while True:
                assert process.poll() is None, f"PgBouncer exited:\n{log.read_text()}"
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, f"PgBouncer silent:\n{log.read_text()}"
                    time.sleep(0.05)
            url = target._replace(netloc=f"postgres@127.0.0.1:{port}").geturl()
            yield Bouncer(url, port, log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def load(base_url: str) -> Outcomes:
    outcomes = Outcomes()
    deadline = time.monotonic() + SECONDS
    await asyncio.gather(*(one_client(n, base_url, deadline, outcomes) for n in range(CLIENTS)))
    return outcomes


def test_a_broker_through_pgbouncer_in_transaction_mode_migrates_and_serves_8_clients(
    empty_postgres_database_url: str, tmp_path: Path
) -> None:
    database_url = empty_postgres_database_url
    # The broker migrates the empty database through PgBouncer at start.
    with (
        running_pgbouncer(database_url) as bouncer,
        ThreadedReceiver() as receiver,
        broker_process(bouncer.url, tmp_path, **ENV, ACCORD_DATABASE_STATEMENT_CACHE="0") as broker,
    ):
        setup_through(broker.url, receiver.url)
        outcomes = asyncio.run(load(broker.url))
        # PgBouncer's clients while the broker still holds its pool: the broker's
        # connections, and the console's own.
        clients = bouncer.show("CLIENTS")
        servers = bouncer.show("SERVERS")
        wanted = {f"{c} {v}" for c, v, _ in outcomes.published}
        receiver.wait_until(
            lambda calls: wanted <= {call.body.decode() for call in calls}, timeout=120
        )
        stored_as_acknowledged(broker.url, outcomes)
        answers_as_a_single_broker_gives(broker.url, outcomes)
        key_file = tmp_path / "audit.key"
        key_file.write_text(AUDIT_KEY)
        audit = run_accord(
            ["verify-audit-log", "--audit-key-file", str(key_file)],
            environment_for(broker.url),
        )
        log = broker.log.read_text()

    print(  # noqa: T201 - the figures of the report
        f"\nthrough PgBouncer: {outcomes.requests} requests from {CLIENTS} clients in"
        f" {SECONDS:g} s, {len(outcomes.published)} pacts, {len(outcomes.verified)} results;"
        f" {len(clients)} client connections on {len(servers)} server connections"
    )
    assert outcomes.failures == [], outcomes.failures[:5]
    assert outcomes.resets == []
    assert len(outcomes.published) >= CLIENTS
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert "intact" in audit.stdout
    assert asyncio.run(outbox_left(database_url)) == {"succeeded": len(wanted)}
    # Connections shared: more broker connections at PgBouncer than PostgreSQL connections.
    assert len(servers) <= SERVER_CONNECTIONS
    assert len(clients) > len(servers) + 1, (clients, servers)
    assert "Traceback" not in log, log


def test_with_the_statement_cache_on_requests_through_pgbouncer_fail(
    clean_postgres_database_url: str, tmp_path: Path
) -> None:
    """The default cache (100) behind transaction pooling: why the README asks for 0.

    asyncpg prepares each statement once per connection and runs it by name later; PgBouncer
    hands that later transaction another server connection, which never prepared it.
    """
    with (
        running_pgbouncer(clean_postgres_database_url) as bouncer,
        broker_process(bouncer.url, tmp_path, **ENV) as broker,
    ):
        outcomes = asyncio.run(load(broker.url))
        log = broker.log.read_text()
    print(  # noqa: T201 - the figures of the report
        f"\nstatement cache 100 through PgBouncer: {len(outcomes.failures)} of"
        f" {outcomes.requests} requests failed"
    )
    assert any(" 500 " in failure for failure in outcomes.failures), outcomes.failures[:3]
    assert 'prepared statement "__asyncpg_stmt_' in log
    assert "does not exist" in log


async def test_a_named_lock_held_through_pgbouncer_excludes_another_holder(
    clean_postgres_database_url: str,
) -> None:
    """The scheduled clean's lock: one replica holds it, the others are told it is taken."""
    with running_pgbouncer(clean_postgres_database_url) as bouncer:
        first = await PostgresStorage.open(bouncer.url, statement_cache=0, max_size=4)
        second = await PostgresStorage.open(bouncer.url, statement_cache=0, max_size=4)
        try:
            for _ in range(3):
                async with first.exclusive("clean") as mine:
                    assert mine
                    # Other transactions run meanwhile, on the server connections left.
                    await asyncio.gather(*(second.check() for _ in range(6)))
                    async with second.exclusive("clean") as theirs:
                        assert not theirs
                async with second.exclusive("clean") as theirs:
                    assert theirs
        finally:
            await first.close()
            await second.close()


async def test_without_ignore_startup_parameters_pgbouncer_refuses_the_broker(
    empty_postgres_database_url: str,
) -> None:
    """Why the README names `ignore_startup_parameters`; and what PgBouncer then ignores."""
    refused = pytest.raises(StorageUnavailableError, match="unsupported startup parameter: jit")
    with running_pgbouncer(empty_postgres_database_url, ignore="") as bouncer, refused:
        await PostgresStorage.open(bouncer.url, statement_cache=0)
    with running_pgbouncer(empty_postgres_database_url) as bouncer:
        storage = await PostgresStorage.open(bouncer.url, statement_cache=0)
        try:
            async with storage.transaction():
                pass
            connection = await asyncpg.connect(bouncer.url, statement_cache_size=0)
            try:
                # The broker asks for jit off at connect; PgBouncer drops the request.
                assert await connection.fetchval("SHOW jit") == "on"
            finally:
                await connection.close()
        finally:
            await storage.close()
    # What the README says to do instead: the settings on the database, which the server
    # connections PgBouncer opens from then on take.
    name = urlsplit(empty_postgres_database_url).path.lstrip("/")
    direct = await asyncpg.connect(empty_postgres_database_url)
    try:
        await direct.execute(f'ALTER DATABASE "{name}" SET jit = off')
        await direct.execute(f'ALTER DATABASE "{name}" SET statement_timeout = 10000')
    finally:
        await direct.close()
    with running_pgbouncer(empty_postgres_database_url) as bouncer:
        connection = await asyncpg.connect(bouncer.url, statement_cache_size=0)
        try:
            assert await connection.fetchval("SHOW jit") == "off"
            assert await connection.fetchval("SHOW statement_timeout") == "10s"
        finally:
            await connection.close()
