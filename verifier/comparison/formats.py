"""The string and number formats schemas can name, checked as the comparator's validator does.

Formats the engine does not know (Stripe's `unix-time`, for one) are not checked, which is what
JSON Schema asks of a validator that does not know a format.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
import uuid
from typing import Any

from jsonschema import FormatChecker  # type: ignore[import-untyped]  # no py.typed

from verifier._regex import Dialect, is_valid

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TIME = re.compile(r"^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(z|[+-]\d{2}(?::?\d{2})?)$", re.IGNORECASE)
_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
    re.IGNORECASE,
)
_URI = re.compile(r"^[a-z][a-z0-9+.-]*:[^\s]*$", re.IGNORECASE)
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_date(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    found = _DATE.match(value)
    if not found:
        return False
    year, month, day = (int(part) for part in found.groups())
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if not 1 <= month <= len(_DAYS):
        return False
    days = 28 if month == 2 and not leap else _DAYS[month - 1]  # noqa: PLR2004  # February
    return 1 <= day <= days


def _is_time(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    found = _TIME.match(value)
    if not found:
        return False
    hour, minute, second = int(found.group(1)), int(found.group(2)), int(found.group(3))
    return hour <= 23 and minute <= 59 and second <= 60  # noqa: PLR2004  # clock limits


def _is_date_time(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    date, separator, time = value.replace("t", "T").replace(" ", "T").partition("T")
    return bool(separator) and _is_date(date) and _is_time(time)


def _is_email(value: Any) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.match(value))


def _is_uri(value: Any) -> bool:
    return not isinstance(value, str) or bool(_URI.match(value))


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return len(value.removeprefix("urn:uuid:")) == 36  # noqa: PLR2004  # the hyphenated form


def _is_ipv4(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True


def _is_ipv6(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


def _is_byte(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _is_int32(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return True
    return float(value).is_integer() and -(2**31) <= value < 2**31


def _is_int64(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return True
    return float(value).is_integer() and abs(value) <= 2**53 - 1


def _is_regex(value: Any) -> bool:
    return not isinstance(value, str) or is_valid(value, Dialect.ECMA)


checker = FormatChecker(formats=())
for _name, _check in {
    "date": _is_date,
    "time": _is_time,
    "date-time": _is_date_time,
    "email": _is_email,
    "uri": _is_uri,
    "uuid": _is_uuid,
    "ipv4": _is_ipv4,
    "ipv6": _is_ipv6,
    "byte": _is_byte,
    "int32": _is_int32,
    "int64": _is_int64,
    "regex": _is_regex,
}.items():
    checker.checks(_name)(_check)
