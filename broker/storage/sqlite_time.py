"""How the SQLite adapter writes times.

UTC ISO-8601 text with microseconds: it sorts as time does and reads back to the same aware
datetime.
"""

from __future__ import annotations

from datetime import UTC, datetime


def to_text(moment: datetime) -> str:
    """A UTC ISO-8601 string with microseconds."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    """The inverse of `to_text`."""
    return datetime.fromisoformat(text)
