"""A realistic broker history, generated and bulk-loaded into either backend.

    .venv/bin/python benchmarks/history.py DATABASE_URL [--scale 1.0]

`--scale 5` is about 1,000,000 versions and 5,000,000 verification results (about 3 GB of
memory while it is generated).

At scale 1.0: 50 pacticipants (10 front ends that only consume, 30 services that consume and
provide, 10 back ends that only provide), 120 integrations, 200,000 versions (4,000 each, 70 %
on `main`, the rest on short feature branches), about 480,000 pact publications over about
50,000 distinct pact contents, about 1,000,000 verification results and 20,000 deployments
over three environments. The history is simulated in time order, so what a provider version
verifies is what its consumers had published by then: the head of their main branch, the
version in production, and sometimes a feature branch head; 3 % of results fail.

The rows go in with `executemany` (SQLite, in one transaction per table with the rollback
journal off and a large page cache for the load) or `COPY` (PostgreSQL) into a migrated
database, in the order the broker writes them (a version is on its branch before it publishes
or verifies). Then the `integrations` rows the broker writes beside each publication are
derived, and the facts its triggers maintain (migrations 0005, 0019 and 0020): on SQLite the
triggers fire during the load itself; on PostgreSQL `COPY` runs with triggers off and the facts
are then built by the very statements the migrations build them with from existing rows
(`FACTS_FROM_ROWS`); then `VACUUM ANALYZE` and a `CHECKPOINT`, so what is measured next is a
settled database, not the load's write-back. `build()` is what `benchmarks/matrix_queries.py`
calls.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from broker.domain.pacts import canonical_sha
from broker.settings import sqlite_path
from broker.storage.factory import open_storage
from broker.storage.migrations import migrations_for
from broker.storage.sqlite import split_statements

START = datetime(2026, 1, 1, tzinfo=UTC)
ENVIRONMENTS = ("test", "staging", "production")
PROVIDERS_PER_CONSUMER = 3


@dataclass
class Rows:
    """Every table's rows, as tuples in the column order of `COLUMNS`."""

    pacticipants: list[tuple[Any, ...]] = field(default_factory=list)
    versions: list[tuple[Any, ...]] = field(default_factory=list)
    branches: list[tuple[Any, ...]] = field(default_factory=list)
    branch_versions: list[tuple[Any, ...]] = field(default_factory=list)
    tags: list[tuple[Any, ...]] = field(default_factory=list)
    environments: list[tuple[Any, ...]] = field(default_factory=list)
    deployed_versions: list[tuple[Any, ...]] = field(default_factory=list)
    pact_versions: list[tuple[Any, ...]] = field(default_factory=list)
    pact_publications: list[tuple[Any, ...]] = field(default_factory=list)
    verifications: list[tuple[Any, ...]] = field(default_factory=list)


COLUMNS = {
    "pacticipants": ("id", "name", "main_branch", "created_at", "updated_at"),
    "versions": ("id", "pacticipant_id", "number", "build_url", "created_at", "updated_at"),
    "branches": ("id", "pacticipant_id", "name", "created_at"),
    "branch_versions": ("seq", "branch_id", "version_id", "created_at"),
    "tags": ("seq", "version_id", "name", "created_at"),
    "environments": (
        "uuid",
        "name",
        "display_name",
        "production",
        "contacts",
        "created_at",
        "updated_at",
    ),
    "deployed_versions": (
        "id",
        "uuid",
        "version_id",
        "pacticipant_id",
        "environment_uuid",
        "application_instance",
        "created_at",
        "undeployed_at",
    ),
    "pact_versions": ("id", "consumer_id", "provider_id", "sha", "content", "created_at"),
    "pact_publications": (
        "id",
        "consumer_version_id",
        "consumer_id",
        "provider_id",
        "pact_version_id",
        "revision",
        "content",
        "created_at",
        "updated_at",
    ),
    "verifications": (
        "id",
        "pact_version_id",
        "consumer_id",
        "provider_id",
        "provider_version_id",
        "success",
        "build_url",
        "test_results",
        "verified_by",
        "metadata",
        "created_at",
    ),
}

# What the broker writes beside each publication (migration 0004 fills it the same way).
INTEGRATIONS = (
    "INSERT INTO integrations (consumer_id, provider_id, created_at)"
    " SELECT consumer_id, provider_id, min(created_at) FROM pact_publications"
    " GROUP BY consumer_id, provider_id"
)
BRANCH_HEADS = (
    "UPDATE branches SET head_version_id = (SELECT version_id FROM branch_versions"
    " WHERE branch_id = branches.id ORDER BY seq DESC LIMIT 1)"
)
FACTS_START = "-- Facts from the rows (benchmarks/history.py"
FACTS_END = "-- Facts from the rows: end."


def facts_from_rows(backend: str) -> list[str]:
    """The statements with which the migrations build the maintained facts from existing rows.

    Each migration that adds facts marks them between `FACTS_START` and `FACTS_END` lines; a
    bulk load that bypasses the triggers runs them once the rows are in.
    """
    statements = []
    for migration in migrations_for(backend):
        inside = False
        part: list[str] = []
        for line in migration.sql.splitlines():
            if line.startswith(FACTS_START):
                inside = True
            elif line.startswith(FACTS_END):
                inside = False
                statements += split_statements("\n".join(part))
                part = []
            elif inside:
                part.append(line)
    return statements


VERIFIED_BY = json.dumps({"implementation": "Pact-Rust", "version": "1.4.0"})


def name_of(index: int) -> str:
    """Pacticipant names: front ends, then services, then back ends."""
    if index < 10:
        return f"web-app-{index:02d}"
    if index < 40:
        return f"service-{index:02d}"
    return f"backend-{index:02d}"


def pact_content(consumer: str, provider: str, revision: int) -> str:
    """A small pact whose interactions change with `revision`."""
    interactions = [
        {
            "description": f"a request for thing {n} (revision {revision})",
            "providerState": f"thing {n} exists",
            "request": {"method": "GET", "path": f"/things/{n}"},
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": {"id": n, "name": f"thing {n}", "revision": revision},
            },
        }
        for n in range(3)
    ]
    return json.dumps(
        {
            "consumer": {"name": consumer},
            "provider": {"name": provider},
            "interactions": interactions,
            "metadata": {"pactSpecification": {"version": "2.0.0"}},
        }
    )


class Simulation:
    """Walks the history in time order and records every row it would have written."""

    def __init__(self, scale: float, seed: int = 7) -> None:
        self.random = random.Random(seed)
        self.rows = Rows()
        self.timings: dict[str, float] = {}  # seconds spent generating and loading
        self.count = 50
        self.versions_each = max(20, int(4000 * scale))
        self.providers_of: dict[int, list[int]] = {}
        self.consumers_of: dict[int, list[int]] = {p: [] for p in range(self.count)}
        # Per pacticipant: branch name -> (branch id, head version id).
        self.branches: list[dict[str, tuple[int, int]]] = [{} for _ in range(self.count)]
        # Per (consumer, provider): pact version id held by each consumer version id.
        self.held: dict[tuple[int, int], dict[int, int]] = {}
        self.revision: dict[tuple[int, int], int] = {}
        self.main_head: list[int | None] = [None] * self.count
        self.feature_head: list[int | None] = [None] * self.count
        self.deployed: list[dict[str, tuple[int, int]]] = [{} for _ in range(self.count)]
        self.version_id = 0
        self.branch_id = 0
        self.pact_version_id = 0
        self.publication_id = 0
        self.verification_id = 0
        self.deployment_id = 0
        self.environment_uuid = {
            name: str(uuid.UUID(int=i + 1)) for i, name in enumerate(ENVIRONMENTS)
        }

    def run(self) -> Rows:
        """Simulate the whole history."""
        self.setup()
        for step in range(self.count * self.versions_each):
            self.publish_version(step % self.count, START + timedelta(minutes=step))
        return self.rows

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {table: len(getattr(self.rows, table)) for table in COLUMNS}

    def main_head_number(self, name: str) -> str:
        """The version number at the head of a pacticipant's main branch."""
        head = self.main_head[[name_of(i) for i in range(self.count)].index(name)]
        assert head is not None
        return str(self.rows.versions[head - 1][2])

    def providers_map(self) -> dict[int, list[int]]:
        """Which providers each consumer has pacts with (the same for every scale)."""
        if not self.providers_of:
            self.setup()
        return self.providers_of

    def end(self) -> datetime:
        """When the last version of the history is published."""
        return START + timedelta(minutes=self.count * self.versions_each)

    def setup(self) -> None:
        for index in range(self.count):
            self.rows.pacticipants.append((index + 1, name_of(index), "main", START, START))
        for consumer in range(40):
            candidates = [p for p in range(10, self.count) if p > consumer]
            chosen = self.random.sample(candidates, PROVIDERS_PER_CONSUMER)
            self.providers_of[consumer] = chosen
            for provider in chosen:
                self.consumers_of[provider].append(consumer)
                self.held[(consumer, provider)] = {}
                self.revision[(consumer, provider)] = 0
        for name in ENVIRONMENTS:
            self.rows.environments.append(
                (
                    self.environment_uuid[name],
                    name,
                    name.title(),
                    name == "production",
                    "[]",
                    START,
                    START,
                )
            )

    def branch(self, pacticipant: int, name: str, at: datetime) -> int:
        known = self.branches[pacticipant].get(name)
        if known is not None:
            return known[0]
        self.branch_id += 1
        self.rows.branches.append((self.branch_id, pacticipant + 1, name, at))
        self.branches[pacticipant][name] = (self.branch_id, 0)
        return self.branch_id

    def publish_version(self, p: int, at: datetime) -> None:
        rng = self.random
        self.version_id += 1
        vid = self.version_id
        number = f"{vid // self.count + 1}.{vid % 7}.{vid}"
        self.rows.versions.append((vid, p + 1, number, f"https://ci.example/{vid}", at, at))
        on_main = rng.random() < 0.7
        if on_main:
            name = "main"
        else:
            current = self.feature_head[p]
            keep = current is not None and rng.random() < 0.66
            name = f"feature-{vid}" if not keep else self._feature_name(p)
        branch_id = self.branch(p, name, at)
        self.branches[p][name] = (branch_id, vid)
        self.rows.branch_versions.append((vid, branch_id, vid, at))
        if p in self.providers_of:
            self.publish_pacts(p, vid, at)
        if on_main:
            self.main_head[p] = vid
        else:
            self.feature_head[p] = vid
        if self.consumers_of[p]:
            self.verify(p, vid, at)
        if on_main:
            self.deploy(p, vid, at)

    def _feature_name(self, p: int) -> str:
        head = self.feature_head[p]
        for name, (_, version) in self.branches[p].items():
            if version == head and name != "main":
                return name
        return f"feature-{head}"

    def publish_pacts(self, consumer: int, vid: int, at: datetime) -> None:
        """A new version starts from the pact on main and changes it now and then."""
        for provider in self.providers_of[consumer]:
            key = (consumer, provider)
            base = self.main_head_pact(key)
            change = self.random.random() < 0.1
            if base is None or change:
                self.revision[key] += 1
                content = pact_content(name_of(consumer), name_of(provider), self.revision[key])
                self.pact_version_id += 1
                self.rows.pact_versions.append(
                    (
                        self.pact_version_id,
                        consumer + 1,
                        provider + 1,
                        canonical_sha(json.loads(content)),
                        content,
                        at,
                    )
                )
                base = self.pact_version_id
            self.publication_id += 1
            self.rows.pact_publications.append(
                (self.publication_id, vid, consumer + 1, provider + 1, base, 1, None, at, at)
            )
            self.held[key][vid] = base

    def main_head_pact(self, key: tuple[int, int]) -> int | None:
        head = self.main_head[key[0]]
        return None if head is None else self.held[key].get(head)

    def verify(self, provider: int, pvid: int, at: datetime) -> None:
        for consumer in self.consumers_of[provider]:
            key = (consumer, provider)
            chosen = set()
            main = self.main_head_pact(key)
            if main is not None:
                chosen.add(main)
            for environment in ("production", "staging"):
                deployed = self.deployed[consumer].get(environment)
                if deployed is not None and deployed[1] in self.held[key]:
                    chosen.add(self.held[key][deployed[1]])
            feature = self.feature_head[consumer]
            if feature is not None and feature in self.held[key] and self.random.random() < 0.3:
                chosen.add(self.held[key][feature])
            for pact_version in sorted(chosen):
                self.verification_id += 1
                self.rows.verifications.append(
                    (
                        self.verification_id,
                        pact_version,
                        consumer + 1,
                        provider + 1,
                        pvid,
                        self.random.random() >= 0.03,
                        f"https://ci.example/verify/{self.verification_id}",
                        None,
                        VERIFIED_BY,
                        None,
                        at,
                    )
                )

    def deploy(self, p: int, vid: int, at: datetime) -> None:
        step = vid // self.count
        for environment, every in (("test", 10), ("staging", 25), ("production", 50)):
            if step % every:
                continue
            previous = self.deployed[p].get(environment)
            if previous is not None:
                index = previous[0] - 1
                row = self.rows.deployed_versions[index]
                self.rows.deployed_versions[index] = (*row[:-1], at)
            self.deployment_id += 1
            self.rows.deployed_versions.append(
                (
                    self.deployment_id,
                    str(uuid.UUID(int=(1 << 64) + self.deployment_id)),
                    vid,
                    p + 1,
                    self.environment_uuid[environment],
                    None,
                    at,
                    None,
                )
            )
            self.deployed[p][environment] = (self.deployment_id, vid)
            if environment == "production":  # teams that still tag as well as record
                self.rows.tags.append((len(self.rows.tags) + 1, vid, "prod", at))


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, bool):
        return int(value)
    return value


def load_sqlite(path: str, rows: Rows) -> None:
    """Insert the rows; the broker's triggers keep the branch heads and matrix facts as they go."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA foreign_keys = OFF")
        # For the load only: no rollback journal (a failed load is thrown away), no fsync, and
        # 1 GB of page cache so the indexes the triggers probe stay in memory.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA cache_size = -1000000")
        db.execute("PRAGMA temp_store = MEMORY")
        for table, columns in COLUMNS.items():
            data = getattr(rows, table)
            marks = ", ".join("?" for _ in columns)
            db.execute("BEGIN")
            db.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                ([_sqlite_value(v) for v in row] for row in data),
            )
            db.execute("COMMIT")
        db.execute(INTEGRATIONS)
        db.execute("ANALYZE")
        db.execute("PRAGMA journal_mode = WAL")
    finally:
        db.close()


async def load_postgres(url: str, rows: Rows) -> None:
    connection = await asyncpg.connect(url)
    try:
        # COPY without firing the branch-head triggers row by row (they would update a branch
        # 200,000 times); the heads are set once afterwards, as migration 0005 does.
        await connection.execute("SET session_replication_role = replica")
        for table, columns in COLUMNS.items():
            data = getattr(rows, table)
            await connection.copy_records_to_table(table, records=data, columns=list(columns))
            if table != "environments":
                key = "seq" if table in {"branch_versions", "tags"} else "id"
                await connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{key}'),"
                    f" (SELECT coalesce(max({key}), 1) FROM {table}))"
                )
        await connection.execute(INTEGRATIONS)
        await connection.execute(BRANCH_HEADS)
        for statement in facts_from_rows("postgres"):
            await connection.execute(statement)
        await connection.execute("RESET session_replication_role")
        # What autovacuum does to a live database: index-only scans need the visibility map.
        await connection.execute("VACUUM ANALYZE")
        # Write back what the load dirtied now: otherwise the checkpoint the load's WAL started
        # spreads its writes over the next minutes (checkpoint_completion_target), into the
        # measurement, which would time the load's aftermath rather than the broker.
        await connection.execute("CHECKPOINT")
    finally:
        await connection.close()


async def build(database_url: str, scale: float = 1.0) -> Simulation:
    """Migrate an empty database and load the generated history."""
    storage = await open_storage(database_url)
    try:
        await storage.migrate()
    finally:
        await storage.close()
    started = time.perf_counter()
    simulation = Simulation(scale)
    rows = simulation.run()
    simulation.timings["generate"] = time.perf_counter() - started
    started = time.perf_counter()
    if database_url.startswith(("postgresql://", "postgres://")):
        await load_postgres(database_url, rows)
    else:
        load_sqlite(sqlite_path(database_url), rows)
    simulation.timings["load"] = time.perf_counter() - started
    return simulation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    started = time.perf_counter()
    simulation = asyncio.run(build(args.database_url, args.scale))
    for table, count in simulation.counts().items():
        print(f"{table:>18}: {count:>9,}")
    print(
        f"built in {time.perf_counter() - started:.1f} s (generated in"
        f" {simulation.timings['generate']:.1f} s, loaded in {simulation.timings['load']:.1f} s)"
    )


if __name__ == "__main__":
    main()
