"""Method, path, query, headers, status and message metadata: everything but the body."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, unquote

from verifier._matching import contenttypes, engine, rules, ruleset
from verifier._matching.bodies import Multimap, compare_multimap
from verifier._matching.engine import Walk
from verifier._matching.mismatch import Mismatch, MismatchKind
from verifier._matching.ruleset import Category
from verifier._matching.values import JSONObject, JSONValue, render

_MEDIA_TYPE_HEADERS = frozenset({"content-type", "accept"})


def compare_method(expected: JSONValue, actual: JSONValue) -> list[Mismatch]:
    """Methods compare without case (every spec version)."""
    if expected is None or str(expected).upper() == str(actual).upper():
        return []
    return [_simple("method", "method", expected, actual, f"method {expected!r}")]


def compare_path(expected: JSONValue, actual: JSONValue, category: Category) -> list[Mismatch]:
    """Paths compare exactly (a trailing slash matters), or by the `path` rules (V3+)."""
    if expected is None:
        return []
    rule_list = next(iter(category.values()), None)
    if rule_list is not None:
        failure = rules.apply(rule_list, expected, actual, is_text=True)
    else:
        failure = None if expected == actual else f"path {expected!r}"
    return [] if failure is None else [_simple("path", "path", expected, actual, failure)]


def compare_status(expected: JSONValue, actual: JSONValue, category: Category) -> list[Mismatch]:
    """The status equals, or passes the `statusCode` rule of V4's `status` category."""
    rule_list = next(iter(category.values()), None)
    if rule_list is not None:
        failure = rules.apply(rule_list, expected, actual, is_text=True)
    elif expected is None:
        failure = None
    else:
        failure = None if expected == actual else f"status {expected}"
    return [] if failure is None else [_simple("status", "status", expected, actual, failure)]


def _simple(
    kind: MismatchKind, path: str, expected: JSONValue, actual: JSONValue, phrase: str
) -> Mismatch:
    return Mismatch(
        kind=kind,
        path=path,
        expected=expected,
        actual=actual,
        description=f"{path}: expected {phrase} but got {render(actual)}",
    )


def to_multimap(query: JSONValue) -> Multimap:
    """A query as a string (V2) or a map of value lists (V3+) -> name -> values."""
    if isinstance(query, str):
        found: Multimap = {}
        for name, value in parse_qsl(query, keep_blank_values=True):
            found.setdefault(name, []).append(value)
        return found
    if isinstance(query, dict):
        return {
            name: [str(item) for item in values] if isinstance(values, list) else [str(values)]
            for name, values in query.items()
        }
    return {}


def compare_query(
    expected: JSONValue, actual: JSONValue, category: Category, spec: str
) -> list[Mismatch]:
    """Compare query strings.

    V1 compares them as text; later versions compare parameters, ignoring their order but not
    the order of one parameter's values.
    """
    if spec == "1":
        # V1 compares the strings (so order matters) after percent-decoding both.
        wanted = unquote(expected) if isinstance(expected, str) else ""
        got = unquote(actual) if isinstance(actual, str) else ""
        if wanted == got:
            return []
        return [_simple("query", "query", wanted, got, f"the query string {wanted!r}")]
    walk = Walk(rules={}, allow_unexpected_keys=False, root="$.query", kind="query")
    return compare_multimap(
        walk,
        to_multimap(expected),
        to_multimap(actual),
        lambda name: ruleset.for_name(category, name),
    )


def _header_values(value: JSONValue) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [str(item) for item in items if item is not None]


def _split(values: list[str]) -> list[str]:
    # RFC 9110 §5.3: a list-valued header may be split over lines or joined by commas.
    return [part.strip() for value in values for part in value.split(",")]


def headers_by_name(headers: JSONValue) -> dict[str, tuple[str, list[str]]]:
    """Lower-cased name -> (name as written, values)."""
    if not isinstance(headers, dict):
        return {}
    return {name.lower(): (name, _header_values(value)) for name, value in headers.items()}


def compare_headers(expected: JSONValue, actual: JSONValue, category: Category) -> list[Mismatch]:
    """Every expected header is present with the expected value; extra headers are allowed.

    Names compare without case. Values compare per comma-separated item, in order, ignoring
    the spaces around commas; `Content-Type` and `Accept` compare as media types, where the
    actual value may add parameters. A header's rules apply to each of its values.
    """
    found: list[Mismatch] = []
    got = headers_by_name(actual)
    for key, (name, wanted) in headers_by_name(expected).items():
        if key not in got:
            found.append(
                Mismatch(
                    kind="header",
                    path=name,
                    expected=", ".join(wanted),
                    actual=None,
                    description=f"{name}: expected the header {name!r} with "
                    f"{', '.join(wanted)!r} but it was missing",
                )
            )
            continue
        values = got[key][1]
        failure = _header_failure(key, wanted, values, category)
        if failure is not None:
            shown = ", ".join(values)
            found.append(
                Mismatch(
                    kind="header",
                    path=name,
                    expected=", ".join(wanted),
                    actual=shown,
                    description=f"{name}: expected {failure} but got {shown!r}",
                )
            )
    return found


def _header_failure(
    key: str, wanted: list[str], values: list[str], category: Category
) -> str | None:
    rule_list = ruleset.for_name(category, key, ignore_case=True)
    if rule_list is not None:
        if len(wanted) <= 1:
            return rules.apply(rule_list, ", ".join(wanted), ", ".join(values), is_text=True)
        for index, value in enumerate(values):
            failure = rules.apply(
                rule_list, wanted[min(index, len(wanted) - 1)], value, is_text=True
            )
            if failure is not None:
                return failure
        return None
    shown = repr(", ".join(wanted))
    if key in _MEDIA_TYPE_HEADERS:
        left = _split(wanted) if key == "accept" else wanted
        right = _split(values) if key == "accept" else values
        ok = len(left) == len(right) and all(
            contenttypes.same(one, other) for one, other in zip(left, right, strict=True)
        )
        return None if ok else shown
    return None if _split(wanted) == _split(values) else shown


def content_type_of(headers: JSONValue) -> str | None:
    """The `Content-Type` header's value, if any."""
    found = headers_by_name(headers).get("content-type")
    return found[1][0] if found and found[1] else None


_METADATA_CONTENT_TYPE = frozenset({"contenttype", "content-type", "content_type"})


def content_type_in_metadata(metadata: JSONValue) -> str | None:
    """A message's content type from its metadata (`contentType` or `Content-Type`)."""
    if not isinstance(metadata, dict):
        return None
    for key, value in metadata.items():
        if key.lower() in _METADATA_CONTENT_TYPE and isinstance(value, str):
            return value
    return None


def compare_metadata(
    expected: Mapping[str, JSONValue], actual: JSONObject, category: Category
) -> list[Mismatch]:
    """Every expected metadata key is present and matches; extra keys are allowed."""
    walk = Walk(rules={}, allow_unexpected_keys=True, root="$.metadata", kind="metadata")
    found: list[Mismatch] = []
    for key, value in expected.items():
        if key not in actual:
            found.append(
                engine.mismatch(
                    walk, (key,), value, None, f"expected {render(value)} but the key was missing"
                )
            )
            continue
        got = actual[key]
        rule_list = ruleset.for_name(category, key)
        if rule_list is not None:
            failure = rules.apply(rule_list, value, got, is_text=True)
            if failure is not None:
                found.append(engine.failed(walk, (key,), value, got, failure))
        elif key.lower() in _METADATA_CONTENT_TYPE and isinstance(value, str):
            if not (isinstance(got, str) and contenttypes.same(value, got)):
                found.append(engine.failed(walk, (key,), value, got, repr(value)))
        else:
            found += engine.compare(walk, value, got, (key,))
    return found
