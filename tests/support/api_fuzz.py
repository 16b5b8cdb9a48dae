"""Fuzzing the broker's own API with schemathesis, against the `/openapi.json` it serves.

`fuzz_api` loads the document from a running broker, runs schemathesis's engine over every
operation (its explicit examples, the coverage phase's boundary and negative cases, random
fuzzing and, where the document declares links, stateful sequences) as one caller, and returns
what it found: each failed check once per operation, and each refused write that changed the
database. The checks are schemathesis's own: no 5xx, every status, content type, header and
body as the document says, schema-invalid input refused, credentials not ignored, `Allow` as
documented, created resources found.

One check is off: `positive_data_acceptance` expects every schema-valid request to be
accepted, but a schema cannot say that a pacticipant must exist, that a pact must be a pact or
a spec must parse: those are 4xx by design. (`max_response_time` is off unless given a time:
times are for benchmarks.)

"Nothing a refused request sent is stored": after every write the database is read (each
table's rows, as the bad-input tests compare them); a write answered 4xx or 5xx must leave it
as the previous write left it, and one accepted moves the baseline on.

Webhook URLs are pinned to `https://127.0.0.1/...` before they are sent: the broker resolves a
webhook's host when it checks one, and a fuzzed host name would be a DNS query off this
machine; on loopback the SSRF guard refuses to call it, so `execute` sends nothing either.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import schemathesis
from schemathesis.engine import Status, events, from_schema
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER, HookContext

from tests.integration.http.conftest import POSTGRES_TABLES, SQLITE_TABLES

PHASES = ("examples", "coverage", "fuzzing", "stateful")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CHECKS_OFF = ("positive_data_acceptance",)
PINNED_WEBHOOK_URL = "https://127.0.0.1/fuzzed-webhook"

Rows = dict[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Profile:
    """How much to try: examples per operation, the seed, and the phases run."""

    examples: int
    seed: int
    phases: tuple[str, ...] = PHASES
    stateful_steps: int = 6


@dataclass(frozen=True)
class Finding:
    """One failed check on one operation, with a request that shows it."""

    operation: str
    check: str
    title: str
    message: str
    status: int | None
    reproduce: str

    def __str__(self) -> str:
        return (
            f"{self.operation}: {self.check}: {self.title} (answered {self.status})\n"
            f"    {self.message.strip()[:600]}\n    {self.reproduce[:600]}"
        )


@dataclass
class FuzzReport:
    """What one run found, and how much it did."""

    findings: list[Finding] = field(default_factory=list)
    stored_by_refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    refused_writes: int = 0
    accepted_writes: int = 0
    seconds: float = 0.0
    phase_seconds: dict[str, float] = field(default_factory=dict)
    phase_status: dict[str, str] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        """No failed check, no refused write that stored anything, no engine error."""
        return not (self.findings or self.stored_by_refused or self.errors)

    def summary(self) -> str:
        """Every problem, one block each, under a line of counts."""
        lines = [
            f"{self.requests} requests ({self.accepted_writes} writes accepted,"
            f" {self.refused_writes} refused) in {self.seconds:.1f} s:"
            f" {len(self.findings)} failed checks, {len(self.stored_by_refused)} refused writes"
            f" that stored something, {len(self.errors)} errors"
        ]
        phases = ", ".join(f"{name} {s:.1f} s" for name, s in self.phase_seconds.items())
        lines.append(f"  phases: {phases}")
        lines += [str(finding) for finding in self.findings]
        lines += self.stored_by_refused
        lines += self.errors
        return "\n".join(lines)


class DatabaseReader:
    """Reads every row of every table of the broker's database, over one open connection."""

    def __init__(self, database_url: str) -> None:
        self._sqlite: sqlite3.Connection | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pg: asyncpg.Connection | None = None
        if database_url.startswith("sqlite:///"):
            path = database_url.removeprefix("sqlite:///")
            # The engine calls hooks from its own thread.
            self._sqlite = sqlite3.connect(
                f"file:{path}?mode=ro", uri=True, check_same_thread=False
            )
            tables = [row[0] for row in self._sqlite.execute(SQLITE_TABLES)]
            self._statements = [(t, f'SELECT * FROM "{t}"') for t in tables]
            return
        self._loop = asyncio.new_event_loop()
        self._pg = self._loop.run_until_complete(asyncpg.connect(database_url))
        tables = [r[0] for r in self._loop.run_until_complete(self._pg.fetch(POSTGRES_TABLES))]
        # One round trip: each row as its text form, tagged with its table.
        self._union = " UNION ALL ".join(
            f"SELECT '{t}' AS t, x::text AS row FROM \"{t}\" x" for t in tables
        )

    def rows(self) -> Rows:
        """Every table's rows, sorted: equal when nothing was stored."""
        if self._sqlite is not None:
            return {
                table: sorted(self._sqlite.execute(sql).fetchall(), key=repr)
                for table, sql in self._statements
            }
        assert self._loop is not None and self._pg is not None
        found: Rows = {}
        for record in self._loop.run_until_complete(self._pg.fetch(self._union)):
            found.setdefault(record["t"], []).append((record["row"],))
        return {table: sorted(rows, key=repr) for table, rows in sorted(found.items())}

    def close(self) -> None:
        """Close the connection (and the PostgreSQL reader's own event loop)."""
        if self._sqlite is not None:
            self._sqlite.close()
        if self._loop is not None and self._pg is not None:
            self._loop.run_until_complete(self._pg.close())
            self._loop.close()


def changes(before: Rows, after: Rows) -> str:
    """Which rows each table gained and lost, briefly."""
    parts = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, []), after.get(table, [])
        if old == new:
            continue
        gained = [row for row in new if row not in old]
        lost = [row for row in old if row not in new]
        parts.append(f"{table}: +{gained[:2]!r} -{lost[:2]!r}"[:400])
    return "; ".join(parts)


def _pin_webhook_url(body: object) -> None:
    """Point a webhook body's `request.url` (when it is a string) at loopback."""
    if isinstance(body, dict):
        request = body.get("request")
        if isinstance(request, dict) and isinstance(request.get("url"), str):
            request["url"] = PINNED_WEBHOOK_URL


def _pin_webhooks(
    context: HookContext, case: schemathesis.Case[Any], kwargs: dict[str, Any]
) -> None:
    if case.path.startswith("/webhooks"):
        _pin_webhook_url(case.body)


@contextmanager
def _global_hook(name: str, hook: Callable[..., None]) -> Iterator[None]:
    """`before_call` runs only global hooks: register one for the run, and only for it."""
    GLOBAL_HOOK_DISPATCHER.register_hook_with_name(hook, name)
    try:
        yield
    finally:
        GLOBAL_HOOK_DISPATCHER.unregister(hook)


def config_for(base_url: str, token: str, profile: Profile) -> schemathesis.Config:
    """The run's configuration, as a `schemathesis.toml` would give it."""
    generation = {"max-examples": profile.examples, "database": "none", "deterministic": True}
    phases: dict[str, Any] = {phase: {"enabled": phase in profile.phases} for phase in PHASES}
    # Only the links the document declares: inferred ones guess parameters from names.
    phases["stateful"].update(
        {"max-steps": profile.stateful_steps, "inference": {"algorithms": []}}
    )
    return schemathesis.Config.from_dict(
        {
            "seed": profile.seed,
            "base-url": base_url,
            "headers": {"Authorization": f"Bearer {token}"},
            "workers": 1,
            "request-timeout": 30,
            "generation": generation,
            "phases": phases,
            "checks": {name: {"enabled": False} for name in CHECKS_OFF},
        }
    )


def refused_to(document: dict[str, Any], role: str) -> list[str]:
    """The operation ids whose `x-accord-roles` leave `role` out: what it must get 403 from."""
    return [
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if "x-accord-roles" in operation and role not in operation["x-accord-roles"]
    ]


def fuzz_api(
    base_url: str,
    token: str,
    database_url: str,
    profile: Profile,
    *,
    only_refused_to: str | None = None,
) -> FuzzReport:
    """Fuzz every operation of the broker at `base_url` as the caller `token` names.

    `only_refused_to` (a role) narrows the run to the operations that role may not use: a
    run as a role's token then checks its 403s and that they store nothing, while what the
    role may do is fuzzed as the admin, through the same handlers.
    """
    report = FuzzReport()
    seen: set[tuple[str, str]] = set()
    reader = DatabaseReader(database_url)
    baseline = reader.rows()

    def after_call(context: HookContext, case: schemathesis.Case[Any], response: Any) -> None:
        nonlocal baseline
        report.requests += 1
        method = case.method.upper()
        if method not in WRITES:
            return
        now = reader.rows()
        if response.status_code < 400:
            report.accepted_writes += 1
        else:
            report.refused_writes += 1
            if now != baseline:
                report.stored_by_refused.append(
                    f"{method} {case.formatted_path} answered {response.status_code} but stored:"
                    f" {changes(baseline, now)}\n    {case.as_curl_command()[:600]}"
                )
        baseline = now

    started = time.monotonic()
    try:
        schema: schemathesis.BaseSchema = schemathesis.openapi.from_url(
            f"{base_url}/openapi.json", config=config_for(base_url, token, profile)
        )
        if only_refused_to is not None:
            schema = schema.include(operation_id=refused_to(schema.raw_schema, only_refused_to))
        schema.hooks.register_hook_with_name(after_call, "after_call")
        with _global_hook("before_call", _pin_webhooks):
            for event in from_schema(schema).execute():
                _record(event, report, seen)
    finally:
        reader.close()
        report.seconds = time.monotonic() - started
    return report


def _record(event: events.EngineEvent, report: FuzzReport, seen: set[tuple[str, str]]) -> None:
    if isinstance(event, events.PhaseStarted):
        report.phase_seconds[event.phase.name.value] = -event.timestamp
    elif isinstance(event, events.PhaseFinished):
        report.phase_seconds[event.phase.name.value] += event.timestamp
        report.phase_status[event.phase.name.value] = event.status.value
    elif isinstance(event, events.NonFatalError):
        report.errors.append(f"{event.label}: {event.info.title}: {event.info.message}"[:1000])
    elif isinstance(event, events.FatalError):
        report.errors.append(f"fatal: {event.exception!r}")
    elif isinstance(event, events.ScenarioFinished) and event.status is Status.FAILURE:
        for case_id, checks in event.recorder.checks.items():
            for check in checks:
                info = check.failure_info
                if check.status is not Status.FAILURE or info is None:
                    continue
                operation = info.failure.operation or event.label or "?"
                if (operation, check.name) in seen:
                    continue
                seen.add((operation, check.name))
                interaction = event.recorder.interactions.get(case_id)
                response = interaction.response if interaction is not None else None
                report.findings.append(
                    Finding(
                        operation=operation,
                        check=check.name,
                        title=info.failure.title,
                        message=info.failure.message,
                        status=response.status_code if response is not None else None,
                        reproduce=info.code_sample,
                    )
                )


ADMIN_TOKEN = "fuzz-admin-token-of-the-api-fuzzer"
CALLERS = ("admin", "read", "write", "approver")
"""The admin token (`ACCORD_ADMIN_TOKEN`), then a token of each other role."""

BROKER_ENV = {
    "ACCORD_ADMIN_TOKEN": ADMIN_TOKEN,
    # The fuzzer sends bad credentials on purpose (the `ignored_auth` check): counted, they
    # would lock its address out and turn every later answer into a 429.
    "ACCORD_LOGIN_FAILURES_PER_USER": "0",
    "ACCORD_LOGIN_FAILURES_PER_ADDRESS": "0",
    "ACCORD_WEBHOOK_DELIVERY": "false",
}
"""The settings of a broker to fuzz."""


def token_of(base_url: str, caller: str) -> str:
    """The bearer token `caller` sends: the admin token, or a new token of that role."""
    if caller == "admin":
        return ADMIN_TOKEN
    made = httpx.post(
        f"{base_url}/admin/tokens",
        json={"name": f"fuzz-{caller}", "role": caller},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=30,
    )
    made.raise_for_status()
    secret: str = made.json()["token"]
    return secret
