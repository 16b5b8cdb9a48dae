"""The broker as a separate process on 127.0.0.1, as a user runs it.

Starting a broker costs a second or two, so `broker_url` and `broker_url_each_backend` hand
every test the same process per backend (per xdist worker), with its tables emptied first:
each test still starts from an empty broker. A test that needs another configuration
(settings in the environment, a database it edits or breaks, a broker it stops) starts its own
with `running_broker`.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import BACKENDS, truncate_tables

# Where a port another worker took in the meantime shows in the broker's log.
_PORT_TAKEN = "address already in use"
_START_ATTEMPTS = 3


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start(
    database_url: str, workdir: Path, env: dict[str, str]
) -> tuple[subprocess.Popen[bytes], str, Path]:
    """A broker process answering its heartbeat, its URL and its log."""
    for _ in range(_START_ATTEMPTS):
        port = free_port()
        log_path = workdir / f"broker-{port}.log"
        # Webhook delivery is off unless the test turns it on: a webhook a test creates must
        # not be called off 127.0.0.1.
        environment = {
            "ACCORD_WEBHOOK_DELIVERY": "false",
            **os.environ,
            "ACCORD_DATABASE_URL": database_url,
            **env,
        }
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "broker", "serve", "--port", str(port)],
                cwd=workdir,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        if _answers_heartbeat(process, url, log_path):
            return process, url, log_path
    pytest.fail(f"no free port for the broker in {_START_ATTEMPTS} attempts", pytrace=False)


def _answers_heartbeat(process: subprocess.Popen[bytes], url: str, log_path: Path) -> bool:
    """Wait for the broker's heartbeat: True once it answers, False if the port was taken.

    One client polls: a new httpx client per attempt would load the CA bundle each time (tens
    of milliseconds of CPU, taken from the broker that is starting).
    """
    deadline = time.monotonic() + 30
    with httpx.Client(timeout=1) as client:
        while True:
            if process.poll() is not None:
                log_text = log_path.read_text()
                if _PORT_TAKEN in log_text.lower():
                    return False  # another process took the port between probe and bind
                pytest.fail(f"the broker exited at start:\n{log_text}", pytrace=False)
            try:
                if client.get(f"{url}/diagnostic/status/heartbeat").status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                _stop(process)
                pytest.fail(
                    f"the broker did not answer in 30 s:\n{log_path.read_text()}", pytrace=False
                )
            time.sleep(0.05)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_broker(database_url: str, workdir: Path, **env: str) -> Iterator[str]:
    """Start `accord broker serve` on a free port; yield its base URL; stop it afterwards."""
    process, url, _ = _start(database_url, workdir, env)
    try:
        yield url
    finally:
        _stop(process)


@dataclass(frozen=True)
class BrokerProcess:
    """A broker process of a test's own: its process (to kill), URL and log."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path


@contextmanager
def broker_process(database_url: str, workdir: Path, **env: str) -> Iterator[BrokerProcess]:
    """As `running_broker`, with the process at hand; stopped afterwards unless already dead."""
    process, url, log = _start(database_url, workdir, env)
    try:
        yield BrokerProcess(process, url, log)
    finally:
        if process.poll() is None:
            _stop(process)


def empty_sqlite_tables(path: str) -> None:
    """Delete every row but the applied migrations, restarting the row ids."""
    with closing(sqlite3.connect(path, timeout=30)) as database, database:
        database.execute("PRAGMA busy_timeout = 30000")
        tables = [
            row[0]
            for row in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'"
            )
        ]
        for table in tables:
            database.execute(f'DELETE FROM "{table}"')
        if database.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"
        ).fetchone():
            database.execute("DELETE FROM sqlite_sequence")


@dataclass(frozen=True)
class SharedBroker:
    """A broker process several tests use in turn, and the database it serves."""

    url: str
    database_url: str

    def emptied(self) -> str:
        """Empty the broker's database for the next test; the broker's URL."""
        if self.database_url.startswith("sqlite:///"):
            empty_sqlite_tables(self.database_url.removeprefix("sqlite:///"))
        else:
            asyncio.run(truncate_tables(self.database_url))
        return self.url


class BrokerPool:
    """Broker processes started on first use, one per database and settings, stopped at the end.

    Every SQLite broker has a file of its own; PostgreSQL brokers share the session database,
    which is safe because a worker runs one test at a time and empties it first.
    """

    def __init__(self, workdir: Path) -> None:
        self._workdir = workdir
        self._started: dict[tuple[str, tuple[tuple[str, str], ...]], SharedBroker] = {}
        self._stops: ExitStack = ExitStack()

    def broker(self, database_url: str | None = None, **env: str) -> SharedBroker:
        """The broker on `database_url` (None: a SQLite file) with `env`, started if need be."""
        key = (database_url or "sqlite", tuple(sorted(env.items())))
        if key not in self._started:
            workdir = self._workdir / f"broker-{len(self._started)}"
            workdir.mkdir()
            served = database_url or f"sqlite:///{workdir / 'accord.db'}"
            url = self._stops.enter_context(running_broker(served, workdir, **env))
            self._started[key] = SharedBroker(url, served)
        return self._started[key]

    def close(self) -> None:
        """Stop every broker."""
        self._stops.close()


@pytest.fixture(scope="session")
def brokers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrokerPool]:
    """The brokers this run (of this worker) shares between tests."""
    pool = BrokerPool(tmp_path_factory.mktemp("brokers"))
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(params=BACKENDS)
def backend_database_url(request: pytest.FixtureRequest) -> str | None:
    """What a shared broker serves on each backend: None (a SQLite file of its own), or the
    session PostgreSQL database."""
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("postgres_database_url")
    return url


@pytest.fixture
def shared_broker(brokers: BrokerPool) -> SharedBroker:
    """The shared SQLite broker, emptied for this test (for tests that also read its file)."""
    shared = brokers.broker()
    shared.emptied()
    return shared


@pytest.fixture
def broker_url(shared_broker: SharedBroker) -> str:
    """A broker process on an empty SQLite database."""
    return shared_broker.url


@pytest.fixture
def broker_url_each_backend(brokers: BrokerPool, backend_database_url: str | None) -> str:
    """A broker process on each backend (SQLite, then PostgreSQL), its database emptied."""
    return brokers.broker(backend_database_url).emptied()
