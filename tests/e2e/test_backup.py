"""`accord broker backup`: a consistent copy of the SQLite database while the broker works."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import running_broker
from tests.e2e.test_publish_concurrency import pact

pytestmark = pytest.mark.e2e

CLIENTS = 16


def accord_broker(database_url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clients.cli", "broker", *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "ACCORD_DATABASE_URL": database_url},
        timeout=120,
        check=False,
    )


def publisher(url: str, client: int, stop: threading.Event, acked: list[tuple[float, str]]) -> None:
    """Publish new consumer versions until told to stop; note when each was acknowledged."""
    with httpx.Client(base_url=url, timeout=60) as http:
        n = 0
        while not stop.is_set():
            version = f"{client}.{n}"
            document = {**pact(f"request {n}"), "consumer": {"name": f"Web{client}"}}
            answer = http.put(
                f"/pacts/provider/Orders/consumer/Web{client}/version/{version}", json=document
            )
            assert answer.status_code in {200, 201}, answer.text
            acked.append((time.monotonic(), f"Web{client}/version/{version}"))
            n += 1


def test_trust_14_a_backup_taken_under_sixteen_publishers_holds_every_acknowledged_publish(
    sqlite_database_url: str, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    acked: list[tuple[float, str]] = []
    stop = threading.Event()
    with running_broker(sqlite_database_url, tmp_path) as url:
        threads = [
            threading.Thread(target=publisher, args=(url, n, stop, acked)) for n in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        try:
            while len(acked) < 5 * CLIENTS:  # let the writes get going
                time.sleep(0.05)
            began = time.monotonic()
            made = accord_broker(sqlite_database_url, "backup", str(copy))
            while len(acked) < 10 * CLIENTS:  # and go on during and after the backup
                time.sleep(0.05)
        finally:
            stop.set()
            for thread in threads:
                thread.join(60)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"Backed up {sqlite_database_url.removeprefix('sqlite:///')}")
    before = [name for at, name in acked if at < began]
    assert len(before) >= 5 * CLIENTS

    with (
        running_broker(f"sqlite:///{copy}", tmp_path) as restored,
        httpx.Client(base_url=restored, timeout=30) as http,
    ):
        missing = [
            name
            for name in before
            if http.get(f"/pacts/provider/Orders/consumer/{name}").status_code != 200
        ]
    assert missing == []


def test_trust_14_backup_refuses_what_it_cannot_do(
    sqlite_database_url: str, tmp_path: Path
) -> None:
    assert accord_broker(sqlite_database_url, "migrate").returncode == 0
    existing = tmp_path / "taken.db"
    existing.write_text("")
    refused = accord_broker(sqlite_database_url, "backup", str(existing))
    assert refused.returncode == 1
    assert refused.stderr == f"accord: {existing} exists already; choose a new file\n"

    nowhere = accord_broker(f"sqlite:///{tmp_path / 'none.db'}", "backup", str(tmp_path / "b.db"))
    assert nowhere.returncode == 1
    assert nowhere.stderr == f"accord: There is no database at {tmp_path / 'none.db'}\n"
    assert not (tmp_path / "none.db").exists()

    postgres = accord_broker("postgresql://postgres@127.0.0.1:5432/x", "backup", "out.db")
    assert postgres.returncode == 1
    assert "back it up with pg_dump" in postgres.stderr
    assert "Traceback" not in postgres.stderr
