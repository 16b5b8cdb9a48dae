"""Write throughput of the foundation resources through HTTP, on each backend.

    .venv/bin/python benchmarks/foundation_writes.py [--requests 2000]

Starts `accord broker serve` on a free port for each backend (a temporary SQLite file; a
throwaway PostgreSQL database on 127.0.0.1:5432), then sends PUT branch-version, PUT tag and
POST record-deployment requests with 1 and 16 concurrent clients, and prints requests per
second, p50/p99 latency, and the PostgreSQL/SQLite ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import httpx

SERVER = os.environ.get("ACCORD_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def broker(
    database_url: str, workdir: Path, settings: dict[str, str] | None = None
) -> Iterator[str]:
    port = free_port()
    with subprocess.Popen(
        [sys.executable, "-m", "broker", "serve", "--port", str(port)],
        cwd=workdir,
        env={
            **os.environ,
            "ACCORD_DATABASE_URL": database_url,
            "ACCORD_LOG_LEVEL": "warning",
            **(settings or {}),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as process:
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(400):
                try:
                    httpx.get(url + "/diagnostic/status/heartbeat", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


@contextmanager
def postgres_database() -> Iterator[str]:
    name = f"accord_bench_{secrets.token_hex(4)}"

    async def run(sql: str) -> None:
        connection = await asyncpg.connect(SERVER)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    try:
        yield SERVER.rsplit("/", 1)[0] + "/" + name
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def load(url: str, total: int, concurrency: int, run_id: str) -> tuple[float, list[float]]:
    env = httpx.post(
        url + "/environments", json={"name": f"env-{run_id}", "production": False}
    ).json()
    latencies: list[float] = []
    queue = iter(range(total // 3))

    async def timed(request: Awaitable[httpx.Response]) -> None:
        started = time.perf_counter()
        response = await request
        latencies.append(time.perf_counter() - started)
        assert response.status_code in {200, 201}, response.text

    async def worker(client: httpx.AsyncClient) -> None:
        # Each item is three writes in order: add version to a branch, tag it, deploy it.
        for i in queue:
            version = f"/pacticipants/app-{run_id}-{i % 20}/versions/{i}"
            await timed(
                client.put(
                    f"/pacticipants/app-{run_id}-{i % 20}/branches/main/versions/{i}", json={}
                )
            )
            await timed(client.put(f"{version}/tags/t{i % 7}", json={}))
            await timed(
                client.post(f"{version}/deployed-versions/environment/{env['uuid']}", json={})
            )

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return time.perf_counter() - started, latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    results: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        with postgres_database() as pg_url:
            for backend, url in (
                ("sqlite", f"sqlite:///{workdir / 'bench.db'}"),
                ("postgres", pg_url),
            ):
                with broker(url, workdir) as base:
                    for concurrency in (1, 16):
                        elapsed, latencies = asyncio.run(
                            load(base, args.requests, concurrency, f"{concurrency}")
                        )
                        rate = len(latencies) / elapsed
                        results[(backend, concurrency)] = rate
                        q = statistics.quantiles(latencies, n=100)
                        print(
                            f"{backend:8} clients={concurrency:2}  {rate:7.0f} writes/s  "
                            f"p50 {q[49] * 1000:6.2f} ms  p99 {q[98] * 1000:6.2f} ms"
                        )
    for concurrency in (1, 16):
        ratio = results[("postgres", concurrency)] / results[("sqlite", concurrency)]
        print(f"postgres/sqlite throughput ratio, {concurrency:2} clients: {ratio:.2f}")


if __name__ == "__main__":
    main()
