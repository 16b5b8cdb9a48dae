"""Authentication and the admin use cases: tokens, users, teams.

`authenticate` turns an `Authorization` header into an `Actor`; `ensure_may_change` checks
team ownership for a write, reading `current_actor`. Passwords are hashed on worker threads,
an unknown username against a decoy so it costs what a known one costs, and failed logins are
throttled per username and per address (`login_throttle.py`). With no credentials configured (no
`ACCORD_ADMIN_TOKEN`, no token or user ever created) the broker is open, as a fresh Pact Broker.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import time
from collections.abc import Callable
from datetime import datetime
from typing import Literal

import msgspec

from broker.domain.audit import state_hash
from broker.domain.auth import (
    ROLES,
    ApiToken,
    Team,
    may_change,
    new_salt,
    new_token_secret,
    password_hash,
    secret_matches,
    token_sha,
)
from broker.domain.errors import (
    FieldError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    ThrottledError,
    UnauthenticatedError,
)
from broker.services.actor import ANONYMOUS, Actor, current_actor
from broker.services.audit import audit, fields_hash
from broker.services.clock import Clock, system_clock
from broker.services.login_throttle import LoginThrottle
from broker.services.users import actor_name, password_problems, user_state
from broker.storage.interface import Auth, Storage

ADMIN_TOKEN_NAME = "ACCORD_ADMIN_TOKEN"  # noqa: S105 - the actor name, not a secret
MISSING_CREDENTIALS = (
    "This broker requires authentication: send a bearer token (PACT_BROKER_TOKEN) or a "
    "username and password (PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD)"
)


OPEN_RECHECK_SECONDS = 1.0
CONCURRENT_PASSWORD_CHECKS = 4


class CreatedToken(msgspec.Struct, frozen=True, kw_only=True):
    """A new token and its secret, which is shown this once and never stored."""

    token: ApiToken
    secret: str


async def ensure_may_change(tx: Auth, pacticipant_name: str) -> None:
    """Refuse (403) a write to a pacticipant that teams own, none of them the caller's."""
    actor = current_actor.get()
    owners = await tx.teams_owning(pacticipant_name)
    if not may_change(actor.role, actor.teams, owners):
        raise ForbiddenError(
            f"{actor.name} may not change {pacticipant_name}, which belongs to "
            f"{', '.join(sorted(owners))}; ask an admin to add one of these teams to it",
            [FieldError("", f"{pacticipant_name} belongs to {', '.join(sorted(owners))}")],
        )


class SessionSubject(msgspec.Struct, frozen=True, kw_only=True):
    """Whom a browser session acts for, without any secret that would sign in elsewhere.

    A token by the hash it is stored under, or a user by name with `proof`, a digest of the
    user's password hash when the session began.
    """

    kind: Literal["token", "user"]
    key: str
    proof: str = ""


class AuthService:
    """Who is calling, and the tokens, users and teams that decide it."""

    def __init__(
        self,
        storage: Storage,
        *,
        admin_token: str | None,
        clock: Clock = system_clock,
        throttle: LoginThrottle | None = None,
        hasher: Callable[[str, str], str] = password_hash,
    ) -> None:
        self._storage = storage
        self._admin_token = admin_token
        self._clock = clock
        self._throttle = throttle or LoginThrottle(storage)
        self._hasher = hasher
        # scrypt takes 16 MiB and tens of milliseconds a check: a few at once keep both bounded.
        self._hashing = asyncio.Semaphore(CONCURRENT_PASSWORD_CHECKS)
        # An unknown username is checked against this, so it costs what a known one costs.
        self._decoy_salt = new_salt()
        self._decoy_hash = hasher(new_token_secret(), self._decoy_salt)
        # Once credentials exist the broker stays closed. Until then the database is asked
        # again at most every OPEN_RECHECK_SECONDS (a token created through this process
        # closes it at once; one created through another process sharing the database, within
        # that time), so an open broker does not pay a transaction on every request.
        self._closed = admin_token is not None
        self._checked_at: float | None = None

    async def is_open(self) -> bool:
        """Whether no credentials are configured, so every caller is an anonymous admin."""
        now = time.monotonic()
        if not self._closed and (
            self._checked_at is None or now - self._checked_at >= OPEN_RECHECK_SECONDS
        ):
            async with self._storage.transaction() as tx:
                self._closed = await tx.has_credentials()
            self._checked_at = now
        return not self._closed

    async def authenticate(self, authorization: str | None, address: str = "unknown") -> Actor:
        """The caller an `Authorization` header names (anonymous on an open broker).

        Args:
            authorization: the header's value, if any.
            address: the caller's network address, for throttling failed basic-auth logins.

        Raises:
            UnauthenticatedError: no header, a malformed one, or credentials not accepted.
            ThrottledError: too many failed logins lately for the username or the address.
        """
        if await self.is_open():
            return ANONYMOUS
        if not authorization:
            raise UnauthenticatedError(MISSING_CREDENTIALS)
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return await self._bearer(value.strip())
        if scheme.lower() == "basic" and value.strip():
            return await self._basic(value.strip(), address)
        raise UnauthenticatedError(
            "The Authorization header must be 'Bearer <token>' or 'Basic <base64 user:password>'"
        )

    async def _bearer(self, secret: str) -> Actor:
        if self._admin_token is not None and secret_matches(secret, self._admin_token):
            return Actor(name=ADMIN_TOKEN_NAME, role="admin")
        return await self._token(token_sha(secret))

    async def _token(self, sha: str) -> Actor:
        """The caller a stored token's hash names, refused once it is revoked or expired."""
        async with self._storage.transaction() as tx:
            found = await tx.find_token_by_sha(sha)
        if found is None:
            raise UnauthenticatedError("The bearer token is not known to this broker")
        if found.revoked_at is not None:
            raise UnauthenticatedError(f"The token {found.name!r} has been revoked")
        if not found.is_usable(self._clock()):
            expiry = found.expires_at.isoformat() if found.expires_at else ""
            raise UnauthenticatedError(f"The token {found.name!r} expired at {expiry}")
        person = None if found.username is None else f"user:{found.username}"
        # The id, not the name: two tokens may share a name, and the author of a change (audit
        # log, change requests, approvals) must name exactly one credential.
        return Actor(name=f"token:{found.id}", role=found.role, teams=found.teams, user=person)

    async def _basic(self, encoded: str, address: str) -> Actor:
        try:
            decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise UnauthenticatedError("The basic credentials are not valid base64") from error
        username, separator, password = decoded.partition(":")
        if not separator:
            raise UnauthenticatedError("The basic credentials must be 'username:password'")
        actor, _ = await self._password(username, password, address)
        return actor

    async def _password(self, username: str, password: str, address: str) -> tuple[Actor, str]:
        """The user a username and password name, and the user's stored password hash."""
        await self._refuse_if_throttled(username, address)
        async with self._storage.transaction() as tx:
            found = await tx.find_user(username)
        # A deleted user keeps no usable hash: it pays the scrypt cost as an unknown one does.
        if found is None or found.deleted_at is not None:
            salt, expected = self._decoy_salt, self._decoy_hash
        else:
            salt, expected = found.salt, found.password_hash
        async with self._hashing:
            # Again, once its turn comes: a burst queued here before any of its failures were
            # counted would otherwise all be hashed. A failure is counted before the next in
            # the queue checks, for the same reason.
            has_failures = await self._refuse_if_throttled(username, address)
            given = await asyncio.to_thread(self._hasher, password, salt)
            failed = (
                found is None
                or found.deleted_at is not None
                or not hmac.compare_digest(given, expected)
            )
            if failed:
                await self._throttle.failed(username, address, self._clock())
        if found is None or failed:
            raise UnauthenticatedError("The username or password is not correct")
        if has_failures:
            await self._throttle.succeeded(username)
        if found.disabled_at is not None:
            raise UnauthenticatedError(
                f"The user {found.username!r} is disabled: ask an admin to enable it"
            )
        actor = Actor(name=f"user:{found.username}", role=found.role, teams=found.teams)
        return actor, found.password_hash

    async def sign_in_with_token(self, secret: str) -> tuple[Actor, SessionSubject]:
        """Check a bearer token for a browser session; the session keeps only its hash.

        Raises:
            UnauthenticatedError: the token is unknown, revoked or expired.
        """
        actor = await self._bearer(secret.strip())
        return actor, SessionSubject(kind="token", key=token_sha(secret.strip()))

    async def sign_in_with_password(
        self, username: str, password: str, address: str = "unknown"
    ) -> tuple[Actor, SessionSubject]:
        """Check a user's password for a browser session, throttled as basic auth is.

        The session carries a digest of the stored password hash, so a changed password ends
        every session signed in with the old one.

        Raises:
            UnauthenticatedError: the username or password is wrong, or the user is disabled.
            ThrottledError: too many failed logins lately for the username or the address.
        """
        actor, stored = await self._password(username, password, address)
        return actor, SessionSubject(kind="user", key=username, proof=token_sha(stored))

    async def resume(self, subject: SessionSubject) -> Actor:
        """The caller a signed-in session acts for, checked again as on every API request.

        Raises:
            UnauthenticatedError: the token was revoked or expired, or the user was disabled,
                deleted or given a new password since the session began.
        """
        if subject.kind == "token":
            admin = self._admin_token
            if admin is not None and hmac.compare_digest(subject.key, token_sha(admin)):
                return Actor(name=ADMIN_TOKEN_NAME, role="admin")
            return await self._token(subject.key)
        async with self._storage.transaction() as tx:
            found = await tx.find_user(subject.key)
        if found is None or found.deleted_at is not None or found.disabled_at is not None:
            raise UnauthenticatedError(f"The user {subject.key!r} may no longer sign in")
        if not hmac.compare_digest(subject.proof, token_sha(found.password_hash)):
            raise UnauthenticatedError(
                f"The password of {subject.key!r} has changed since this session began"
            )
        return Actor(name=f"user:{found.username}", role=found.role, teams=found.teams)

    async def _refuse_if_throttled(self, username: str, address: str) -> bool:
        """Refuse (429) a caller over a limit; else whether the username has failures."""
        wait, has_failures = await self._throttle.retry_after(username, address, self._clock())
        if wait:
            raise ThrottledError(
                "Too many failed logins for this username or from this address; try again in "
                f"{wait} second{'' if wait == 1 else 's'}",
                wait,
            )
        return has_failures

    async def _hash(self, password: str, salt: str) -> str:
        """The password's hash, off the event loop: scrypt holds its thread for tens of ms."""
        async with self._hashing:
            return await asyncio.to_thread(self._hasher, password, salt)

    async def authorize_change(self, pacticipant_name: str) -> None:
        """Refuse (403) a write by `current_actor` to a pacticipant of other teams."""
        async with self._storage.transaction() as tx:
            await ensure_may_change(tx, pacticipant_name)

    async def create_token(
        self,
        *,
        name: str,
        role: str,
        teams: tuple[str, ...],
        expires_at: datetime | None,
        user: str | None = None,
    ) -> CreatedToken:
        """A new token; its secret is in the answer and nowhere else.

        A token made for a `user` acts as that person: governance counts the user and all of
        its tokens as one approver, and none of them may approve what another published.
        """
        problems = _identity_problems("name", name, role, teams)
        now = self._clock()
        if expires_at is not None and (expires_at.tzinfo is None or expires_at <= now):
            problems.append(FieldError("/expiresAt", "must be a future time with a UTC offset"))
        if problems:
            raise InvalidInputError("The token is not valid", problems)
        secret = new_token_secret()
        async with self._storage.transaction() as tx:
            if user is not None and await tx.find_user(user) is None:
                raise InvalidInputError(
                    "The token is not valid", [FieldError("/user", f"no user named {user!r}")]
                )
            created = await tx.insert_token(
                username=user,
                name=name,
                role=role,
                teams=teams,
                secret_sha=token_sha(secret),
                expires_at=expires_at,
                now=now,
            )
            subject = f"token:{created.id}"
            await audit(tx, now, "token.create", subject, None, fields_hash(created))
        self._closed = True
        return CreatedToken(token=created, secret=secret)

    async def list_tokens(self) -> list[ApiToken]:
        """Every token, without secrets (only their hashes are stored)."""
        async with self._storage.transaction() as tx:
            return await tx.list_tokens()

    async def revoke_token(self, token_id: int) -> ApiToken:
        """Revoke a token; revoking twice keeps the first time."""
        async with self._storage.transaction() as tx:
            before = next((t for t in await tx.list_tokens() if t.id == token_id), None)
            if before is None:
                raise NotFoundError(f"No token with id {token_id}")
            revoked = await tx.revoke_token(token_id, self._clock())
            assert revoked is not None, "found in this transaction"
            if revoked != before:
                await audit(
                    tx,
                    self._clock(),
                    "token.revoke",
                    f"token:{token_id}",
                    fields_hash(before),
                    fields_hash(revoked),
                )
        return revoked

    async def create_user(
        self, *, username: str, password: str, role: str, teams: tuple[str, ...]
    ) -> tuple[str, str, tuple[str, ...]]:
        """A new basic-auth user; answers its username, role and teams."""
        problems = _identity_problems("username", username, role, teams)
        if ":" in username:
            problems.append(FieldError("/username", "must not contain ':'"))
        problems += password_problems(password)
        if problems:
            raise InvalidInputError("The user is not valid", problems)
        salt = new_salt()
        hashed = await self._hash(password, salt)
        async with self._storage.transaction() as tx:
            created = await tx.insert_user(
                username=username,
                password_hash=hashed,
                salt=salt,
                role=role,
                teams=teams,
                now=self._clock(),
            )
            subject = actor_name(created.username)
            await audit(tx, self._clock(), "user.create", subject, None, user_state(created))
        self._closed = True
        return created.username, created.role, created.teams

    async def save_team(self, name: str, pacticipants: tuple[str, ...]) -> Team:
        """Create or replace a team with the pacticipants it owns."""
        problems = [
            FieldError(f"/pacticipants/{i}", "must not be blank")
            for i, p in enumerate(pacticipants)
            if not p.strip()
        ]
        if not name.strip():
            problems.append(FieldError("/name", "must not be blank"))
        if problems:
            raise InvalidInputError("The team is not valid", problems)
        async with self._storage.transaction() as tx:
            before = next((t for t in await tx.list_teams() if t.name == name), None)
            saved = await tx.save_team(name, pacticipants, self._clock())
            owned = (*(before.pacticipants if before else ()), *saved.pacticipants)
            await audit(
                tx,
                self._clock(),
                "team.save",
                f"team:{name}",
                None if before is None else state_hash({"pacticipants": list(before.pacticipants)}),
                state_hash({"pacticipants": list(saved.pacticipants)}),
                *owned,
            )
            return saved

    async def list_teams(self) -> list[Team]:
        """Every team and what it owns."""
        async with self._storage.transaction() as tx:
            return await tx.list_teams()

    async def team(self, name: str) -> Team:
        """One team and what it owns."""
        found = [t for t in await self.list_teams() if t.name == name]
        if not found:
            raise NotFoundError(f"No team named {name!r}")
        return found[0]


def _identity_problems(
    field: str, name: str, role: str, teams: tuple[str, ...]
) -> list[FieldError]:
    problems = []
    if not name.strip():
        problems.append(FieldError(f"/{field}", "must not be blank"))
    if role not in ROLES:
        problems.append(FieldError("/role", f"must be one of {', '.join(ROLES)}"))
    problems += [
        FieldError(f"/teams/{i}", "must not be blank") for i, t in enumerate(teams) if not t.strip()
    ]
    return problems
