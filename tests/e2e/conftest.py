"""The broker as a separate process on 127.0.0.1, as a user runs it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_broker(database_url: str, workdir: Path, **env: str) -> Iterator[str]:
    """Start `accord broker serve` on a free port; yield its base URL; stop it afterwards."""
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
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"the broker exited at start:\n{log_path.read_text()}", pytrace=False)
            try:
                if httpx.get(f"{url}/diagnostic/status/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the broker did not answer in 30 s:\n{log_path.read_text()}", pytrace=False
                )
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def broker_url(sqlite_database_url: str, tmp_path: Path) -> Iterator[str]:
    """A broker process on a fresh SQLite file."""
    with running_broker(sqlite_database_url, tmp_path) as url:
        yield url


@pytest.fixture
def broker_url_each_backend(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A broker process on each backend (SQLite file, then an emptied PostgreSQL database)."""
    with running_broker(database_url, tmp_path) as url:
        yield url
