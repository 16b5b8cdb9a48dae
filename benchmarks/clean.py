"""`accord broker clean` on the 200,000-version history, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/clean.py [--scale 1.0] [--backend sqlite --backend postgresql]
        [--keep-latest-per-branch 10] [--batch-size 500] [--no-keep-pending-status]

For each backend it loads `history.py`'s history into a fresh database, asks can-i-deploy (the
service, in process) for every version deployed in each environment, to each environment and
to the main branch, then runs `accord broker clean --dry-run` and `accord broker clean` as
processes (JSON output), and asks every question again. It prints what the dry run reported,
what the real run deleted (they must agree), the wall time of each, the database size before
and after (SQLite: the file after `VACUUM`; PostgreSQL: `pg_database_size` after `VACUUM
FULL`, and after the plain `VACUUM` autovacuum would run) and whether every can-i-deploy
answer stayed the same; it exits 1 if the counts differ or any answer changed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import asyncpg
import msgspec

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from foundation_writes import postgres_database
from history import build

from broker.domain.matrix import Target
from broker.services.can_i_deploy import CanIDeployService, VersionSelector
from broker.storage.factory import open_storage

TABLES = ("versions", "pact_publications", "pact_versions", "verifications", "branch_versions")


async def answers(database_url: str) -> dict[tuple[str, str, str], object]:
    """can-i-deploy of every currently deployed version, to each environment and main branch."""
    storage = await open_storage(database_url, timeout=120)
    try:
        questions: list[tuple[str, str]] = []
        async with storage.transaction() as tx:
            environments = await tx.list_environments()
            for environment in environments:
                live = await tx.deployed_versions(environment.uuid, currently_deployed=True)
                for deployed in live:
                    version = await tx.find_version_by_id(deployed.version_id)
                    pacticipant = await tx.find_pacticipant_by_id(deployed.pacticipant_id)
                    assert version is not None and pacticipant is not None
                    questions.append((pacticipant.name, version.number))
        targets = [Target(kind="environment", name=e.name) for e in environments]
        targets.append(Target(kind="main_branch"))
        service = CanIDeployService(storage)
        found: dict[tuple[str, str, str], object] = {}
        for name, number in dict.fromkeys(questions):
            for target in targets:
                answer = await service.ask(
                    VersionSelector(pacticipant=name, version=number), target, []
                )
                found[(name, number, f"{target.kind}:{target.name}")] = msgspec.to_builtins(answer)
        return found
    finally:
        await storage.close()


def clean(database_url: str, *argv: str) -> tuple[dict[str, object], float]:
    """Run `accord broker clean` as a process; its JSON report and wall time."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "clients.cli", "broker", "clean", "--output", "json", *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "ACCORD_DATABASE_URL": database_url},
        check=False,
    )
    took = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"accord broker clean failed: {done.stderr}")
    report: dict[str, object] = json.loads(done.stdout)
    return report, took


def sqlite_size(path: str) -> int:
    database = sqlite3.connect(path)
    try:
        database.execute("VACUUM")
    finally:
        database.close()
    return Path(path).stat().st_size


async def postgres_size(url: str, *, full: bool) -> int:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("VACUUM FULL ANALYZE" if full else "VACUUM ANALYZE")
        size: int = await connection.fetchval("SELECT pg_database_size(current_database())")
        return size
    finally:
        await connection.close()


async def table_rows(url: str) -> dict[str, int]:
    storage = await open_storage(url, timeout=120)
    try:
        async with storage.transaction() as tx:
            db = tx._db  # type: ignore[attr-defined]
            return {t: int(await db.fetchval(f"SELECT count(*) FROM {t}")) for t in TABLES}
    finally:
        await storage.close()


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/history.db"


def mib(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB"


def run(backend: str, scale: float, argv: list[str]) -> bool:
    database: AbstractContextManager[str] = (
        sqlite_database() if backend == "sqlite" else postgres_database()
    )
    with database as url:
        started = time.perf_counter()
        asyncio.run(build(url, scale))
        print(f"\n== {backend}: history built in {time.perf_counter() - started:.0f} s")

        def size(full: bool = True) -> int:
            if backend == "sqlite":
                return sqlite_size(url.removeprefix("sqlite:///"))
            return asyncio.run(postgres_size(url, full=full))

        before_size = size()
        before_rows = asyncio.run(table_rows(url))
        started = time.perf_counter()
        before = asyncio.run(answers(url))
        asked = time.perf_counter() - started
        print(f"can-i-deploy: {len(before)} questions asked in {asked:.1f} s")
        dry, dry_took = clean(url, "--dry-run", *argv)
        real, real_took = clean(url, *argv)
        after_rows = asyncio.run(table_rows(url))
        plain = None if backend == "sqlite" else size(full=False)
        after_size = size()
        after = asyncio.run(answers(url))

        same_counts = (
            dry["pacticipants"] == real["pacticipants"] and dry["totals"] == real["totals"]
        )
        changed = [key for key in before if after.get(key) != before[key]]
        totals = real["totals"]
        assert isinstance(totals, dict)
        print(f"dry run: {dry_took:.1f} s; real run: {real_took:.1f} s")
        print(f"dry run counts == real run counts: {same_counts}")
        print("deleted: " + ", ".join(f"{n:,} {k}" for k, n in totals.items() if n))
        print("versions kept by first reason: " + json.dumps(real["versionsKept"]))
        for table in TABLES:
            print(f"{table:>18}: {before_rows[table]:>10,} -> {after_rows[table]:>10,}")
        line = f"database size: {mib(before_size)} -> {mib(after_size)}"
        if plain is not None:
            line += f" (after plain VACUUM, before VACUUM FULL: {mib(plain)})"
        print(line)
        print(f"can-i-deploy answers unchanged: {not changed} ({len(before)} compared)")
        for key in changed[:5]:
            print(f"  changed: {key}")
        return same_counts and not changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--backend", action="append", choices=("sqlite", "postgresql"))
    parser.add_argument("--keep-latest-per-branch", default="10")
    parser.add_argument("--batch-size", default="500")
    parser.add_argument("--no-keep-pending-status", action="store_true")
    args = parser.parse_args()
    argv = ["--keep-latest-per-branch", args.keep_latest_per_branch]
    argv += ["--batch-size", args.batch_size]
    if args.no_keep_pending_status:
        argv.append("--no-keep-pending-status")
    good = [run(b, args.scale, argv) for b in args.backend or ["sqlite", "postgresql"]]
    sys.exit(0 if all(good) else 1)


if __name__ == "__main__":
    main()
