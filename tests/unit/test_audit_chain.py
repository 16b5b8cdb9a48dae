"""The audit log's hash chain: any change, removal or reordering shows at the right entry.

Both the broker's rule (`broker.domain.audit`) and the SDK's restatement of it
(`clients.sdk.audit`) are checked on the same chains, and must agree on every hash.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import msgspec
import pytest

from broker.domain import audit as domain
from clients.sdk import audit as sdk

START = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


def chain(length: int = 5) -> list[domain.AuditEntry]:
    entries: list[domain.AuditEntry] = []
    for n in range(length):
        record = domain.AuditRecord(
            at=domain.audit_time(START + timedelta(seconds=n)),
            actor="ci-bot" if n % 2 else "anonymous",
            action="pact.publish",
            subject=f"pact:Web->Orders@1.0.{n}",
            pacticipants=("Web", "Orders"),
            hash_before=None if n == 0 else f"{n - 1:064x}",
            hash_after=f"{n:064x}",
        )
        entries.append(domain.append(entries[-1] if entries else None, record))
    return entries


def on_the_wire(entry: domain.AuditEntry) -> sdk.AuditEntry:
    """The entry as `GET /audit` shows it, read back by the SDK."""
    r = entry.record
    return sdk.AuditEntry(
        seq=entry.seq,
        at=r.at,
        actor=r.actor,
        action=r.action,
        subject=r.subject,
        pacticipants=list(r.pacticipants),
        hash_before=r.hash_before,
        hash_after=r.hash_after,
        previous_hash=entry.previous_hash,
        entry_hash=entry.entry_hash,
    )


def domain_break(entries: list[domain.AuditEntry]) -> int | None:
    found = domain.first_break(entries)
    return None if found is None else found.seq


def sdk_break(entries: list[domain.AuditEntry]) -> int | None:
    found = sdk.first_break([on_the_wire(e) for e in entries])
    return None if found is None else found.entry.seq


CHECKS = [pytest.param(domain_break, id="broker"), pytest.param(sdk_break, id="sdk")]
Check = Callable[[list[domain.AuditEntry]], "int | None"]


def with_record(entry: domain.AuditEntry, **changes: object) -> domain.AuditEntry:
    return msgspec.structs.replace(entry, record=msgspec.structs.replace(entry.record, **changes))


def test_the_chain_links_each_entry_to_the_one_before() -> None:
    entries = chain()
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].previous_hash == domain.GENESIS
    for before, after in itertools.pairwise(entries):
        assert after.previous_hash == before.entry_hash
    assert len({e.entry_hash for e in entries}) == 5


def test_the_sdk_computes_the_same_hashes_as_the_broker() -> None:
    for entry in chain():
        assert sdk.entry_hash(on_the_wire(entry)) == entry.entry_hash


@pytest.mark.parametrize("check", CHECKS)
def test_an_intact_chain_has_no_break(check: Check) -> None:
    assert check(chain()) is None
    assert check([]) is None


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize(
    "changes",
    [
        {"at": domain.audit_time(START + timedelta(days=1))},
        {"actor": "mallory"},
        {"action": "pact.delete"},
        {"subject": "pact:Web->Orders@9.9.9"},
        {"pacticipants": ("Web",)},
        {"hash_before": "f" * 64},
        {"hash_after": None},
    ],
    ids=lambda c: next(iter(c)),
)
def test_changing_any_field_breaks_the_chain_at_that_entry(
    check: Check, changes: dict[str, object]
) -> None:
    entries = chain()
    entries[2] = with_record(entries[2], **changes)
    assert check(entries) == 3


@pytest.mark.parametrize("check", CHECKS)
def test_rehashing_a_changed_entry_breaks_the_chain_at_the_next_one(check: Check) -> None:
    entries = chain()
    forged = with_record(entries[2], actor="mallory")
    entries[2] = msgspec.structs.replace(
        forged, entry_hash=domain.entry_hash(3, forged.record, forged.previous_hash)
    )
    assert check(entries) == 4


@pytest.mark.parametrize("check", CHECKS)
def test_a_changed_previous_hash_breaks_the_chain_at_that_entry(check: Check) -> None:
    entries = chain()
    entries[1] = msgspec.structs.replace(entries[1], previous_hash="1" * 64)
    assert check(entries) == 2


@pytest.mark.parametrize("check", CHECKS)
def test_a_deleted_entry_breaks_the_chain_where_it_was(check: Check) -> None:
    entries = chain()
    del entries[1]
    assert check(entries) == 3
    assert check(chain()[1:]) == 2  # the first entry removed


@pytest.mark.parametrize("check", CHECKS)
def test_reordered_entries_break_the_chain_at_the_first_moved(check: Check) -> None:
    entries = chain()
    entries[1], entries[3] = entries[3], entries[1]
    assert check(entries) == 4


@pytest.mark.parametrize("check", CHECKS)
def test_renumbered_entries_break_the_chain(check: Check) -> None:
    entries = chain()
    entries[3] = msgspec.structs.replace(entries[3], seq=7)
    assert check(entries) == 7


def test_state_hash_ignores_key_order_and_tells_values_apart() -> None:
    assert domain.state_hash({"a": 1, "b": START}) == domain.state_hash({"b": START, "a": 1})
    assert domain.state_hash({"a": 1}) != domain.state_hash({"a": 2})


def test_times_are_kept_in_utc_with_microseconds() -> None:
    local = START.astimezone(timezone(timedelta(hours=2)))
    assert domain.audit_time(local) == "2026-01-02T03:04:05.678901+00:00"
    assert domain.audit_time(START.replace(microsecond=0)).endswith("05.000000+00:00")
