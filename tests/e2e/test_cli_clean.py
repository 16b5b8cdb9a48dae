"""`accord broker clean` as a process on a generated history: bad flags, a dry run, the real
run, and its audit entry verified with the audit key through a broker started afterwards."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import running_broker
from tests.e2e.test_cli import accord
from tests.integration.storage.test_storage_retention_history import history_module

pytestmark = pytest.mark.e2e

KEY = "clean-audit-key-" + "k" * 24


def clean(database_url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clients.cli", "broker", "clean", *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "ACCORD_DATABASE_URL": database_url, "ACCORD_AUDIT_KEY": KEY},
        timeout=300,
        check=False,
    )


def rows(path: Path, table: str) -> int:
    with sqlite3.connect(path) as database:
        [(count,)] = database.execute(f"SELECT count(*) FROM {table}").fetchall()
    database.close()
    return int(count)


async def test_clean_reports_then_deletes_and_is_audited(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    url = f"sqlite:///{path}"
    await history_module().build(url, 0.005)
    versions = rows(path, "versions")

    refused = clean(url, "--keep-latest-per-branch", "0", "--keep-newer-than", "soon")
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "accord: --keep-latest-per-branch: must be at least 1",
        "accord: --keep-newer-than: 'soon' is neither an age such as 90d, 12w or 36h"
        " nor an ISO 8601 date such as 2026-01-31",
    ]

    dry = clean(url, "--dry-run", "--keep-latest-per-branch", "3", "--output", "json")
    assert dry.returncode == 0, dry.stderr
    would = json.loads(dry.stdout)
    assert would["dryRun"] is True
    assert would["totals"]["versions"] > 100
    assert rows(path, "versions") == versions
    assert rows(path, "audit_log") == 0

    real = clean(url, "--keep-latest-per-branch", "3", "--output", "json", "--batch-size", "50")
    assert real.returncode == 0, real.stderr
    did = json.loads(real.stdout)
    assert did["pacticipants"] == would["pacticipants"]
    assert did["totals"] == would["totals"]
    assert rows(path, "versions") == versions - did["totals"]["versions"]

    again = clean(url, "--dry-run", "--keep-latest-per-branch", "3")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Would delete:\nPACTICIPANT | VERSIONS | PACTS |")
    assert "\n(all)       |        0 |     0 |" in again.stdout

    key_file = tmp_path / "audit.key"
    key_file.write_text(KEY)
    with running_broker(url, tmp_path, ACCORD_AUDIT_KEY=KEY) as broker_url:
        verified = accord(broker_url, "verify-audit-log", "--audit-key-file", str(key_file))
    assert verified.returncode == 0, verified.stdout
    assert verified.stdout.startswith("The audit log is intact: 1 entries, MACs checked.")
    with sqlite3.connect(path) as database:
        [(actor, action, subject)] = database.execute(
            "SELECT actor, action, subject FROM audit_log"
        ).fetchall()
    database.close()
    assert (actor, action) == ("cli:broker-clean", "retention.clean")
    assert subject.startswith(f"clean:versions={did['totals']['versions']},")


async def test_a_broker_with_a_schedule_cleans_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    url = f"sqlite:///{path}"
    await history_module().build(url, 0.005)
    versions = rows(path, "versions")
    refused = subprocess.run(
        [sys.executable, "-m", "clients.cli", "broker", "serve"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "ACCORD_DATABASE_URL": url,
            "ACCORD_CLEAN_SCHEDULE": "1s",
            "ACCORD_CLEAN_OPTIONS": "--keep-latest-per-branch 0 --dry-rum",
        },
        timeout=120,
        check=False,
    )
    assert refused.returncode == 1
    assert refused.stderr == "accord: ACCORD_CLEAN_OPTIONS: unrecognized arguments: --dry-rum\n"

    schedule = {"ACCORD_CLEAN_SCHEDULE": "1s", "ACCORD_CLEAN_OPTIONS": "--keep-latest-per-branch 3"}
    with running_broker(url, tmp_path, ACCORD_AUDIT_KEY=KEY, **schedule):
        deadline = time.monotonic() + 120
        while not rows(path, "audit_log") and time.monotonic() < deadline:
            time.sleep(0.2)
    with sqlite3.connect(path) as database:
        [(actor, subject), *_] = database.execute(
            "SELECT actor, subject FROM audit_log WHERE action = 'retention.clean' ORDER BY seq"
        ).fetchall()
    database.close()
    assert actor == "schedule:clean"
    deleted = int(subject.removeprefix("clean:versions=").split(",")[0])
    assert deleted > 100
    assert rows(path, "versions") == versions - deleted
