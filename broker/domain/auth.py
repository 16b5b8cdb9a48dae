"""Who may do what: roles, their grants, team ownership, and how secrets are kept.

Pure rules and values; the HTTP layer decides what a route needs (`broker/http/permissions.py`)
and asks `allows` and `may_change`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from enum import StrEnum

import msgspec


class Role(StrEnum):
    """A token's or user's role."""

    READ = "read"
    WRITE = "write"  # publish, verify, record deployments and releases
    APPROVER = "approver"  # sign off contract changes
    ADMIN = "admin"  # tokens, users, teams, and everything else


class Need(StrEnum):
    """What a route asks of its caller."""

    OPEN = "open"  # anyone, even without credentials (health)
    READ = "read"
    WRITE = "write"
    APPROVE = "approve"
    ADMIN = "admin"


GRANTS: dict[Role, frozenset[Need]] = {
    Role.READ: frozenset({Need.OPEN, Need.READ}),
    Role.WRITE: frozenset({Need.OPEN, Need.READ, Need.WRITE}),
    Role.APPROVER: frozenset({Need.OPEN, Need.READ, Need.APPROVE}),
    Role.ADMIN: frozenset(Need),
}

ROLES = tuple(role.value for role in Role)


def allows(role: str, need: Need) -> bool:
    """Whether `role` may use a route that needs `need` (an unknown role may do nothing)."""
    return role in ROLES and need in GRANTS[Role(role)]


def may_change(role: str, teams: tuple[str, ...], owners: frozenset[str]) -> bool:
    """Whether a caller of `teams` may write to a pacticipant `owners` own.

    A pacticipant no team owns is anyone's to write; admins write everywhere.
    """
    return not owners or role == Role.ADMIN or bool(owners.intersection(teams))


class ApiToken(msgspec.Struct, frozen=True, kw_only=True):
    """A bearer token as stored: never its secret, only the secret's SHA-256."""

    id: int
    name: str
    role: str
    teams: tuple[str, ...]
    secret_sha: str
    expires_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime
    username: str | None = None  # the user the token acts for, if any

    def is_usable(self, now: datetime) -> bool:
        """Neither revoked nor expired."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


class ApiUser(msgspec.Struct, frozen=True, kw_only=True):
    """A basic-auth user as stored: the scrypt hash of the password and its salt."""

    id: int
    username: str
    password_hash: str
    salt: str
    role: str
    teams: tuple[str, ...]
    created_at: datetime
    updated_at: datetime | None = None
    disabled_at: datetime | None = None  # refused at login while set
    deleted_at: datetime | None = None  # gone for good; the row keeps the name taken

    @property
    def may_log_in(self) -> bool:
        """Neither disabled nor deleted."""
        return self.disabled_at is None and self.deleted_at is None


class Team(msgspec.Struct, frozen=True, kw_only=True):
    """A team and the names of the pacticipants it owns."""

    name: str
    pacticipants: tuple[str, ...]
    created_at: datetime
    updated_at: datetime


TOKEN_PREFIX = "accord_"  # noqa: S105 - a prefix that makes leaked tokens easy to spot


def new_token_secret() -> str:
    """A fresh secret of 256 random bits; long enough that a plain SHA-256 keeps it safe."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_sha(secret: str) -> str:
    """How a token's secret is stored and looked up."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# scrypt parameters: N=2^14, r=8, p=1 (RFC 7914 §2's interactive-login suggestion), 16 MiB.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024, "dklen": 32}


def new_salt() -> str:
    """A random salt for one password, hex."""
    return secrets.token_hex(16)


def password_hash(password: str, salt: str) -> str:
    """The password's scrypt hash with its salt, hex."""
    digest = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), **_SCRYPT)
    return digest.hex()


def password_matches(user: ApiUser, password: str) -> bool:
    """Whether `password` is the user's, compared in constant time."""
    return hmac.compare_digest(password_hash(password, user.salt), user.password_hash)


def secret_matches(given: str, expected: str) -> bool:
    """Constant-time comparison of two secrets (the `ACCORD_ADMIN_TOKEN`)."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
