"""Date and time patterns as the Pact specification writes them (Java `SimpleDateFormat`).

A pattern such as `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` becomes a regular expression with a named group
per field; a value matches when the expression matches it whole and the fields make a real date
(no 31 April, no hour 25). The pattern comes from a pact, and runs of digits side by side
(`ydydyd…`) split a long number in exponentially many ways, so RE2 runs the expression
(`verifier/_regex.py`), in time linear in the value. Pattern letters follow
https://docs.oracle.com/javase/8/docs/api/java/text/SimpleDateFormat.html
"""

from __future__ import annotations

import calendar
import datetime
import functools

from verifier._errors import VerifierError
from verifier._regex import Dialect, Regex, RegexError, compile_regex, escape

_MONTHS = "|".join(calendar.month_name[1:] + calendar.month_abbr[1:])
_DAYS = "|".join(list(calendar.day_name) + list(calendar.day_abbr))
_ZONE_NAME = r"[A-Z]{2,5}|GMT[+-]\d{1,2}(?::?\d{2})?|UTC|Z"


_TWO = 2
_FOUR = 4
_NAMES_FROM = 3  # MMM and MMMM are month names, M and MM numbers


def _year(count: int) -> str:
    return r"\d{2}" if count == _TWO else r"\d{4}" if count == _FOUR else r"\d{1,9}"


def _offset(count: int, *, allows_z: bool) -> str:
    shape = {1: r"[+-]\d{2}", _TWO: r"[+-]\d{4}"}.get(count, r"[+-]\d{2}:\d{2}")
    return f"Z|{shape}" if allows_z else shape


def _letter(letter: str, count: int) -> tuple[str, str | None] | None:
    """Regex for a run of one pattern letter, and the field it fills (None for text only)."""
    digits = f"\\d{{{count}}}" if count > 1 else r"\d{1,2}"
    if letter in {"M", "L"}:
        return (_MONTHS, None) if count >= _NAMES_FROM else (digits, "month")
    table: dict[str, tuple[str, str | None]] = {
        "G": ("AD|BC", None),
        "y": (_year(count), "year"),
        "Y": (_year(count), None),
        "u": (r"[1-7]", None),
        "D": (r"\d{1,3}", None),
        "w": (r"\d{1,2}", None),
        "W": (r"\d", None),
        "F": (r"\d", None),
        "E": (_DAYS, None),
        "a": ("AM|PM|am|pm", None),
        "d": (digits, "day"),
        "H": (digits, "hour"),
        "k": (digits, "hour24"),
        "K": (digits, "hour12"),
        "h": (digits, "hour12"),
        "m": (digits, "minute"),
        "s": (digits, "second"),
        "S": (f"\\d{{{count}}}", None),
        "n": (r"\d{1,9}", None),
        "z": (_ZONE_NAME, None),
        "Z": (r"[+-]\d{4}|Z", None),
        "X": (_offset(count, allows_z=True), None),
        "x": (_offset(count, allows_z=False), None),
        "V": (r"[A-Za-z_]+(?:/[A-Za-z_]+)*|Z|UTC", None),
    }
    return table.get(letter)


class PatternError(VerifierError, ValueError):
    """A date or time pattern that cannot be understood."""


@functools.lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> Regex:
    """Turn a SimpleDateFormat pattern into a regular expression with named field groups.

    Raises:
        PatternError: When the pattern uses a letter this module does not know, or makes an
            expression too large to run.
    """
    out: list[str] = []
    used: set[str] = set()
    position = 0
    while position < len(pattern):
        char = pattern[position]
        if char == "'":
            end = pattern.find("'", position + 1)
            if end == position + 1:  # '' is a literal quote
                out.append("'")
                position += 2
                continue
            if end < 0:
                raise PatternError(f"unclosed quote in date pattern {pattern!r}")
            out.append(escape(pattern[position + 1 : end].replace("''", "'")))
            position = end + 1
            continue
        if char.isalpha():
            run = position
            while run < len(pattern) and pattern[run] == char:
                run += 1
            found = _letter(char, run - position)
            if found is None:
                raise PatternError(f"unknown letter {char!r} in date pattern {pattern!r}")
            expression, field = found
            if field is not None and field not in used:
                used.add(field)
                out.append(f"(?P<{field}>{expression})")
            else:
                out.append(f"(?:{expression})")
            position = run
            continue
        out.append(escape(char))
        position += 1
    try:
        return compile_regex("".join(out), Dialect.RE2)
    except RegexError as error:
        raise PatternError(f"the date pattern {pattern!r} is too large to match") from error


def _valid_fields(fields: dict[str, str | None]) -> bool:
    numbers = {name: int(text) for name, text in fields.items() if text is not None}
    limits = {"hour": (0, 23), "hour24": (1, 24), "hour12": (0, 12), "minute": (0, 59)}
    limits["second"] = (0, 60)  # a leap second is allowed
    for name, (low, high) in limits.items():
        if name in numbers and not low <= numbers[name] <= high:
            return False
    month = numbers.get("month", 1)
    day = numbers.get("day", 1)
    year = numbers.get("year", 2000)
    try:
        datetime.date(max(year, 1), month, day)
    except ValueError:
        return False
    return True


def matches(pattern: str, value: str) -> bool:
    """Whether `value` is a date/time written in `pattern`.

    Raises:
        PatternError: When the pattern is not understood.
    """
    fields = compile_pattern(pattern).named_groups(value)
    return fields is not None and _valid_fields(fields)


def is_iso_datetime(value: str) -> bool:
    """ISO 8601 date-time, the default of the `timestamp`/`datetime` matcher."""
    try:
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value or " " in value


def is_iso_date(value: str) -> bool:
    """ISO 8601 calendar date (`yyyy-MM-dd`), the default of the `date` matcher."""
    return matches("yyyy-MM-dd", value)


def is_iso_time(value: str) -> bool:
    """ISO 8601 time (`HH:mm:ss` with optional fraction and offset), the `time` default."""
    try:
        datetime.time.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True
