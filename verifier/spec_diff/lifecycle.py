"""Deprecation and sunset dates: what makes removing an operation or a parameter acceptable.

oasdiff's rules: removing something that was never deprecated breaks clients; removing it
after it was deprecated is fine once its `x-sunset` date has passed (or when it had none), and
breaks them before. An `x-sunset` that is not a date is an error of its own, and so is dropping
the sunset of something still deprecated. Operations marked `x-stability-level: alpha` or
`draft` promise nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

Sunset = Literal["none", "invalid", "past", "future"]
_UNSTABLE = {"alpha", "draft"}


@dataclass(frozen=True, slots=True)
class DeprecationPolicy:
    """How many days' notice a deprecation must give, by stability level.

    oasdiff's `--deprecation-days-beta` and `--deprecation-days-stable`. With a policy,
    deprecating without an `x-sunset` is an error, and so is a sunset closer than the policy's
    days. Without one (the default, as in oasdiff's own tests) any sunset,
    or none, is accepted. Draft and alpha items need no notice.
    """

    beta_days: int = 31
    stable_days: int = 180

    def days(self, stability: str) -> int:
        """The notice an item of `stability` needs (no level counts as stable)."""
        if stability in _UNSTABLE:
            return 0
        return self.beta_days if stability == "beta" else self.stable_days


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})"
)
_LEVELS = ("draft", "alpha", "beta", "stable")


def sunset_date(raw: Any) -> date | None:
    """The date an `x-sunset` value names, or None when it is not one.

    oasdiff's reading: a full date (`2027-06-30`) or an RFC 3339 date-time, whose date part
    counts. A YAML date (unquoted `2027-06-30`) is the same date. Anything else, a date with
    text after it included, is not a date and is never read as one.
    """
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str):
        return None
    match = _DATE.fullmatch(raw) or _DATE_TIME.fullmatch(raw)
    if match is None:
        return None
    try:
        when = date.fromisoformat(match.group(1) if match.re is _DATE_TIME else raw)
        if match.re is _DATE_TIME:
            datetime.fromisoformat(raw.replace("z", "Z"))  # the time part must be valid too
    except ValueError:
        return None
    return when


def sunset(item: dict[str, Any], today: date) -> Sunset:
    """Whether `item` (an operation, a parameter, a property) has an `x-sunset`, and when."""
    if "x-sunset" not in item:
        return "none"
    when = sunset_date(item["x-sunset"])
    if when is None:
        return "invalid"
    return "past" if when <= today else "future"


def stability(item: dict[str, Any]) -> str | None:
    """`item`'s `x-stability-level` (`stable` when it has none), None when it is no level.

    The levels are `draft`, `alpha`, `beta` and `stable`.
    """
    raw = item.get("x-stability-level")
    if raw is None:
        return "stable"
    return raw if raw in _LEVELS else None


def stability_change(base: dict[str, Any], revision: dict[str, Any]) -> str | None:
    """`decreased` or `increased` when both stability levels are valid and differ."""
    before, after = stability(base), stability(revision)
    if before is None or after is None or before == after:
        return None
    return "decreased" if _LEVELS.index(after) < _LEVELS.index(before) else "increased"


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


def deprecation(
    item: dict[str, Any], today: date, policy: DeprecationPolicy | None, level: str | None = None
) -> str:
    """How a newly deprecated `item` is judged (oasdiff's deprecation check).

    `level` is the stability the notice depends on (the item's own by default).

    Returns:
        `sunset-missing` (a policy asks for a sunset), `sunset-parse`, `too-small` (less notice
        than the policy asks, or a sunset already past), `with-sunset` or `deprecated`.
    """
    days = policy.days(level or stability(item) or "stable") if policy else 0
    if "x-sunset" not in item:
        return "sunset-missing" if days > 0 else "deprecated"
    when = sunset_date(item["x-sunset"])
    if when is None:
        return "sunset-parse"
    return "too-small" if (when - today).days < days else "with-sunset"


def sunset_change(
    base: dict[str, Any],
    revision: dict[str, Any],
    today: date,
    policy: DeprecationPolicy | None = None,
) -> str | None:
    """What changed in the sunset of an item deprecated in both versions.

    Returns:
        `deleted`, `parse` (a date that cannot be read), `too-small` (moved earlier, leaving
        less notice than the policy asks, or into the past) or None.
    """
    if not (deprecated(base) and deprecated(revision)):
        return None
    before, after = sunset(base, today), sunset(revision, today)
    if before != "none" and after == "none":
        return "deleted"
    if "invalid" in (before, after) and base.get("x-sunset") != revision.get("x-sunset"):
        return "parse"
    old, new = sunset_date(base.get("x-sunset")), sunset_date(revision.get("x-sunset"))
    if old is None or new is None or new >= old:
        return None
    days = policy.days(stability(revision) or "stable") if policy else 0
    return "too-small" if (new - today).days < days else None
