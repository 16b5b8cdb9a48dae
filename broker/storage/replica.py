"""Whether browsing reads may go to the read replica now: how far behind it is, measured.

A hot standby's own clock cannot say how stale it is: `now() - pg_last_xact_replay_timestamp()`
grows while the primary is idle although nothing is missing, and a standby cut off from its
primary looks caught up with the little WAL it received. So the lag is measured against the
primary: at each check the broker notes the primary's WAL position (`pg_current_wal_lsn()`)
with the time it asked, then the standby's replayed position (`pg_last_wal_replay_lsn()`). A
standby that has replayed up to the position the primary had at time t holds every transaction
committed by t; its data is at most `now - t` old, the newest such t counting. An idle primary
adds no WAL, so its standby stays fresh; a paused or cut-off standby falls behind by the time
since the first commit it lacks.

Checks run at most once per `CHECK_INTERVAL` per process (when a browsing read finds the last
one older); a decision older than `DECISION_LIFETIME` (its check is stuck) sends reads to the
primary. This module decides only; `broker.storage.postgres` asks the databases.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Final, NamedTuple

CHECK_INTERVAL: Final = 1.0
DECISION_LIFETIME: Final = 3 * CHECK_INTERVAL

IN_USE: Final = "in use"
STARTING: Final = "starting"
LAGGING: Final = "lagging"
PAUSED: Final = "paused"
UNREACHABLE: Final = "unreachable"
NOT_A_STANDBY: Final = "not a standby"
PRIMARY_UNREACHABLE: Final = "primary unreachable"

STATES: Final = (IN_USE, STARTING, LAGGING, PAUSED, UNREACHABLE, NOT_A_STANDBY, PRIMARY_UNREACHABLE)
"""Every state a read replica is reported in; reads go to it only when `IN_USE`."""

log = logging.getLogger("broker.storage.replica")


class Standby(NamedTuple):
    """What one look at the replica found."""

    in_recovery: bool  # pg_is_in_recovery(): a hot standby
    replay_lsn: int | None  # pg_last_wal_replay_lsn() as a byte position
    paused: bool  # pg_is_wal_replay_paused()


class Freshness:
    """The primary's WAL positions over the last moments, to date a standby's replay position."""

    def __init__(self, keep: float) -> None:
        # (monotonic time asked, the primary's position then), oldest first; kept `keep` seconds.
        self._keep = keep
        self._seen: deque[tuple[float, int]] = deque()

    def primary_at(self, moment: float, lsn: int) -> None:
        """The primary was at `lsn` at `moment` (taken before asking it)."""
        self._seen.append((moment, lsn))
        while self._seen and self._seen[0][0] < moment - self._keep:
            self._seen.popleft()

    def lag(self, now: float, replay_lsn: int) -> float | None:
        """Seconds the standby's data is behind at most; None: more than the history holds."""
        for moment, lsn in reversed(self._seen):
            if lsn <= replay_lsn:
                return max(0.0, now - moment)
        return None


class Routing:
    """The replica's state, from the checks, and whether browsing reads go to it."""

    def __init__(self, max_lag: float, description: str) -> None:
        self.max_lag = max_lag
        self.description = description
        self.state = STARTING
        self.lag: float | None = None
        self.paused: bool | None = None
        self.reason = "not checked yet"
        self.checked_at: float | None = None
        # Twice the bound: a lag just over it is still measured, and reported.
        self._freshness = Freshness(keep=2 * max_lag + 2 * CHECK_INTERVAL)

    def due(self, now: float) -> bool:
        """Whether a check is due: none yet, or the last one is `CHECK_INTERVAL` old."""
        return self.checked_at is None or now - self.checked_at >= CHECK_INTERVAL

    def use_replica(self, now: float) -> bool:
        """Whether a browsing read starting now goes to the replica."""
        return (
            self.state == IN_USE
            and self.checked_at is not None
            and now - self.checked_at <= DECISION_LIFETIME
        )

    def observed(
        self, asked_primary: float, primary_lsn: int, now: float, standby: Standby
    ) -> None:
        """One check: the primary's position (asked at `asked_primary`), then the standby's."""
        self._freshness.primary_at(asked_primary, primary_lsn)
        self.paused = standby.paused
        if not standby.in_recovery or standby.replay_lsn is None:
            self.lag = None
            self._become(
                now, NOT_A_STANDBY, "it is not a hot standby (pg_is_in_recovery() is false)"
            )
            return
        self.lag = self._freshness.lag(now, standby.replay_lsn)
        if self.lag is not None and self.lag <= self.max_lag:
            self._become(now, IN_USE, f"{self.lag:.1f} s behind the primary")
            return
        behind = (
            f"more than {self._freshness_span():g} s" if self.lag is None else f"{self.lag:.1f} s"
        )
        state, why = (PAUSED, "its replay is paused and ") if standby.paused else (LAGGING, "")
        self._become(
            now,
            state,
            f"{why}it is {behind} behind the primary"
            f" (ACCORD_DATABASE_READ_MAX_LAG={self.max_lag:g})",
        )

    def unreachable(self, now: float, error: str) -> None:
        """The replica did not answer a check, or a read could not begin on it."""
        self.lag = None
        self._become(now, UNREACHABLE, f"it cannot be reached: {error}")

    def primary_unreachable(self, now: float) -> None:
        """The primary did not answer: the replica's lag cannot be measured."""
        self.lag = None
        self._become(
            now, PRIMARY_UNREACHABLE, "its lag cannot be measured: the primary does not answer"
        )

    def _freshness_span(self) -> float:
        return 2 * self.max_lag + 2 * CHECK_INTERVAL

    def _become(self, now: float, state: str, reason: str) -> None:
        self.checked_at = now
        before, self.state, self.reason = self.state, state, reason
        if state == before:
            return
        if state == IN_USE:
            log.info("Browsing reads go to the read replica %s again: %s", self.description, reason)
        elif before in {IN_USE, STARTING}:
            log.warning(
                "Browsing reads go to the primary, not the read replica %s: %s",
                self.description,
                reason,
            )
        else:
            log.warning("The read replica %s is still not used: %s", self.description, reason)
