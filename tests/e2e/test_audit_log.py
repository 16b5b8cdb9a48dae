"""The audit log through a broker process: `accord verify-audit-log`, tampering, concurrency."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections import Counter

import httpx
import pytest

from clients.sdk import BrokerClient
from clients.sdk.audit import first_break
from tests.e2e.test_cli import accord, ok

pytestmark = pytest.mark.e2e


def test_verify_audit_log_passes_then_names_a_row_edited_in_the_database(
    broker_url: str, sqlite_database_url: str
) -> None:
    ok(broker_url, "create-environment", "--name", "production", "--production")
    ok(broker_url, "create-or-update-pacticipant", "--name", "Orders")
    ok(broker_url, "create-or-update-version", "--pacticipant", "Orders", "--version", "1.0.0")

    intact = accord(broker_url, "verify-audit-log")
    assert (intact.returncode, intact.stdout) == (0, "The audit log is intact: 3 entries.\n")

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
    assert json.loads(as_json.stdout) == {
        "intact": False,
        "entries": 3,
        "firstBrokenEntry": 2,
        "reason": "its fields do not match its hash",
    }


def test_verify_audit_log_names_a_deleted_row(broker_url: str, sqlite_database_url: str) -> None:
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
    assert (verified.returncode, verified.stdout) == (0, "The audit log is intact: 95 entries.\n")
