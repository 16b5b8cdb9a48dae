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
from contextlib import closing, contextmanager
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
        environment = {**os.environ, "ACCORD_DATABASE_URL": database_url, **env}
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "broker", "serve", "--port", str(port)],
                cwd=workdir,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                log_text = log_path.read_text()
                if _PORT_TAKEN in log_text.lower():
                    break  # another process took the port between probe and bind: retry
                pytest.fail(f"the broker exited at start:\n{log_text}", pytrace=False)
            try:
                if httpx.get(f"{url}/diagnostic/status/heartbeat", timeout=1).status_code == 200:
                    return process, url, log_path
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                _stop(process)
                pytest.fail(
                    f"the broker did not answer in 30 s:\n{log_path.read_text()}", pytrace=False
                )
            time.sleep(0.05)
    pytest.fail(f"no free port for the broker in {_START_ATTEMPTS} attempts", pytrace=False)


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


@pytest.fixture(scope="session")
def shared_sqlite_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedBroker]:
    """One broker process on a SQLite file for the whole run (of this worker)."""
    workdir = tmp_path_factory.mktemp("sqlite-broker")
    database_url = f"sqlite:///{workdir / 'accord.db'}"
    with running_broker(database_url, workdir) as url:
        yield SharedBroker(url, database_url)


@pytest.fixture(scope="session")
def shared_postgres_broker(
    postgres_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SharedBroker]:
    """One broker process on the session PostgreSQL database for the whole run."""
    workdir = tmp_path_factory.mktemp("postgres-broker")
    with running_broker(postgres_database_url, workdir) as url:
        yield SharedBroker(url, postgres_database_url)


@pytest.fixture
def shared_broker(shared_sqlite_broker: SharedBroker) -> SharedBroker:
    """The shared SQLite broker, emptied for this test (for tests that also read its file)."""
    shared_sqlite_broker.emptied()
    return shared_sqlite_broker


@pytest.fixture
def broker_url(shared_sqlite_broker: SharedBroker) -> str:
    """A broker process on an empty SQLite database."""
    return shared_sqlite_broker.emptied()


@pytest.fixture(params=BACKENDS)
def broker_url_each_backend(request: pytest.FixtureRequest) -> str:
    """A broker process on each backend (SQLite, then PostgreSQL), its database emptied."""
    shared: SharedBroker = request.getfixturevalue(f"shared_{request.param}_broker")
    return shared.emptied()
