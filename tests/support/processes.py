"""Starting helper processes (`accord fault-proxy`, test providers) on 127.0.0.1 for tests."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

_START_SECONDS = 30


@contextmanager
def running_process(argv: list[str], ready_url: str, log_path: Path) -> Iterator[None]:
    """Run `python ARGV...` until `ready_url` answers (any status), then yield; stop it after."""
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, *argv], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    try:
        deadline = time.monotonic() + _START_SECONDS
        # One client polls: a new one per attempt would load the CA bundle each time.
        with httpx.Client(timeout=1, trust_env=False) as client:
            while True:
                if process.poll() is not None:
                    pytest.fail(f"{argv} exited at start:\n{log_path.read_text()}", pytrace=False)
                try:
                    client.get(ready_url)
                    break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"{argv} did not answer:\n{log_path.read_text()}", pytrace=False)
                time.sleep(0.05)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def fault_proxy(port: int, upstream: str, log_path: Path) -> Iterator[str]:
    """`accord fault-proxy` on 127.0.0.1:`port` to `upstream`; yields its base URL."""
    url = f"http://127.0.0.1:{port}"
    argv = ["-m", "clients.cli", "fault-proxy", "--listen", f"127.0.0.1:{port}"]
    with running_process([*argv, "--upstream", upstream], f"{url}/__fault/", log_path):
        yield url
