"""How pages write times: an exact UTC timestamp, and a coarse age a person reads at a glance."""

from __future__ import annotations

from datetime import UTC, datetime

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_UNITS = ((365 * _DAY, "year"), (30 * _DAY, "month"), (_DAY, "day"), (_HOUR, "hour"))


def timestamp(moment: datetime) -> str:
    """`2026-12-03 16:37 UTC`: to the minute, in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def iso(moment: datetime) -> str:
    """The moment in ISO 8601 for `<time datetime>`."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def age(moment: datetime, now: datetime) -> str:
    """How long ago `moment` was, in the largest whole unit: "3 hours ago", "just now".

    Under a minute reads "just now", so a page shows the same text for a while.
    """
    seconds = int((now - moment).total_seconds())
    if seconds < _MINUTE:
        return "just now"
    for size, unit in _UNITS:
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    minutes = seconds // _MINUTE
    return f"{minutes} minute{'' if minutes == 1 else 's'} ago"
