"""Sizing figures for the README's Operations section: database size per 100,000 versions, and
what one broker replica serves and holds in memory.

    .venv/bin/python benchmarks/replica_sizing.py [--scale 0.5] [--clients 16] [--seconds 30]

1. Builds the realistic history of `history.py` at `--scale` (0.5: 100,000 versions) into a
   fresh SQLite file and a throwaway PostgreSQL database (127.0.0.1:5432), and prints each
   one's size (the file with its WAL; `pg_database_size` after VACUUM ANALYZE), per 100,000
   versions.
2. Starts one `accord broker serve` on the PostgreSQL history (default settings: 2 document
   workers, webhook delivery on) and prints the resident memory of the broker and its worker
   processes, idle and at the peak of the load.
3. `--clients` clients then loop for `--seconds`, each round one publication of a new consumer
   version's pact (validated in a worker process, written with its audit entry), two
   can-i-deploy questions over the history (`GET /matrix`, as `pact-broker can-i-deploy`), and
   two reads of a latest pact: requests per second by kind and in all, with p50/p99.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable
from pathlib import Path
from urllib.parse import urlencode

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from foundation_writes import broker, postgres_database
from history import build
from matrix_queries import SERVICES, can_i_deploy_query, percentile

PAGE = os.sysconf("SC_PAGE_SIZE")


def resident_mib(root: int) -> float:
    """Resident memory of a process and its descendants (the fork server and the workers)."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children[parent].append(int(entry.name))
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        pending.extend(children.get(pid, []))
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total / 2**20


def broker_pid(port: int) -> int:
    """The process listening on the port (found by its command line)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in command and str(port).encode() in command:
                return int(entry.name)
    raise SystemExit(f"no broker process for port {port}")


async def sqlite_size(scale: float) -> tuple[int, dict[str, int]]:
    """The SQLite file (with its WAL, checkpointed) holding the history, and the row counts."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.db"
        history = await build(f"sqlite:///{path}", scale)
        with sqlite3.connect(path) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = sum(p.stat().st_size for p in Path(folder).glob("history.db*"))
    return size, history.counts()


async def postgres_size(url: str) -> int:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("VACUUM ANALYZE")
        size: int = await connection.fetchval("SELECT pg_database_size(current_database())")
        return size
    finally:
        await connection.close()


def pact(consumer: str, n: int) -> dict[str, object]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": "Orders"},
        "interactions": [
            {
                "description": f"order {n % 7}",
                "request": {"method": "GET", "path": f"/orders/{n % 7}"},
                "response": {"status": 200, "body": {"id": n % 7, "lines": [{"sku": "a"}]}},
            }
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }


async def load(
    url: str, pid: int, clients: int, seconds: float, heads: dict[str, str]
) -> tuple[dict[str, list[float]], float, float]:
    samples: dict[str, list[float]] = defaultdict(list)
    peak = resident_mib(pid)
    counter = itertools.count()
    deadline = time.monotonic() + seconds

    async def timed(kind: str, request: Awaitable[httpx.Response]) -> None:
        started = time.perf_counter()
        response = await request
        samples[kind].append((time.perf_counter() - started) * 1000)
        if response.status_code not in {200, 201}:
            raise SystemExit(f"{kind} answered {response.status_code}: {response.text}")

    async def client(number: int, http: httpx.AsyncClient) -> None:
        consumer = f"Sizing{number}"
        while time.monotonic() < deadline:
            n = next(counter)
            await timed(
                "publish",
                http.put(
                    f"/pacts/provider/Orders/consumer/{consumer}/version/{n}",
                    json=pact(consumer, n),
                ),
            )
            for _ in range(2):
                name = SERVICES[n % len(SERVICES)]
                query = urlencode(can_i_deploy_query(name, heads[name]))
                await timed("can-i-deploy", http.get("/matrix?" + query))
                await timed(
                    "latest pact", http.get(f"/pacts/provider/Orders/consumer/{consumer}/latest")
                )

    async def watch() -> None:
        nonlocal peak
        while time.monotonic() < deadline:
            peak = max(peak, resident_mib(pid))
            await asyncio.sleep(0.5)

    started = time.perf_counter()
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as http:
        await asyncio.gather(watch(), *(client(i, http) for i in range(clients)))
    return samples, time.perf_counter() - started, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.5)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()

    sqlite_bytes, counts = asyncio.run(sqlite_size(args.scale))
    per = 100_000 / counts["versions"]
    print(f"history: {', '.join(f'{k} {v:,}' for k, v in counts.items())}")
    print(f"SQLite:     {sqlite_bytes * per / 2**20:8.0f} MiB per 100,000 versions")

    with postgres_database() as url, tempfile.TemporaryDirectory() as folder:
        history = asyncio.run(build(url, args.scale))
        postgres_bytes = asyncio.run(postgres_size(url))
        print(f"PostgreSQL: {postgres_bytes * per / 2**20:8.0f} MiB per 100,000 versions")
        heads = {name: history.main_head_number(name) for name in SERVICES}
        with broker(url, Path(folder)) as base:
            port = int(base.rsplit(":", 1)[1])
            pid = broker_pid(port)
            first = urlencode(can_i_deploy_query(SERVICES[0], heads[SERVICES[0]]))
            httpx.get(f"{base}/matrix?{first}", timeout=60)  # warm up imports and the pool
            idle = resident_mib(pid)
            samples, elapsed, peak = asyncio.run(load(base, pid, args.clients, args.seconds, heads))
    total = sum(len(v) for v in samples.values())
    print(f"one replica, {args.clients} clients, {elapsed:.0f} s on PostgreSQL:")
    for kind, values in samples.items():
        print(
            f"  {kind:>13}: {len(values) / elapsed:7.1f}/s  p50 {statistics.median(values):6.1f} ms"
            f"  p99 {percentile(values, 0.99):7.1f} ms"
        )
    print(f"  {'all':>13}: {total / elapsed:7.1f}/s")
    print(f"memory (broker + workers): idle {idle:.0f} MiB, peak under load {peak:.0f} MiB")
    print(f"({os.cpu_count()} cores; clients, broker and PostgreSQL on the same machine)")


if __name__ == "__main__":
    main()
