"""Roles, team ownership and secrets (broker.domain.auth): pure rules, table-tested."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from broker.domain.auth import (
    ApiToken,
    ApiUser,
    Need,
    allows,
    may_change,
    new_salt,
    new_token_secret,
    password_hash,
    password_matches,
    token_sha,
)

NOW = datetime(2025, 1, 1, tzinfo=UTC)

GRANTED = {
    "read": {Need.OPEN, Need.READ},
    "write": {Need.OPEN, Need.READ, Need.WRITE},
    "approver": {Need.OPEN, Need.READ, Need.APPROVE},
    "admin": set(Need),
    "nobody": set(),
}


@pytest.mark.parametrize("role", sorted(GRANTED))
@pytest.mark.parametrize("need", list(Need))
def test_each_role_allows_exactly_its_needs(role: str, need: Need) -> None:
    assert allows(role, need) is (need in GRANTED[role])


@pytest.mark.parametrize(
    ("role", "teams", "owners", "expected"),
    [
        ("write", ("a",), frozenset(), True),  # nobody owns it: any writer
        ("write", (), frozenset(), True),
        ("write", ("a",), frozenset({"a"}), True),
        ("write", ("a", "b"), frozenset({"b", "c"}), True),
        ("write", ("a",), frozenset({"b"}), False),
        ("write", (), frozenset({"b"}), False),
        ("approver", ("a",), frozenset({"b"}), False),
        ("admin", (), frozenset({"b"}), True),  # admins write everywhere
    ],
)
def test_a_write_to_an_owned_pacticipant_needs_one_of_its_teams(
    role: str, teams: tuple[str, ...], owners: frozenset[str], expected: bool
) -> None:
    assert may_change(role, teams, owners) is expected


def _token(expires: datetime | None, revoked: datetime | None) -> ApiToken:
    return ApiToken(
        id=1,
        name="ci",
        role="write",
        teams=(),
        secret_sha="x",
        expires_at=expires,
        revoked_at=revoked,
        created_at=NOW,
    )


@pytest.mark.parametrize(
    ("expires", "revoked", "usable"),
    [
        (None, None, True),
        (NOW + timedelta(seconds=1), None, True),
        (NOW, None, False),  # the expiry instant itself is too late
        (NOW - timedelta(days=1), None, False),
        (None, NOW - timedelta(days=1), False),
    ],
)
def test_a_token_is_usable_until_it_expires_or_is_revoked(
    expires: datetime | None, revoked: datetime | None, usable: bool
) -> None:
    assert _token(expires, revoked).is_usable(NOW) is usable


def test_token_secrets_are_long_random_and_stored_as_their_sha256() -> None:
    one, two = new_token_secret(), new_token_secret()
    assert one != two
    assert len(one) >= 40
    assert token_sha(one) == token_sha(one) != token_sha(two)
    assert one not in token_sha(one)
    assert len(token_sha(one)) == 64


def test_a_password_matches_only_itself_and_its_hash_is_salted() -> None:
    salt = new_salt()
    user = ApiUser(
        id=1,
        username="ann",
        password_hash=password_hash("correct horse", salt),
        salt=salt,
        role="read",
        teams=(),
        created_at=NOW,
    )
    assert password_matches(user, "correct horse")
    assert not password_matches(user, "correct horse ")
    assert password_hash("correct horse", new_salt()) != user.password_hash
    assert "correct horse" not in user.password_hash
