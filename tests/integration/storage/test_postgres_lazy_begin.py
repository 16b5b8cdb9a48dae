"""PostgreSQL transactions begin at their first statement that is not a plain read.

Reads before it run on their own (READ COMMITTED sees the same either way), so a transaction
that only reads costs no BEGIN and COMMIT; from the first write, lock or advisory lock on,
everything commits or rolls back as one.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broker.domain.model import PacticipantChanges
from broker.storage.interface import Storage
from broker.storage.postgres import plain_read

NOW = datetime(2024, 5, 17, 9, 30, tzinfo=UTC)


def in_transaction(tx: object) -> bool:
    """Whether the server says the transaction's connection is inside a transaction block."""
    return bool(tx._db._connection.is_in_transaction())  # type: ignore[attr-defined]


async def test_reads_run_on_their_own_until_the_first_write(postgres_storage: Storage) -> None:
    async with postgres_storage.transaction() as tx:
        assert await tx.find_pacticipant("Foo") is None
        assert not in_transaction(tx)
        await tx.insert_pacticipant("Foo", PacticipantChanges(), NOW)
        assert in_transaction(tx)
        assert await tx.find_pacticipant("Foo") is not None  # its own write, seen


async def test_everything_from_the_first_write_on_is_undone_together(
    postgres_storage: Storage,
) -> None:
    with pytest.raises(RuntimeError):
        async with postgres_storage.transaction() as tx:
            assert await tx.find_pacticipant("Foo") is None
            await tx.insert_pacticipant("Foo", PacticipantChanges(), NOW)
            await tx.insert_pacticipant("Bar", PacticipantChanges(), NOW)
            raise RuntimeError
    async with postgres_storage.transaction() as tx:
        assert await tx.find_pacticipant("Foo") is None
        assert await tx.find_pacticipant("Bar") is None


async def test_a_locking_read_begins_the_transaction_so_its_lock_is_held(
    postgres_storage: Storage,
) -> None:
    async with postgres_storage.transaction() as tx:
        driver = tx._db  # type: ignore[attr-defined]
        assert not in_transaction(tx)
        await driver.fetch("SELECT id FROM pacticipants FOR UPDATE")
        assert in_transaction(tx)
    async with postgres_storage.transaction() as tx:
        driver = tx._db  # type: ignore[attr-defined]
        await driver.lock_audit_chain()
        assert in_transaction(tx)


async def test_a_browsing_transaction_still_refuses_a_write(postgres_storage: Storage) -> None:
    with pytest.raises(Exception, match="read-only transaction"):
        async with postgres_storage.browse() as tx:
            assert await tx.find_pacticipant("Foo") is None
            await tx.insert_pacticipant("Foo", PacticipantChanges(), NOW)


@pytest.mark.parametrize(
    ("query", "plain"),
    [
        ("SELECT * FROM pacticipants WHERE name = ?", True),
        ("  select 1", True),
        ("SELECT * FROM change_requests WHERE id = ? FOR UPDATE", False),
        ("SELECT * FROM webhook_deliveries FOR UPDATE SKIP LOCKED", False),
        ("SELECT * FROM versions FOR NO KEY UPDATE", False),
        ("SELECT * FROM versions FOR SHARE", False),
        ("SELECT pg_advisory_xact_lock(1)", False),
        ("WITH x AS (DELETE FROM tags RETURNING *) SELECT * FROM x", False),
        ("INSERT INTO tags VALUES (?) RETURNING *", False),
    ],
)
def test_plain_reads_are_selects_without_locks(query: str, plain: bool) -> None:
    assert plain_read(query) is plain


async def test_an_idle_webhook_poll_begins_no_transaction(postgres_storage: Storage) -> None:
    """The delivery worker asks whether anything is due before it locks anything."""
    async with postgres_storage.transaction() as tx:
        assert not await tx.webhook_work_due(NOW)
        assert not in_transaction(tx)
