r"""One function per matcher of the Pact specification, V2 to V4, and their AND/OR combination.

Each check takes the matcher's definition, the expected example and the actual value, and
returns None when the value passes or a phrase saying what was expected ("a string matching
/\\d+/"). The engine turns phrases into mismatches with the path and the actual value.
Matchers: https://github.com/pact-foundation/pact-specification/tree/version-4#matchers
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import NamedTuple, TypeAlias

import semver

from verifier._matching import contenttypes, formats
from verifier._matching.ruleset import RuleList
from verifier._matching.values import JSONObject, JSONValue, kind_of, render, same_value
from verifier._regex import Dialect, RegexError, compile_regex

Value: TypeAlias = JSONValue | bytes
"""What a check may see: JSON, text from headers and queries, or a raw body."""


class Context(NamedTuple):
    """Where a check runs.

    Attributes:
        is_exact: The rule's path names this value (not a parent of it): size bounds apply.
        is_text: The value is text by nature (header, query, path, XML, form field), so
            `integer`, `decimal`, `number` and `boolean` read it; in JSON "1" is a string.
    """

    is_exact: bool = True
    is_text: bool = False


Check: TypeAlias = Callable[[JSONObject, Value, Value, Context], str | None]
"""(matcher, expected, actual, context) -> None, or what was expected."""

_INTEGER = re.compile(r"-?\d+")
_DECIMAL = re.compile(r"-?\d*\.\d+|-?\d+\.\d*")
# One way to read each number (`\d+\.?\d*` splits a run of digits n ways: quadratic time).
_NUMBER = re.compile(r"-?(\d+(?:\.\d*)?|\.\d+)([eE][+-]?\d+)?")

TYPE_LIKE = frozenset({"type", "min", "max", "minmax", "minType", "maxType", "minMaxType"})
"""Matchers that compare arrays element by element against the first example."""

COLLECTION = frozenset({"values", "eachKey", "eachValue", "arrayContains"})
"""Matchers the engine applies while walking a collection, not to the value as a whole."""


def name_of(matcher: JSONObject) -> str:
    """The matcher's name, inferring it for V2 rules without `match` (`{"min": 1}` is type)."""
    named = matcher.get("match")
    if isinstance(named, str):
        return named
    if "regex" in matcher:
        return "regex"
    for key in ("timestamp", "date", "time"):
        if key in matcher:
            return key
    return "type" if "min" in matcher or "max" in matcher else "equality"


def _as_text(actual: Value) -> str | None:
    if isinstance(actual, bool):
        return "true" if actual else "false"
    if isinstance(actual, str):
        return actual
    if isinstance(actual, int | float):
        return render(actual)
    return None


def _bound(matcher: JSONObject, key: str) -> int | None:
    value = matcher.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def check_equality(
    matcher: JSONObject, expected: Value, actual: Value, context: Context
) -> str | None:
    """`equality`: the value equals the example (V3 uses it to undo an outer type matcher)."""
    return None if same_value(expected, actual) else f"{render(expected)} (equality)"


def check_type(matcher: JSONObject, expected: Value, actual: Value, context: Context) -> str | None:
    """`type` with optional `min`/`max`: same JSON type; arrays also within the size bounds.

    Bounds apply only where the rule's path names this value, not to values it reaches by
    prefix, so `$.items` with `min: 2` bounds `items`, not arrays nested in its elements.
    """
    if kind_of(expected) != kind_of(actual) and not (
        isinstance(expected, str) and isinstance(actual, bytes)
    ):
        return f"a value of type {kind_of(expected)} (like {render(expected)})"
    low, high = _bound(matcher, "min"), _bound(matcher, "max")
    if context.is_exact and isinstance(actual, list | dict):
        size = len(actual)
        if low is not None and size < low:
            return f"at least {low} item(s)"
        if high is not None and size > high:
            return f"at most {high} item(s)"
    return None


def check_regex(
    matcher: JSONObject, expected: Value, actual: Value, context: Context
) -> str | None:
    """`regex`: the whole value (as text) matches the expression, as Java's `matches` does."""
    pattern = str(matcher.get("regex", ""))
    text = _as_text(actual)
    try:
        ok = text is not None and compile_regex(pattern, Dialect.JAVA).fullmatch(text)
    except RegexError as error:
        return f"a value matching the regular expression {pattern!r} ({error.reason})"
    return None if ok else f"a value matching the regular expression {pattern!r}"


def check_include(
    matcher: JSONObject, expected: Value, actual: Value, context: Context
) -> str | None:
    """`include`: the value, as text, contains the matcher's `value`."""
    wanted = str(matcher.get("value", ""))
    text = _as_text(actual)
    return None if text is not None and wanted in text else f"a value including {wanted!r}"


def check_integer(
    matcher: JSONObject, expected: Value, actual: Value, context: Context
) -> str | None:
    """`integer`: a whole JSON number, or text of one (headers, queries, XML)."""
    if isinstance(actual, int) and not isinstance(actual, bool):
        return None
    if context.is_text and isinstance(actual, str) and _INTEGER.fullmatch(actual):
        return None
    return "an integer"


def check_decimal(
    matcher: JSONObject, expected: Value, actual: Value, context: Context
) -> str | None:
    """`decimal`: a JSON number with a fraction, or text of one."""
    if isinstance(actual, float):
        return None
    if context.is_text and isinstance(actual, str) and _DECIMAL.fullmatch(actual):
        return None
    return "a decimal number"


def check_number(
    matcher: JSONObject, expected: Value, actual: Value, context: Context
) -> str | None:
    """`number`: any JSON number, or text of one."""
    if isinstance(actual, int | float) and not isinstance(actual, bool):
        return None
    if context.is_text and isinstance(actual, str) and _NUMBER.fullmatch(actual):
        return None
    return "a number"


def check_boolean(
    matcher: JSONObject, expected: Value, actual: Value, context: Context
) -> str | None:
    """`boolean`: true or false, or the text `true`/`false`."""
    if isinstance(actual, bool) or (context.is_text and actual in ("true", "false")):
        return None
    return "a boolean"


def check_null(matcher: JSONObject, expected: Value, actual: Value, context: Context) -> str | None:
    """`null`: the value is null."""
    return None if actual is None else "null"


def _format_of(matcher: JSONObject, name: str) -> str | None:
    for key in ("format", name, "timestamp" if name == "datetime" else name):
        value = matcher.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _check_moment(matcher: JSONObject, actual: Value, name: str) -> str | None:
    pattern = _format_of(matcher, name)
    text = actual if isinstance(actual, str) else None
    label = "date-time" if name in {"timestamp", "datetime"} else name
    if pattern is None:
        default = {"date": formats.is_iso_date, "time": formats.is_iso_time}
        ok = text is not None and default.get(name, formats.is_iso_datetime)(text)
        return None if ok else f"an ISO 8601 {label}"
    try:
        ok = text is not None and formats.matches(pattern, text)
    except formats.PatternError as error:
        return f"a {label} (but the pattern is not valid: {error})"
    return None if ok else f"a {label} in the format {pattern!r}"


def check_date(matcher: JSONObject, expected: Value, actual: Value, context: Context) -> str | None:
    """`date`: a date in the matcher's `format` (SimpleDateFormat), ISO 8601 by default."""
    return _check_moment(matcher, actual, "date")


def check_time(matcher: JSONObject, expected: Value, actual: Value, context: Context) -> str | None:
    """`time`: a time in the matcher's `format`, ISO 8601 by default."""
    return _check_moment(matcher, actual, "time")


def check_datetime(
    matcher: JSONObject, expected: Value, actual: Value, context: Context
) -> str | None:
    """`timestamp` (V3) and `datetime` (V4): a date-time in the matcher's `format`."""
    return _check_moment(matcher, actual, "datetime")


def check_collection(
    matcher: JSONObject, expected: Value, actual: Value, context: Context
) -> str | None:
    """`values`, `eachKey`, `eachValue`, `arrayContains`: here only the container's kind.

    The engine applies them to the entries while it walks the collection.
    """
    name = name_of(matcher)
    wanted = "an array" if name == "arrayContains" else "an object" if name == "eachKey" else None
    if wanted is None:
        return None if isinstance(actual, dict | list) else "an object or an array"
    ok = isinstance(actual, list) if name == "arrayContains" else isinstance(actual, dict)
    return None if ok else wanted


def check_semver(
    matcher: JSONObject, expected: Value, actual: Value, context: Context
) -> str | None:
    """`semver`: a semantic version (https://semver.org), such as `1.2.3-rc.1`."""
    ok = isinstance(actual, str) and semver.Version.is_valid(actual)
    return None if ok else "a semantic version"


def check_content_type(
    matcher: JSONObject, expected: Value, actual: Value, context: Context
) -> str | None:
    """`contentType`: the body's bytes look like the matcher's `value` media type."""
    wanted = contenttypes.parse(str(matcher.get("value", ""))).essence
    if isinstance(actual, bytes):
        content = actual
    elif isinstance(actual, str):
        content = actual.encode()
    else:
        return None if contenttypes.is_json(wanted) else f"content of type {wanted}"
    found = contenttypes.sniff(content)
    same_family = contenttypes.is_json(wanted) and contenttypes.is_json(found)
    same_family = same_family or (contenttypes.is_xml(wanted) and contenttypes.is_xml(found))
    ok = same_family or found == wanted or (wanted.startswith("text/") and found == "text/plain")
    return None if ok else f"content of type {wanted} (it looks like {found})"


def check_not_empty(
    matcher: JSONObject, expected: Value, actual: Value, context: Context
) -> str | None:
    """`notEmpty`: present and not null, "", [] or {}; and of the example's type."""
    if actual is None or actual in ("", b"") or (isinstance(actual, list | dict) and not actual):
        return "a value that is not empty"
    if expected is not None and kind_of(expected) != kind_of(actual):
        return f"a non-empty value of type {kind_of(expected)}"
    return None


_STATUS_CLASSES = {
    "info": range(100, 200),
    "success": range(200, 300),
    "redirect": range(300, 400),
    "clientError": range(400, 500),
    "serverError": range(500, 600),
    "nonError": range(100, 400),
    "error": range(400, 600),
}


def check_status_code(
    matcher: JSONObject, expected: Value, actual: Value, context: Context
) -> str | None:
    """`statusCode`: a class of status (`success`, `clientError`, ...) or a list of codes."""
    wanted = matcher.get("status")
    code = actual if isinstance(actual, int) and not isinstance(actual, bool) else None
    if isinstance(wanted, list):
        return None if code in wanted else f"a status in {render(wanted)}"
    allowed = _STATUS_CLASSES.get(str(wanted))
    if allowed is None:
        return f"a status of the unknown class {render(wanted)}"
    return None if code is not None and code in allowed else f"a {wanted} status"


CHECKS: dict[str, Check] = {
    "equality": check_equality,
    "type": check_type,
    "min": check_type,
    "max": check_type,
    "minmax": check_type,
    "minType": check_type,
    "maxType": check_type,
    "minMaxType": check_type,
    "regex": check_regex,
    "include": check_include,
    "integer": check_integer,
    "decimal": check_decimal,
    "number": check_number,
    "boolean": check_boolean,
    "null": check_null,
    "date": check_date,
    "time": check_time,
    "timestamp": check_datetime,
    "datetime": check_datetime,
    "values": check_collection,
    "eachKey": check_collection,
    "eachValue": check_collection,
    "arrayContains": check_collection,
    "semver": check_semver,
    "contentType": check_content_type,
    "notEmpty": check_not_empty,
    "statusCode": check_status_code,
}


def apply(
    rules: RuleList,
    expected: Value,
    actual: Value,
    *,
    is_exact: bool = True,
    is_text: bool = False,
) -> str | None:
    """Run a rule list and combine the verdicts: AND needs all to pass, OR needs one.

    Returns:
        None when the value passes, else what was expected (failures joined).
    """
    context = Context(is_exact=is_exact, is_text=is_text)
    failures: list[str] = []
    for matcher in rules.matchers:
        name = name_of(matcher)
        check = CHECKS.get(name)
        failure = (
            f"a value for the unknown matcher {name!r}"
            if check is None
            else check(matcher, expected, actual, context)
        )
        if failure is None and rules.combine == "OR":
            return None
        if failure is not None:
            failures.append(failure)
    if not failures:
        return None
    return (" or " if rules.combine == "OR" else " and ").join(failures)


def decode_binary(content: str) -> bytes | None:
    """Base64 text of a V4 `encoded` body, or None when it is not base64."""
    try:
        return base64.b64decode(content, validate=True)
    except ValueError:
        return None
