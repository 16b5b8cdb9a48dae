"""Bodies by content type: JSON, XML, form-urlencoded, plain text and binary (V4 `encoded`).

The content type comes from the expected part (V4 body `contentType`, the `Content-Type`
header, or message metadata), else from the actual part, else from the body's own look.
A missing expected body means "any body"; an empty or null one means "no body".
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from urllib.parse import parse_qsl

import msgspec

from verifier._matching import contenttypes, engine, rules, ruleset, xmlbody
from verifier._matching.engine import Walk
from verifier._matching.mismatch import Mismatch
from verifier._matching.ruleset import RuleList
from verifier._matching.values import JSONValue, render
from verifier.comparison.documents import MAX_DEPTH, check_tree_bounds

# An actual body holds no aliases: its node count is its size, which its bytes already bound.
_MAX_BODY_NODES = 50_000_000

Multimap = dict[str, list[str]]
"""Query parameters or form fields: name -> values in order."""

_V4_BODY_KEYS = frozenset({"content", "contentType", "encoded", "contentTypeHint"})


class Body(msgspec.Struct, frozen=True, kw_only=True):
    """A body with what is known of it: content, media type, and whether it is present."""

    content: JSONValue | bytes
    content_type: str | None
    is_present: bool


def unwrap(part: Mapping[str, JSONValue], key: str, spec: str, content_type: str | None) -> Body:
    """Read the body under `key`, unwrapping the V4 `{content, contentType, encoded}` form."""
    if key not in part:
        return Body(content=None, content_type=content_type, is_present=False)
    raw = part[key]
    if spec == "4" and isinstance(raw, dict) and raw and raw.keys() <= _V4_BODY_KEYS:
        declared = raw.get("contentType")
        kind = declared if isinstance(declared, str) else content_type
        content: JSONValue | bytes = raw.get("content")
        if raw.get("encoded") in {"base64", True} and isinstance(content, str):
            decoded = rules.decode_binary(content)
            content = decoded if decoded is not None else content
        elif raw.get("encoded") == "json" and isinstance(content, str):
            content = _json_or_none(content)
        return Body(content=content, content_type=kind, is_present="content" in raw)
    return Body(content=raw, content_type=content_type, is_present=True)


def _json_or_none(text: str | bytes) -> JSONValue:
    try:
        value: JSONValue = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value


def _is_empty(body: Body) -> bool:
    return not body.is_present or body.content in (None, "", b"")


def _guess(content: JSONValue | bytes) -> str:
    if isinstance(content, dict | list | int | float | bool):
        return "application/json"
    if isinstance(content, bytes):
        return contenttypes.sniff(content)
    text = (content or "").strip()
    return "application/xml" if text.startswith("<") and text.endswith(">") else "text/plain"


def compare(walk: Walk, expected: Body, actual: Body) -> list[Mismatch]:
    """Compare two bodies under the body rules of `walk`."""
    root = ruleset.select(walk.rules, ())
    if not expected.is_present or expected.content in (None, "", b""):
        return _compare_to_no_example(walk, expected, actual, root)
    if _is_empty(actual):
        return [
            engine.mismatch(
                walk,
                (),
                _shown(expected),
                None,
                f"expected {render(_shown(expected))} but got no body",
            )
        ]
    if root is not None and root.is_exact and _has(root.rules, "contentType"):
        failure = rules.apply(root.rules, _shown(expected), _raw(actual.content))
        return [] if failure is None else [engine.failed(walk, (), None, _shown(actual), failure)]
    return _compare_content(walk, expected, actual)


def _compare_to_no_example(
    walk: Walk, expected: Body, actual: Body, root: ruleset.Selected | None
) -> list[Mismatch]:
    """Compare with a missing or empty expected body, which a rule on the body itself decides.

    A missing body means "any body" and an empty one "no body", unless the pact puts a rule on
    `$`: then the rule judges the actual body as it is, as pact_matching does for binary bodies
    (an empty image under `notEmpty` fails). Of a missing body's rule only `notEmpty` applies:
    with no example there is no type to compare with.
    """
    rule_list = root.rules if root is not None and root.is_exact else None
    if rule_list is not None and not expected.is_present:
        kept = tuple(m for m in rule_list.matchers if rules.name_of(m) == "notEmpty")
        rule_list = RuleList(matchers=kept, combine=rule_list.combine) if kept else None
    if rule_list is not None:
        got = _raw(actual.content) if actual.is_present and actual.content is not None else b""
        example = b"" if isinstance(got, bytes) else ""
        failure = rules.apply(rule_list, example, got, is_text=True)
        return [] if failure is None else [engine.failed(walk, (), None, _shown(actual), failure)]
    if not expected.is_present or _is_empty(actual):
        return []
    return [engine.failed(walk, (), expected.content, _shown(actual), "an empty body")]


def _compare_content(walk: Walk, expected: Body, actual: Body) -> list[Mismatch]:
    """Compare two present, non-empty bodies by their content type."""
    essence = contenttypes.parse(
        expected.content_type or actual.content_type or _guess(expected.content)
    ).essence
    if actual.content_type and expected.content_type:
        got = contenttypes.parse(actual.content_type).essence
        if got != essence and not _same_family(essence, got):
            return [
                Mismatch(
                    kind="content-type",
                    path=walk.root,
                    expected=essence,
                    actual=got,
                    description=f"{walk.root}: expected a body of type {essence} but got {got}",
                )
            ]
    if contenttypes.is_json(essence):
        return _compare_json(walk, expected.content, actual.content)
    if contenttypes.is_xml(essence) and isinstance(expected.content, str | bytes):
        content = (
            actual.content if isinstance(actual.content, str | bytes) else render(actual.content)
        )
        return xmlbody.compare_documents(walk, expected.content, content)
    if contenttypes.is_form(essence):
        fields = _form(expected.content)
        return compare_multimap(
            walk, fields, _form(actual.content), lambda name: _form_rules(walk, name)
        )
    return _compare_text(walk, expected.content, actual.content)


def _same_family(left: str, right: str) -> bool:
    return (contenttypes.is_json(left) and contenttypes.is_json(right)) or (
        contenttypes.is_xml(left) and contenttypes.is_xml(right)
    )


def _has(rule_list: RuleList, name: str) -> bool:
    return any(rules.name_of(matcher) == name for matcher in rule_list.matchers)


def _raw(content: JSONValue | bytes) -> JSONValue | bytes:
    return content if isinstance(content, str | bytes) else json.dumps(content).encode()


def _shown(body: Body) -> JSONValue:
    if isinstance(body.content, bytes):
        return body.content.decode("utf-8", errors="replace")
    return body.content


def _compare_json(
    walk: Walk, expected: JSONValue | bytes, actual: JSONValue | bytes
) -> list[Mismatch]:
    if isinstance(expected, str | bytes):
        parsed = _json_or_none(expected)
        if parsed is None and expected.strip() not in ("null", b"null"):
            return _compare_text(walk, expected, actual)
        expected = parsed
    if not isinstance(actual, str | bytes):
        return engine.compare(walk, expected, actual)
    try:
        decoded: JSONValue = json.loads(actual)
        # The engine recurses over the body: a body nested deeper is a mismatch, not a crash.
        check_tree_bounds(decoded, max_nodes=_MAX_BODY_NODES, max_depth=MAX_DEPTH)
    except (ValueError, RecursionError) as error:
        reason = "it nests too deeply" if isinstance(error, RecursionError) else str(error)
        shown = actual.decode("utf-8", errors="replace") if isinstance(actual, bytes) else actual
        return [
            engine.mismatch(
                walk, (), expected, shown, f"expected a JSON body but it cannot be read ({reason})"
            )
        ]
    return engine.compare(walk, expected, decoded)


def _compare_text(
    walk: Walk, expected: JSONValue | bytes, actual: JSONValue | bytes
) -> list[Mismatch]:
    wanted = expected.decode("utf-8", errors="replace") if isinstance(expected, bytes) else expected
    got = actual.decode("utf-8", errors="replace") if isinstance(actual, bytes) else actual
    selected = ruleset.select(walk.rules, ())
    if selected is not None:
        failure = rules.apply(selected.rules, wanted, got, is_exact=selected.is_exact, is_text=True)
    elif isinstance(expected, bytes) or isinstance(actual, bytes):
        # Bytes compare as bytes: decoded, two different invalid sequences both read as U+FFFD.
        return _compare_bytes(walk, _as_bytes(expected), _as_bytes(actual))
    else:
        failure = None if wanted == got else render(wanted)
    return [] if failure is None else [engine.failed(walk, (), wanted, got, failure)]


def _compare_bytes(walk: Walk, expected: bytes, actual: bytes) -> list[Mismatch]:
    if expected == actual:
        return []
    wanted = base64.b64encode(expected).decode("ascii")
    got = base64.b64encode(actual).decode("ascii")
    description = (
        f"expected {len(expected)} bytes (base64 {_cut(wanted)}) "
        f"but got {len(actual)} bytes (base64 {_cut(got)})"
    )
    return [engine.mismatch(walk, (), wanted, got, description)]


def _cut(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[:size] + "..."


def _as_bytes(content: JSONValue | bytes) -> bytes:
    if isinstance(content, bytes):
        return content
    return content.encode("utf-8") if isinstance(content, str) else render(content).encode()


def _form(content: JSONValue | bytes) -> Multimap:
    text = content.decode() if isinstance(content, bytes) else content
    if not isinstance(text, str):
        return {}
    found: Multimap = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        found.setdefault(name, []).append(value)
    return found


def _form_rules(walk: Walk, name: str) -> RuleList | None:
    selected = ruleset.select(walk.rules, (name,))
    return None if selected is None else selected.rules


def compare_multimap(
    walk: Walk,
    expected: Multimap,
    actual: Multimap,
    rules_for: Callable[[str], RuleList | None],
) -> list[Mismatch]:
    """Compare query parameters or form fields: same names, values in the same order.

    A name's rules apply to each of its values; without rules the values must be equal.
    """
    found: list[Mismatch] = []
    for name, values in expected.items():
        got = actual.get(name)
        if got is None:
            found.append(
                engine.mismatch(
                    walk,
                    (name,),
                    values,
                    None,
                    f"expected {render(values)} but {name!r} was missing",
                )
            )
            continue
        rule_list = rules_for(name)
        if rule_list is None and values != got:
            found.append(engine.failed(walk, (name,), values, got, render(values)))
            continue
        if rule_list is not None:
            for index, value in enumerate(got):
                example = values[index] if index < len(values) else (values[0] if values else "")
                failure = rules.apply(rule_list, example, value, is_text=True)
                if failure is not None:
                    found.append(engine.failed(walk, (name, index), example, value, failure))
    for name in actual.keys() - expected.keys():
        if not walk.allow_unexpected_keys:
            found.append(
                engine.mismatch(
                    walk,
                    (name,),
                    None,
                    actual[name],
                    f"expected no {name!r} but got {render(actual[name])}",
                )
            )
    return found
