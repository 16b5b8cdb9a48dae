"""Dates for the Date, Time and DateTime generators: Java patterns out, date expressions in.

A generator writes its value in a `SimpleDateFormat` pattern (`yyyy-MM-dd'T'HH:mm:ss`), and may
move the clock first with an expression such as `tomorrow`, `+ 2 days`, `next monday`,
`last december + 2 weeks`, `next month @ noon` or `@ + 1 hour`, as the V4 specification's
generators describe
(https://github.com/pact-foundation/pact-specification/tree/version-4#generators).
"""

from __future__ import annotations

import calendar
import datetime
import re
from typing import Literal

from verifier._errors import VerifierError

ExpressionKind = Literal["date", "time", "datetime"]

_TWO = 2
_THREE = 3
_FOUR = 4
_NOON = 12


class ExpressionError(VerifierError, ValueError):
    """A date or time expression that cannot be read."""


def _pad(number: int, count: int) -> str:
    return str(number).zfill(count)


def _offset(moment: datetime.datetime, count: int, *, allows_z: bool, colon: bool) -> str:
    delta = moment.utcoffset() or datetime.timedelta(0)
    minutes = int(delta.total_seconds() // 60)
    if minutes == 0 and allows_z:
        return "Z"
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    if count == 1:
        return f"{sign}{hours:02d}" + (f"{rest:02d}" if rest else "")
    return f"{sign}{hours:02d}:{rest:02d}" if colon else f"{sign}{hours:02d}{rest:02d}"


def _field(letter: str, count: int, moment: datetime.datetime) -> str | None:  # noqa: PLR0911
    """One run of a pattern letter, written for `moment`; None for an unknown letter."""
    if letter in {"y", "Y"}:
        year = moment.year if letter == "y" else moment.isocalendar().year
        return _pad(year % 100, 2) if count == _TWO else _pad(year, count)
    if letter in {"M", "L"}:
        if count >= _FOUR:
            return calendar.month_name[moment.month]
        return calendar.month_abbr[moment.month] if count == _THREE else _pad(moment.month, count)
    if letter == "E":
        weekday = moment.weekday()
        return calendar.day_name[weekday] if count >= _FOUR else calendar.day_abbr[weekday]
    if letter == "S":
        return _pad(moment.microsecond // 1000, count)[:count]
    if letter in {"X", "x", "Z"}:
        if letter == "Z":
            return _offset(moment, 2, allows_z=False, colon=False)
        return _offset(moment, count, allows_z=letter == "X", colon=count >= _THREE)
    hour12 = moment.hour % 12
    simple = {
        "G": "AD",
        "u": str(moment.isoweekday()),
        "d": _pad(moment.day, count),
        "D": _pad(moment.timetuple().tm_yday, count),
        "a": "AM" if moment.hour < _NOON else "PM",
        "H": _pad(moment.hour, count),
        "k": _pad(moment.hour or 24, count),
        "K": _pad(hour12, count),
        "h": _pad(hour12 or 12, count),
        "m": _pad(moment.minute, count),
        "s": _pad(moment.second, count),
        "n": str(moment.microsecond * 1000),
        "z": moment.tzname() or "UTC",
        "V": moment.tzname() or "UTC",
    }
    return simple.get(letter)


def format_moment(moment: datetime.datetime, pattern: str) -> str:
    """Write `moment` in a Java `SimpleDateFormat` pattern.

    Raises:
        ExpressionError: When the pattern has a letter this module cannot write.
    """
    out: list[str] = []
    position = 0
    while position < len(pattern):
        char = pattern[position]
        if char == "'":
            end = pattern.find("'", position + 1)
            if end == position + 1:
                out.append("'")
                position += 2
                continue
            if end < 0:
                raise ExpressionError(f"unclosed quote in date pattern {pattern!r}")
            out.append(pattern[position + 1 : end])
            position = end + 1
        elif char.isalpha():
            run = position
            while run < len(pattern) and pattern[run] == char:
                run += 1
            written = _field(char, run - position, moment)
            if written is None:
                raise ExpressionError(f"unknown letter {char!r} in date pattern {pattern!r}")
            out.append(written)
            position = run
        else:
            out.append(char)
            position += 1
    return "".join(out)


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """Move by whole months, keeping the day where the month has it (31 Jan + 1 = 28/29 Feb)."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


_DATE_UNITS = {"day": 1, "week": 7, "fortnight": 14}
_TIME_UNITS = {"hour": 3600.0, "minute": 60.0, "second": 1.0, "millisecond": 0.001}
_OFFSET = re.compile(r"([+-])\s*(\d+)\s*([a-z]+?)s?\b|(next|last)\s+([a-z]+?)s?\b")
_OCLOCK = re.compile(r"(\d{1,2})\s*o'?clock(?:\s*(am|pm))?")


_WEEKDAYS = [name.lower() for name in calendar.day_name]
_MONTHS = [name.lower() for name in calendar.month_name[1:]]


def _named(moment: datetime.datetime, step: int, name: str) -> datetime.datetime | None:
    """`next monday`, `last december`: the day or the first of the month after or before."""
    weekday = next((i for i, day in enumerate(_WEEKDAYS) if day.startswith(name)), None)
    if weekday is not None and len(name) >= _THREE:
        days = (weekday - moment.weekday()) % 7 or 7
        return moment + datetime.timedelta(days=days if step > 0 else days - 7 or -7)
    month = next((i for i, each in enumerate(_MONTHS) if each.startswith(name)), None)
    if month is not None and len(name) >= _THREE:
        months = (month + 1 - moment.month) % 12 or 12
        return add_months(moment, months if step > 0 else months - 12 or -12).replace(day=1)
    return None


def _move(moment: datetime.datetime, amount: int, unit: str, kind: str) -> datetime.datetime:
    if kind == "date" and abs(amount) == 1 and unit not in _DATE_UNITS:
        named = _named(moment, amount, unit)
        if named is not None:
            return named
    if kind == "date" and unit in _DATE_UNITS:
        return moment + datetime.timedelta(days=amount * _DATE_UNITS[unit])
    if kind == "date" and unit in {"month", "year"}:
        return add_months(moment, amount * (12 if unit == "year" else 1))
    if kind == "time" and unit in _TIME_UNITS:
        return moment + datetime.timedelta(seconds=amount * _TIME_UNITS[unit])
    raise ExpressionError(f"{unit!r} is not a {kind} unit")


def _base(text: str, moment: datetime.datetime, kind: str) -> tuple[datetime.datetime, str]:
    """Apply the expression's base (today, noon, 3 o'clock pm…); the rest of the text."""
    bases: dict[str, int | None] = (
        {"now": 0, "today": 0, "yesterday": -1, "tomorrow": 1}
        if kind == "date"
        else {"now": None, "midnight": 0, "noon": _NOON}
    )
    for word, value in bases.items():
        if text.startswith(word):
            rest = text[len(word) :]
            if value is None:
                return moment, rest
            if kind == "date":
                return moment + datetime.timedelta(days=value), rest
            return moment.replace(hour=value, minute=0, second=0, microsecond=0), rest
    found = _OCLOCK.match(text) if kind == "time" else None
    if found is not None:
        # As the Pact reference implementation reads it: "2 o'clock" is 14:00 and
        # "12 o'clock am" is 12:00; only "am" keeps the hour as written.
        hour = int(found.group(1))
        hour = hour if found.group(2) == "am" or hour >= _NOON else hour + _NOON
        return moment.replace(hour=hour, minute=0, second=0, microsecond=0), text[found.end() :]
    return moment, text


def _evaluate_part(text: str, moment: datetime.datetime, kind: str) -> datetime.datetime:
    text = text.strip().lower()
    moment, rest = _base(text, moment, kind)
    position = 0
    rest = rest.strip()
    while position < len(rest):
        found = _OFFSET.match(rest, position)
        if found is None:
            raise ExpressionError(f"cannot read {rest[position:]!r} in a {kind} expression")
        try:
            if found.group(1):
                amount = int(found.group(2)) * (1 if found.group(1) == "+" else -1)
                unit = found.group(3)
            else:
                amount = 1 if found.group(4) == "next" else -1
                unit = found.group(5)
            moment = _move(moment, amount, unit, kind)
        except (ValueError, OverflowError) as error:  # past year 9999, or too many digits
            if isinstance(error, ExpressionError):
                raise
            shown = found.group(0).strip()
            shown = shown if len(shown) <= 40 else f"{shown[:37]}..."  # noqa: PLR2004
            raise ExpressionError(f"{shown!r} in a {kind} expression is out of range") from None
        position = found.end()
        while position < len(rest) and rest[position] == " ":
            position += 1
    return moment


def evaluate(expression: str, moment: datetime.datetime, kind: ExpressionKind) -> datetime.datetime:
    """Move `moment` as a date, time or date-time expression says.

    A date-time expression is a date expression and a time expression joined by `@`
    (`tomorrow @ 10 o'clock`); either side may stand alone.

    Raises:
        ExpressionError: When the expression cannot be read.
    """
    if not expression.strip():
        return moment
    if kind != "datetime":
        return _evaluate_part(expression, moment, kind)
    if "@" in expression:
        date_part, time_part = expression.split("@", 1)
        return _evaluate_part(time_part, _evaluate_part(date_part, moment, "date"), "time")
    try:
        return _evaluate_part(expression, moment, "date")
    except ExpressionError:
        return _evaluate_part(expression, moment, "time")
