"""Tokens, users and teams, on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from broker.domain.errors import ConflictError
from broker.storage.interface import Storage


async def test_a_fresh_database_has_no_credentials(storage: Storage) -> None:
    async with storage.transaction() as tx:
        assert await tx.has_credentials() is False


async def test_a_token_is_found_by_its_secret_hash_and_keeps_its_fields(
    storage: Storage, now: datetime
) -> None:
    expires = now + timedelta(days=30)
    async with storage.transaction() as tx:
        created = await tx.insert_token(
            name="ci",
            role="write",
            teams=("payments", "web"),
            secret_sha="a" * 64,
            expires_at=expires,
            now=now,
        )
    async with storage.transaction() as tx:
        found = await tx.find_token_by_sha("a" * 64)
        assert await tx.find_token_by_sha("b" * 64) is None
        assert await tx.has_credentials() is True
    assert found == created
    assert found.teams == ("payments", "web")
    assert found.expires_at == expires
    assert found.revoked_at is None
    assert found.created_at == now


async def test_revoking_keeps_the_first_time_and_an_unknown_token_is_none(
    storage: Storage, now: datetime
) -> None:
    async with storage.transaction() as tx:
        token = await tx.insert_token(
            name="ci", role="read", teams=(), secret_sha="c" * 64, expires_at=None, now=now
        )
        first = await tx.revoke_token(token.id, now + timedelta(hours=1))
        again = await tx.revoke_token(token.id, now + timedelta(hours=2))
        assert await tx.revoke_token(token.id + 100, now) is None
        listed = await tx.list_tokens()
    assert first is not None and again is not None
    assert first.revoked_at == again.revoked_at == now + timedelta(hours=1)
    assert [t.name for t in listed] == ["ci"]


async def test_a_user_name_is_unique(storage: Storage, now: datetime) -> None:
    fields = {"password_hash": "00", "salt": "11", "role": "read", "teams": ("web",), "now": now}
    async with storage.transaction() as tx:
        await tx.insert_user(username="ann", **fields)  # type: ignore[arg-type]
    with pytest.raises(ConflictError):
        async with storage.transaction() as tx:
            await tx.insert_user(username="ann", **fields)  # type: ignore[arg-type]
    async with storage.transaction() as tx:
        found = await tx.find_user("ann")
        assert await tx.find_user("bob") is None
    assert found is not None
    assert (found.username, found.role, found.teams) == ("ann", "read", ("web",))


async def test_saving_a_team_replaces_what_it_owns(storage: Storage, now: datetime) -> None:
    async with storage.transaction() as tx:
        await tx.save_team("payments", ("Billing", "Ledger"), now)
        await tx.save_team("web", ("Ledger",), now)
    async with storage.transaction() as tx:
        assert await tx.teams_owning("Ledger") == {"payments", "web"}
        team = await tx.save_team("payments", ("Billing",), now + timedelta(minutes=1))
        assert await tx.teams_owning("Ledger") == {"web"}
        assert await tx.teams_owning("Billing") == {"payments"}
        assert await tx.teams_owning("Nobody") == frozenset()
    assert team.pacticipants == ("Billing",)
    assert team.created_at == now
    assert team.updated_at == now + timedelta(minutes=1)
    async with storage.transaction() as tx:
        await tx.save_team("empty", (), now)
        listed = await tx.list_teams()
    assert [(t.name, t.pacticipants) for t in listed] == [
        ("empty", ()),
        ("payments", ("Billing",)),
        ("web", ("Ledger",)),
    ]
    assert listed[1] == team


async def test_trust_17_users_are_disabled_enabled_repassworded_and_deleted(
    storage: Storage, now: datetime
) -> None:
    later = now + timedelta(minutes=5)
    async with storage.transaction() as tx:
        for name in ("bob", "ann"):
            await tx.insert_user(
                username=name, password_hash="00", salt="11", role="write", teams=("web",), now=now
            )
        disabled = await tx.set_user_disabled("ann", later, later)
        enabled = await tx.set_user_disabled("ann", None, later)
        repassworded = await tx.set_user_password("ann", "22", "33", later)
        assert await tx.set_user_disabled("zed", later, later) is None
        deleted = await tx.delete_user("bob", later)
        assert await tx.delete_user("bob", later) is None  # once only
        assert await tx.set_user_password("bob", "44", "55", later) is None
        listed = await tx.list_users()
        kept = await tx.find_user("bob")
        assert await tx.has_credentials() is True  # deleting never reopens the broker
    assert disabled is not None and disabled.disabled_at == later
    assert enabled is not None and enabled.disabled_at is None and enabled.updated_at == later
    assert repassworded is not None
    assert (repassworded.password_hash, repassworded.salt) == ("22", "33")
    assert deleted is not None and deleted.deleted_at == later
    assert [u.username for u in listed] == ["ann"]
    assert kept is not None
    assert (kept.password_hash, kept.salt, kept.teams, kept.may_log_in) == ("", "", (), False)
