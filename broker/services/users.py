"""Managing basic-auth users: list, disable, enable, delete, and change a password.

Admins do all of it; a user may also change its own password. Each change is written to the
audit log as the hash of the user's public state (name, role, teams, and when it was disabled,
deleted or changed), never of its password. A deleted user keeps its row without password or
teams, so its name stays taken and `user:NAME` names one person in the log for ever.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from broker.domain.audit import audit_time, state_hash
from broker.domain.auth import ApiUser, Role, new_salt, password_hash
from broker.domain.errors import (
    ConflictError,
    FieldError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from broker.services.actor import current_actor
from broker.services.audit import audit
from broker.services.clock import Clock, system_clock
from broker.storage.interface import Storage

MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # scrypt reads all of it: a hostile megabyte would cost a worker for nothing


def actor_name(username: str) -> str:
    """How a user is named as the author of a change: `user:ann`."""
    return f"user:{username}"


def user_state(user: ApiUser) -> str:
    """The audit hash of a user: its public state, never its password hash or salt."""

    def when(moment: datetime | None) -> str | None:
        return None if moment is None else audit_time(moment)

    return state_hash(
        {
            "username": user.username,
            "role": user.role,
            "teams": list(user.teams),
            "updatedAt": when(user.updated_at),
            "disabledAt": when(user.disabled_at),
            "deletedAt": when(user.deleted_at),
        }
    )


def password_problems(password: str) -> list[FieldError]:
    """What is wrong with a new password (empty when nothing)."""
    if len(password) < MIN_PASSWORD:
        return [FieldError("/password", f"must have at least {MIN_PASSWORD} characters")]
    if len(password) > MAX_PASSWORD:
        return [FieldError("/password", f"must have at most {MAX_PASSWORD} characters")]
    return []


class UserService:
    """The admin use cases of users, and a user's own password."""

    def __init__(self, storage: Storage, *, clock: Clock = system_clock) -> None:
        self._storage = storage
        self._clock = clock

    async def list_users(self) -> list[ApiUser]:
        """Every user not deleted, by username (passwords are never part of the answer)."""
        async with self._storage.transaction() as tx:
            return await tx.list_users()

    async def user(self, username: str) -> ApiUser:
        """One user (404 when there is none, or it was deleted)."""
        async with self._storage.transaction() as tx:
            found = await tx.find_user(username)
        if found is None or found.deleted_at is not None:
            raise NotFoundError(f"No user named {username!r}")
        return found

    async def set_disabled(self, username: str, *, disabled: bool) -> ApiUser:
        """Disable a user (refused at login from now on) or enable it again; idempotent."""
        if disabled:
            self._refuse_own(username, "disable")
        now = self._clock()
        async with self._storage.transaction() as tx:
            before = await tx.find_user(username)
            if before is None or before.deleted_at is not None:
                raise NotFoundError(f"No user named {username!r}")
            if (before.disabled_at is not None) == disabled:
                return before
            changed = await tx.set_user_disabled(username, now if disabled else None, now)
            assert changed is not None, "found in this transaction"
            action = "user.disable" if disabled else "user.enable"
            await audit(
                tx, now, action, actor_name(username), user_state(before), user_state(changed)
            )
            return changed

    async def delete(self, username: str) -> None:
        """Delete a user: it can no longer log in and leaves the list; its name stays taken."""
        self._refuse_own(username, "delete")
        now = self._clock()
        async with self._storage.transaction() as tx:
            before = await tx.find_user(username)
            if before is None or before.deleted_at is not None:
                raise NotFoundError(f"No user named {username!r}")
            deleted = await tx.delete_user(username, now)
            assert deleted is not None, "found in this transaction"
            await audit(tx, now, "user.delete", actor_name(username), user_state(before), None)

    async def change_password(self, username: str, password: str) -> ApiUser:
        """Set a user's password: an admin for anyone, a user for itself."""
        actor = current_actor.get()
        if actor.role != Role.ADMIN and actor.name != actor_name(username):
            raise ForbiddenError(
                f"{actor.name} may not change the password of {username}: only admins and"
                " the user itself may",
                [FieldError("", "only admins and the user itself may change a password")],
            )
        problems = password_problems(password)
        if problems:
            raise InvalidInputError("The password is not valid", problems)
        salt = new_salt()
        # scrypt takes tens of milliseconds of CPU: off the event loop.
        hashed = await asyncio.to_thread(password_hash, password, salt)
        now = self._clock()
        async with self._storage.transaction() as tx:
            before = await tx.find_user(username)
            if before is None or before.deleted_at is not None:
                raise NotFoundError(f"No user named {username!r}")
            changed = await tx.set_user_password(username, hashed, salt, now)
            assert changed is not None, "found in this transaction"
            await audit(
                tx,
                now,
                "user.password",
                actor_name(username),
                user_state(before),
                user_state(changed),
            )
            return changed

    @staticmethod
    def _refuse_own(username: str, what: str) -> None:
        # An admin locking itself out could leave the broker with no admin at all.
        if current_actor.get().name == actor_name(username):
            raise ConflictError(
                f"You may not {what} your own user: ask another admin",
                [FieldError("", f"the caller is {actor_name(username)}")],
            )
