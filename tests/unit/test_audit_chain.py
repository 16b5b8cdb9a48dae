"""The audit log's hash chain: any change, removal or reordering shows at the right entry.

Both the broker's rule (`broker.domain.audit`) and the SDK's restatement of it
(`clients.sdk._audit`) are checked on the same chains, and must agree on every hash.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import msgspec
import pytest

from broker.domain import audit as domain
from clients.sdk import _audit as sdk

START = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


KEY = b"k" * 32


def chain(
    length: int = 5, key: bytes | None = None, keyed_from: int = 0
) -> list[domain.AuditEntry]:
    """`length` entries; those from index `keyed_from` on sealed with `key`."""
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
        sealing = key if n >= keyed_from else None
        entries.append(domain.append(entries[-1] if entries else None, record, sealing))
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
        mac=entry.mac,
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


def keyed_break(key: bytes) -> list[Check]:
    def broker(entries: list[domain.AuditEntry]) -> int | None:
        found = domain.first_break(entries, key)
        return None if found is None else found.seq

    def client(entries: list[domain.AuditEntry]) -> int | None:
        found = sdk.first_break([on_the_wire(e) for e in entries], key)
        return None if found is None else found.entry.seq

    return [broker, client]


def rechained(entries: list[domain.AuditEntry], key: bytes | None) -> list[domain.AuditEntry]:
    """The entries' records chained again from the start, as someone rewriting the log would."""
    out: list[domain.AuditEntry] = []
    for entry in entries:
        out.append(domain.append(out[-1] if out else None, entry.record, key))
    return out


def test_trust_12_a_chain_recomputed_without_the_key_fails_only_with_the_key() -> None:
    entries = chain(6, KEY)
    for check in keyed_break(KEY):
        assert check(entries) is None
    edited = list(entries)
    edited[2] = with_record(entries[2], actor="mallory")
    forged = rechained(edited, None)  # without the key: no MACs at all
    assert domain_break(forged) is None  # the chain alone holds
    half_forged = [
        msgspec.structs.replace(f, mac=e.mac) for f, e in zip(forged, entries, strict=True)
    ]  # the old MACs kept
    other_key = rechained(edited, b"x" * 32)
    for check in keyed_break(KEY):
        assert check(forged) == 6  # the newest entry carries no MAC
        assert check(half_forged) == 3  # the edited entry's MAC no longer fits its hash
        assert check(other_key) == 1


def test_trust_12_entries_before_the_key_are_vouched_for_through_the_chain() -> None:
    entries = chain(6, KEY, keyed_from=3)
    for check in keyed_break(KEY):
        assert check(entries) is None
    edited = list(entries)
    edited[1] = with_record(entries[1], actor="mallory")
    forged = rechained(edited, None)
    # the unkeyed prefix is rewritten and the keyed entries keep their MACs: the first keyed
    # entry's hash moved, so its MAC fails.
    kept = [
        *forged[:3],
        *(
            msgspec.structs.replace(f, mac=e.mac)
            for f, e in zip(forged[3:], entries[3:], strict=True)
        ),
    ]
    for check in keyed_break(KEY):
        assert check(kept) == 4
    unkeyed_tail = chain(6, KEY, keyed_from=3)
    unkeyed_tail[4] = msgspec.structs.replace(unkeyed_tail[4], mac=None)
    for check in keyed_break(KEY):
        assert check(unkeyed_tail) == 5


def test_trust_12_without_the_key_the_macs_are_not_checked() -> None:
    entries = chain(4, KEY)
    entries[1] = msgspec.structs.replace(entries[1], mac="0" * 64)
    assert domain_break(entries) is None
    assert sdk_break(entries) is None
    for check in keyed_break(KEY):
        assert check(entries) == 2
