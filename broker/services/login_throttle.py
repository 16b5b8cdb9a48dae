"""Throttling of failed basic-auth logins, per username and per network address.

Each password check costs an scrypt hash (tens of milliseconds of CPU and 16 MiB), so a caller
guessing passwords slows every other caller down, besides guessing. Once a username, or an
address, has `limit` failures within the last `window` seconds, further attempts for it are
refused (429 with `Retry-After`) before any hashing, until its oldest failure in the window
ages out. A different username from a different address is unaffected, and a success never
counts. State lives in this process only and is bounded: at most `max_keys` usernames and as
many addresses are tracked (the least recently failing are forgotten first), each with at most
`limit` failure times.
"""

from __future__ import annotations

import hashlib
import math
from collections import OrderedDict, deque

DEFAULT_FAILURES_PER_USER = 10
DEFAULT_FAILURES_PER_ADDRESS = 30
DEFAULT_WINDOW_SECONDS = 60
DEFAULT_MAX_KEYS = 10_000


class _Failures:
    """The recent failure times of each key, newest keys last."""

    def __init__(self, limit: int, window: float, max_keys: int) -> None:
        self._limit = limit
        self._window = window
        self._max_keys = max_keys
        self._times: OrderedDict[bytes, deque[float]] = OrderedDict()

    def _recent(self, key: bytes, now: float) -> deque[float] | None:
        times = self._times.get(key)
        if times is None:
            return None
        while times and now - times[0] >= self._window:
            times.popleft()
        if not times:
            del self._times[key]
            return None
        return times

    def wait(self, key: bytes, now: float) -> float:
        """Seconds until `key` may try again (0 when it may now)."""
        times = self._recent(key, now)
        if self._limit <= 0 or times is None or len(times) < self._limit:
            return 0.0
        return times[0] + self._window - now

    def add(self, key: bytes, now: float) -> None:
        if self._limit <= 0:
            return
        times = self._recent(key, now)
        if times is None:
            times = self._times[key] = deque(maxlen=self._limit)
        times.append(now)
        self._times.move_to_end(key)
        while len(self._times) > self._max_keys:
            self._times.popitem(last=False)

    def forget(self, key: bytes) -> None:
        self._times.pop(key, None)

    def __len__(self) -> int:
        return len(self._times)


def _key(text: str) -> bytes:
    # A fixed-size key, so a megabyte of username costs no more memory than a short one.
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class LoginThrottle:
    """Failed logins per username and per address over a sliding window.

    Args:
        per_user: failures of one username within `window` before it is refused (0: no limit).
        per_address: failures from one address within `window` before it is refused (0: none).
        window: seconds a failure counts for.
        max_keys: usernames (and, separately, addresses) tracked at most.
    """

    def __init__(
        self,
        *,
        per_user: int = DEFAULT_FAILURES_PER_USER,
        per_address: int = DEFAULT_FAILURES_PER_ADDRESS,
        window: float = DEFAULT_WINDOW_SECONDS,
        max_keys: int = DEFAULT_MAX_KEYS,
    ) -> None:
        self._users = _Failures(per_user, window, max_keys)
        self._addresses = _Failures(per_address, window, max_keys)

    def retry_after(self, username: str, address: str, now: float) -> int:
        """Whole seconds until this username from this address may try (0: it may now)."""
        wait = max(self._users.wait(_key(username), now), self._addresses.wait(_key(address), now))
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, username: str, address: str, now: float) -> None:
        """Count a failed login of `username` from `address`."""
        self._users.add(_key(username), now)
        self._addresses.add(_key(address), now)

    def succeeded(self, username: str) -> None:
        """A correct password clears the username's failures (the address's still count)."""
        self._users.forget(_key(username))

    def tracked(self) -> tuple[int, int]:
        """How many usernames and addresses have failures held in memory."""
        return len(self._users), len(self._addresses)
