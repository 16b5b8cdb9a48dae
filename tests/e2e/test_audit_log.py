"""The audit log through a broker process: `accord verify-audit-log`, tampering, concurrency."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import httpx
import pytest

from broker.domain.audit import AuditRecord, append
from clients.sdk import BrokerClient
from clients.sdk._audit import first_break
from tests.e2e.accord_cli import environment_for, run_accord
from tests.e2e.conftest import SharedBroker, running_broker
from tests.e2e.test_cli import accord, ok

pytestmark = pytest.mark.e2e


def test_verify_audit_log_passes_then_names_a_row_edited_in_the_database(
    shared_broker: SharedBroker,
) -> None:
    broker_url, sqlite_database_url = shared_broker.url, shared_broker.database_url
    ok(broker_url, "create-environment", "--name", "production", "--production")
    ok(broker_url, "create-or-update-pacticipant", "--name", "Orders")
    ok(broker_url, "create-or-update-version", "--pacticipant", "Orders", "--version", "1.0.0")

    intact = accord(broker_url, "verify-audit-log")
    assert intact.returncode == 0
    assert intact.stdout.startswith("The audit log is intact: 3 entries.\nhead: 3:")

    with sqlite3.connect(sqlite_database_url.removeprefix("sqlite:///")) as database:
        database.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
    database.close()

    broken = accord(broker_url, "verify-audit-log")
    assert broken.returncode == 1
    assert broken.stdout.startswith(
        "The audit log is broken at entry 2 (pacticipant.create of pacticipant:Orders by mallory"
    )
    assert broken.stdout.endswith(": its fields do not match its hash.\n")
    assert broken.stdout.count("\n") == 1

    as_json = accord(broker_url, "verify-audit-log", "--output", "json")
    assert as_json.returncode == 1
    verdict = json.loads(as_json.stdout)
    assert verdict.pop("head").startswith("3:")
    assert verdict == {
        "intact": False,
        "entries": 3,
        "macsChecked": False,
        "firstBrokenEntry": 2,
        "reason": "its fields do not match its hash",
    }


def test_verify_audit_log_names_a_deleted_row(shared_broker: SharedBroker) -> None:
    broker_url, sqlite_database_url = shared_broker.url, shared_broker.database_url
    for name in ("A", "B", "C"):
        ok(broker_url, "create-or-update-pacticipant", "--name", name)
    with sqlite3.connect(sqlite_database_url.removeprefix("sqlite:///")) as database:
        database.execute("DELETE FROM audit_log WHERE seq = 2")
    database.close()
    broken = accord(broker_url, "verify-audit-log")
    assert broken.returncode == 1
    assert broken.stdout.startswith("The audit log is broken at entry 3 ")
    assert broken.stdout.endswith(": it comes where entry 2 should be.\n")


async def write_concurrently(broker: str, count: int) -> list[httpx.Response]:
    """`count` writes of several kinds at once, on overlapping pacticipants."""

    def request(client: httpx.AsyncClient, n: int) -> asyncio.Future[httpx.Response]:
        name = f"App{n % 5}"
        kind = n % 3
        if kind == 0:
            coroutine = client.put(f"/pacticipants/{name}/versions/{n}", json={})
        elif kind == 1:
            coroutine = client.put(f"/pacticipants/{name}/versions/{n}/tags/t{n}", json={})
        else:
            coroutine = client.patch(f"/pacticipants/{name}", json={"displayName": f"v{n}"})
        return asyncio.ensure_future(coroutine)

    async with httpx.AsyncClient(base_url=broker, timeout=120) as client:
        for n in range(5):  # the PATCHes need the pacticipants to exist
            await client.post("/pacticipants", json={"name": f"App{n}"})
        return list(await asyncio.gather(*(request(client, n) for n in range(count))))


def test_concurrent_writes_make_one_unbroken_chain(broker_url_each_backend: str) -> None:
    responses = asyncio.run(write_concurrently(broker_url_each_backend, 90))
    refused = [r.text for r in responses if r.status_code not in {200, 201}]
    assert refused == []

    with BrokerClient(broker_url_each_backend) as broker:
        entries = broker.audit_entries(page_size=7)
    assert [e.seq for e in entries] == list(range(1, 96))
    assert first_break(entries) is None
    # Tagging an unknown version creates it: one `tag.add` entry covers both.
    assert Counter(e.action for e in entries) == {
        "pacticipant.create": 5,
        "version.create": 30,
        "tag.add": 30,
        "pacticipant.update": 30,
    }

    verified = accord(broker_url_each_backend, "verify-audit-log")
    assert verified.returncode == 0
    assert verified.stdout.startswith("The audit log is intact: 95 entries.\nhead: 95:")


def printed_head(stdout: str) -> str:
    """The `head: SEQ:HASH` line of `verify-audit-log`."""
    lines = [line for line in stdout.splitlines() if line.startswith("head: ")]
    assert len(lines) == 1, stdout
    return lines[0].removeprefix("head: ")


def test_trust_12_expect_head_fails_after_the_newest_rows_are_deleted(
    shared_broker: SharedBroker,
) -> None:
    broker_url, sqlite_database_url = shared_broker.url, shared_broker.database_url
    for name in ("A", "B", "C", "D"):
        ok(broker_url, "create-or-update-pacticipant", "--name", name)
    head = printed_head(ok(broker_url, "verify-audit-log"))
    assert head.startswith("4:")
    served = httpx.get(f"{broker_url}/audit/head", timeout=10).json()
    assert served["head"] == head
    assert served["seq"] == 4

    with sqlite3.connect(sqlite_database_url.removeprefix("sqlite:///")) as database:
        database.execute("DELETE FROM audit_log WHERE seq >= 3")
    database.close()

    # The shorter chain is intact on its own: only the head kept elsewhere shows the loss.
    shorter = accord(broker_url, "verify-audit-log")
    assert shorter.returncode == 0
    assert printed_head(shorter.stdout).startswith("2:")
    checked = accord(broker_url, "verify-audit-log", "--expect-head", head)
    assert checked.returncode == 1
    assert checked.stdout.startswith(
        "The audit log does not hold the expected head: the log ends at entry 2,"
        " before the expected head 4."
    )
    older = accord(broker_url, "verify-audit-log", "--expect-head", f"1:{'0' * 64}")
    assert older.returncode == 1
    assert "entry 1 has hash" in older.stdout
    malformed = accord(broker_url, "verify-audit-log", "--expect-head", "four")
    assert malformed.returncode != 0
    assert "Traceback" not in malformed.stderr


def rewrite_chain(database_path: str, seq: int, actor: str) -> None:
    """Edit one row's actor and recompute every later hash, as a database writer without the
    audit key could; the MAC column is left as it was."""
    with sqlite3.connect(database_path) as database:
        database.row_factory = sqlite3.Row
        rows = list(database.execute("SELECT * FROM audit_log ORDER BY seq"))
        previous = None
        for row in rows:
            record = AuditRecord(
                at=row["at"],
                actor=actor if row["seq"] == seq else row["actor"],
                action=row["action"],
                subject=row["subject"],
                pacticipants=tuple(row["pacticipants"].strip("\n").split("\n")),
                hash_before=row["hash_before"],
                hash_after=row["hash_after"],
            )
            entry = append(previous, record)
            database.execute(
                "UPDATE audit_log SET actor = ?, previous_hash = ?, entry_hash = ? WHERE seq = ?",
                (record.actor, entry.previous_hash, entry.entry_hash, row["seq"]),
            )
            previous = entry
    database.close()


def test_trust_12_with_an_audit_key_a_recomputed_chain_fails(
    sqlite_database_url: str, tmp_path: Path
) -> None:
    key = "s3cret-audit-key-" + "x" * 20
    key_file = tmp_path / "audit.key"
    key_file.write_text(key + "\n")
    with running_broker(sqlite_database_url, tmp_path, ACCORD_AUDIT_KEY=key) as url:
        for name in ("A", "B", "C"):
            ok(url, "create-or-update-pacticipant", "--name", name)
        keyed = accord(url, "verify-audit-log", "--audit-key-file", str(key_file))
        assert keyed.returncode == 0, keyed.stdout + keyed.stderr
        assert keyed.stdout.startswith("The audit log is intact: 3 entries, MACs checked.")
        assert all(
            entry["mac"]
            for entry in httpx.get(f"{url}/audit", timeout=10).json()["_embedded"]["entries"]
        )

        rewrite_chain(sqlite_database_url.removeprefix("sqlite:///"), 2, "mallory")

        without_key = accord(url, "verify-audit-log")
        assert without_key.returncode == 0  # the recomputed chain holds without the key
        with_key = accord(url, "verify-audit-log", "--audit-key-file", str(key_file))
        assert with_key.returncode == 1
        assert with_key.stdout.startswith(
            "The audit log is broken at entry 2 (pacticipant.create of pacticipant:B by mallory"
        )
        assert with_key.stdout.rstrip().endswith("its MAC is not valid under the audit key.")


def test_trust_12_a_log_written_before_the_key_is_anchored_at_start(
    sqlite_database_url: str, tmp_path: Path
) -> None:
    key = "k" * 40
    with running_broker(sqlite_database_url, tmp_path) as url:
        ok(url, "create-or-update-pacticipant", "--name", "A")
    with running_broker(sqlite_database_url, tmp_path, ACCORD_AUDIT_KEY=key) as url:
        entries = httpx.get(f"{url}/audit", timeout=10).json()["_embedded"]["entries"]
        assert [(e["action"], e["mac"] is None) for e in entries] == [
            ("pacticipant.create", True),
            ("audit.anchor", False),
        ]
        environment_key = {"ACCORD_AUDIT_KEY": key}
        checked = run_accord(["verify-audit-log"], environment_for(url, **environment_key))
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "MACs checked" in checked.stdout
    with running_broker(sqlite_database_url, tmp_path, ACCORD_AUDIT_KEY=key) as url:
        entries = httpx.get(f"{url}/audit", timeout=10).json()["_embedded"]["entries"]
        assert len(entries) == 2  # already sealed: no second anchor


def test_trust_12_a_short_audit_key_is_refused_at_start(
    sqlite_database_url: str, tmp_path: Path
) -> None:
    started = subprocess.run(
        [sys.executable, "-m", "broker", "serve", "--port", "1"],
        capture_output=True,
        text=True,
        env={**os.environ, "ACCORD_DATABASE_URL": sqlite_database_url, "ACCORD_AUDIT_KEY": "short"},
        timeout=60,
        check=False,
    )
    assert started.returncode == 1
    assert started.stderr.strip() == "accord: ACCORD_AUDIT_KEY must be at least 32 characters long"
