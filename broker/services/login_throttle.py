"""Throttling of failed basic-auth logins, per username and per address, across every broker.

Each password check costs an scrypt hash (tens of milliseconds of CPU and 16 MiB), so a caller
guessing passwords slows every other caller down, besides guessing. Once a username, or an
address, has `limit` failures within the last `window` seconds, further attempts for it are
refused (429 with `Retry-After`) before any hashing, until its oldest failure in the window
ages out. A different username from a different address is unaffected, and a success clears
the username's failures. The failures live in the database (`login_failures`), so every
replica on it counts them alike; keys are digests, and failures older than the window are
deleted as new ones are written, so the table holds at most what one window's failures are
(and those are bounded by the hashing: a few at once per broker).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from broker.storage.interface import Storage

DEFAULT_FAILURES_PER_USER = 10
DEFAULT_FAILURES_PER_ADDRESS = 30
DEFAULT_WINDOW_SECONDS = 60

USER = "user"
ADDRESS = "address"


def key_of(text: str) -> str:
    """A fixed-size digest: a megabyte of username costs what a short one does, unstored."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def wait_for(recent: Sequence[datetime], limit: int, window: float, now: datetime) -> float:
    """Seconds until a key with these failures (newest first) may try again (0: it may now).

    Over the limit it waits until the `limit`-th newest failure ages out of the window.
    """
    if limit <= 0 or len(recent) < limit:
        return 0.0
    return max(0.0, (recent[limit - 1] + timedelta(seconds=window) - now).total_seconds())


class LoginThrottle:
    """Failed logins per username and per address over a sliding window, in the database.

    Args:
        storage: where the failures are counted (shared by every broker on it).
        per_user: failures of one username within `window` before it is refused (0: no limit).
        per_address: failures from one address within `window` before it is refused (0: none).
        window: seconds a failure counts for.
    """

    def __init__(
        self,
        storage: Storage,
        *,
        per_user: int = DEFAULT_FAILURES_PER_USER,
        per_address: int = DEFAULT_FAILURES_PER_ADDRESS,
        window: float = DEFAULT_WINDOW_SECONDS,
    ) -> None:
        self._storage = storage
        self._per_user = per_user
        self._per_address = per_address
        self._window = window

    async def retry_after(self, username: str, address: str, now: datetime) -> tuple[int, bool]:
        """Whole seconds until this username from this address may try (0: it may now).

        Also whether the username has failures, which a success then clears.
        """
        if self._per_user <= 0 and self._per_address <= 0:
            return 0, False
        since = now - timedelta(seconds=self._window)
        async with self._storage.transaction() as tx:
            users = await tx.recent_login_failures(
                USER, key_of(username), since, max(self._per_user, 1)
            )
            addresses = (
                await tx.recent_login_failures(ADDRESS, key_of(address), since, self._per_address)
                if self._per_address > 0
                else []
            )
        wait = max(
            wait_for(users, self._per_user, self._window, now),
            wait_for(addresses, self._per_address, self._window, now),
        )
        return (math.ceil(wait) if wait > 0 else 0), bool(users)

    async def failed(self, username: str, address: str, now: datetime) -> None:
        """Count a failed login of `username` from `address`."""
        keys = [
            (kind, key_of(text))
            for kind, text, limit in (
                (USER, username, self._per_user),
                (ADDRESS, address, self._per_address),
            )
            if limit > 0
        ]
        if not keys:
            return
        async with self._storage.transaction() as tx:
            await tx.record_login_failure(keys, now, now - timedelta(seconds=self._window))

    async def succeeded(self, username: str) -> None:
        """A correct password clears the username's failures (the address's still count)."""
        async with self._storage.transaction() as tx:
            await tx.forget_login_failures(USER, key_of(username))
