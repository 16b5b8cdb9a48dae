"""Deprecation and sunset dates: what makes removing an operation or a parameter acceptable.

oasdiff's rules: removing something that was never deprecated breaks clients; removing it
after it was deprecated is fine once its `x-sunset` date has passed (or when it had none), and
breaks them before. An `x-sunset` that is not a date is an error of its own, and so is dropping
the sunset of something still deprecated. Operations marked `x-stability-level: alpha` or
`draft` promise nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

Sunset = Literal["none", "invalid", "past", "future"]
_UNSTABLE = {"alpha", "draft"}


def sunset(item: dict[str, Any], today: date) -> Sunset:
    """Whether `item` (an operation or a parameter) has an `x-sunset`, and when it falls."""
    raw = item.get("x-sunset")
    if raw is None:
        return "none"
    try:
        when = date.fromisoformat(str(raw)[:10])
    except ValueError:
        return "invalid"
    return "past" if when <= today else "future"


def deprecated(item: dict[str, Any]) -> bool:
    """True when `item` is marked `deprecated: true`."""
    return item.get("deprecated") is True


def unstable(operation: dict[str, Any]) -> bool:
    """True for operations whose stability level promises nothing (alpha, draft)."""
    return str(operation.get("x-stability-level", "")).lower() in _UNSTABLE


def removal(item: dict[str, Any], today: date) -> str:
    """How removing `item` is judged.

    Returns:
        `without-deprecation`, `sunset-parse`, `before-sunset` or `with-deprecation`.
    """
    if not deprecated(item):
        return "without-deprecation"
    when = sunset(item, today)
    if when == "invalid":
        return "sunset-parse"
    return "before-sunset" if when == "future" else "with-deprecation"


def sunset_change(base: dict[str, Any], revision: dict[str, Any], today: date) -> str | None:
    """What changed in the sunset of an item deprecated in both versions.

    Returns:
        `deleted`, `parse` (a date that cannot be read), `too-small` (moved earlier) or None.
    """
    if not (deprecated(base) and deprecated(revision)):
        return None
    before, after = sunset(base, today), sunset(revision, today)
    if before != "none" and after == "none":
        return "deleted"
    if "invalid" in (before, after) and base.get("x-sunset") != revision.get("x-sunset"):
        return "parse"
    if before != "none" and after != "none":
        old = str(base["x-sunset"])[:10]
        new = str(revision["x-sunset"])[:10]
        if new < old and after == "future":
            return "too-small"
    return None
