"""Checks on the JSON Schema 2020-12 keywords OpenAPI 3.1 brings.

How many items an array must contain, which properties another one needs, conditional and tuple
schemas, unevaluated ones.
Each keyword is judged by oasdiff's rule (`rules.json`): a request schema breaks clients when it
accepts less than before, a response schema when it may send more. A keyword added to a request
(a `contains`, an `if`, `unevaluatedProperties`) is a new condition the old requests may fail,
so it is an error there and information in a response, and removing it is the reverse. Where
both versions hold the keyword's subschema, `walk.children` pairs them and the walk compares
what is inside. Swagger 2.0 and OpenAPI 3.0 schemas carry none of these keywords (those that do
are compared the same way: the keyword means the same in every dialect Accord reads).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from verifier.spec_diff.model import Level
from verifier.spec_diff.walk import Check, Node, SchemaWalk

ERR, WARN, INFO = Level.ERR, Level.WARN, Level.INFO

# keyword -> the id part oasdiff gives it; each is "a new condition" (added narrows a request).
_CONDITIONS = (
    ("if", "if"),
    ("then", "then"),
    ("else", "else"),
    ("unevaluatedProperties", "unevaluated-properties"),
    ("unevaluatedItems", "unevaluated-items"),
    ("propertyNames", "property-names"),
)


def _body(walk: SchemaWalk) -> bool:
    """These ids exist for bodies and their properties only (parameters have their own checks)."""
    return walk.prefix.endswith(("-body", "-property"))


def _present(schema: dict[str, Any], key: str) -> bool:
    """Whether `key` constrains anything: `true` (and `{}`) admit every value, as if absent."""
    value = schema.get(key)
    return key in schema and value is not True and value != {}


def _narrowing(walk: SchemaWalk, added: bool) -> Level:
    """The level of a condition added (or removed): an error where it takes values away."""
    return ERR if (walk.direction == "request") == added else INFO


def conditions(walk: SchemaWalk, node: Node) -> None:
    """`if`/`then`/`else`, `unevaluated*` and `propertyNames` subschemas added or removed."""
    if not _body(walk):
        return
    for key, name in _CONDITIONS:
        before, after = _present(node.base, key), _present(node.revision, key)
        if before == after:
            continue
        action = "added" if after else "removed"
        walk.emit(
            node,
            f"{name}-{action}",
            _narrowing(walk, after),
            f"The '{key}' subschema of {walk.direction} {node.name} was {action}.",
        )


def unevaluated_closed(walk: SchemaWalk, node: Node) -> None:
    """`unevaluatedProperties`/`unevaluatedItems` switched between `false` and a schema.

    Both versions have the keyword, so oasdiff's added/removed ids do not apply: `false`
    refuses every other property (or item) the schema admitted, a schema admits some.
    """
    if not _body(walk):
        return
    for key, name in (
        ("unevaluatedProperties", "unevaluated-properties"),
        ("unevaluatedItems", "unevaluated-items"),
    ):
        before, after = node.base.get(key), node.revision.get(key)
        if not (_present(node.base, key) and _present(node.revision, key)):
            continue
        if (before is False) == (after is False):
            continue  # two schemas are compared by the walk, inside them
        closed = after is False
        text = (
            f"The '{key}' of {walk.direction} {node.name} "
            f"{'now refuses' if closed else 'now admits some'} unevaluated values."
        )
        walk.emit(
            node, f"{name}-{'narrowed' if closed else 'widened'}", _narrowing(walk, closed), text
        )


def condition_changed(walk: SchemaWalk, node: Node) -> None:
    """An `if` subschema changed: which of `then` and `else` applies to a value may change.

    Whether that admits more or fewer values depends on both branches, so it is a warning in
    either direction (oasdiff has no rule for it; the walk does not enter `if`).
    """
    if not _body(walk) or not (_present(node.base, "if") and _present(node.revision, "if")):
        return
    if walk.same(node.base["if"], node.revision["if"]):
        return
    text = f"The 'if' subschema of {walk.direction} {node.name} changed."
    walk.emit(node, "if-changed", WARN, text)


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def contains_bounds(walk: SchemaWalk, node: Node) -> None:
    """`minContains` and `maxContains` raised or lowered where both versions have `contains`.

    Without the keyword an array must contain at least one matching item and may contain any
    number, so a bound set or unset counts as raised or lowered from those.
    """
    if not _body(walk) or "contains" not in node.base or "contains" not in node.revision:
        return
    where = f"{walk.direction} {node.name}"
    minimum = (_count(node.base.get("minContains")), _count(node.revision.get("minContains")))
    before, after = (1 if value is None else value for value in minimum)
    if before != after:
        raised = after > before
        narrows = raised
        walk.emit(
            node,
            f"min-contains-{'increased' if raised else 'decreased'}",
            ERR if narrows == (walk.direction == "request") else INFO,
            f"The minContains of {where} changed from {before} to {after}.",
        )
    top = (_count(node.base.get("maxContains")), _count(node.revision.get("maxContains")))
    if top[0] != top[1]:
        raised = top[0] is not None and (top[1] is None or top[1] > top[0])
        narrows = not raised
        shown = ["none" if value is None else str(value) for value in top]
        walk.emit(
            node,
            f"max-contains-{'increased' if raised else 'decreased'}",
            ERR if narrows == (walk.direction == "request") else INFO,
            f"The maxContains of {where} changed from {shown[0]} to {shown[1]}.",
        )


def _mapping(schema: dict[str, Any], key: str) -> dict[str, Any]:
    value = schema.get(key)
    return value if isinstance(value, dict) else {}


def dependent_required(walk: SchemaWalk, node: Node) -> None:
    """`dependentRequired` entries added, removed, or their lists of properties changed."""
    if not _body(walk):
        return
    base, revision = (
        _mapping(node.base, "dependentRequired"),
        _mapping(node.revision, "dependentRequired"),
    )
    where = f"{walk.direction} {node.name}"
    for name in base.keys() | revision.keys():
        before, after = base.get(name), revision.get(name)
        if name not in revision:
            text = f"The {where} no longer requires {before} when {name} is present."
            walk.emit(node, "dependent-required-removed", _narrowing(walk, False), text)
        elif name not in base:
            text = f"The {where} now requires {after} when {name} is present."
            walk.emit(node, "dependent-required-added", _narrowing(walk, True), text)
        elif _names(before) != _names(after):
            text = (
                f"The properties {where} requires when {name} is present changed "
                f"from {before} to {after}."
            )
            walk.emit(node, "dependent-required-changed", ERR, text)


def _names(value: Any) -> set[str]:
    return {str(item) for item in value} if isinstance(value, list) else set()


def _entries_added_or_removed(
    walk: SchemaWalk, node: Node, keyword: str, stem: str, told: Callable[[str, str, str], str]
) -> None:
    """Entries of a keyword's mapping added or removed (those in both are walked into).

    Each is reported as `{stem}-added` or `{stem}-removed`, in the words of
    `told(key, where, action)`.
    """
    if not _body(walk):
        return
    base, revision = _mapping(node.base, keyword), _mapping(node.revision, keyword)
    where = f"{walk.direction} {node.name}"
    for key in sorted(base.keys() ^ revision.keys()):
        added = key in revision
        action = "added" if added else "removed"
        walk.emit(node, f"{stem}-{action}", _narrowing(walk, added), told(key, where, action))


def dependent_schemas(walk: SchemaWalk, node: Node) -> None:
    """`dependentSchemas` entries added or removed (those in both are walked into)."""
    _entries_added_or_removed(
        walk,
        node,
        "dependentSchemas",
        "dependent-schema",
        lambda name, where, action: f"The dependent schema of {where} for {name} was {action}.",
    )


def pattern_properties(walk: SchemaWalk, node: Node) -> None:
    """`patternProperties` entries added or removed (those in both are walked into)."""
    _entries_added_or_removed(
        walk,
        node,
        "patternProperties",
        "pattern-property",
        lambda pattern, where, action: f"The pattern property {pattern!r} of {where} was {action}.",
    )


def prefix_items(walk: SchemaWalk, node: Node) -> None:
    """Schemas added to or removed from the end of a `prefixItems` tuple.

    oasdiff's levels: a tuple that lost positions breaks requests (`request-…-removed` is an
    error), one that gained positions breaks responses (a reader meets a longer tuple).
    """
    if not _body(walk):
        return
    base, revision = node.base.get("prefixItems"), node.revision.get("prefixItems")
    before = len(base) if isinstance(base, list) else 0
    after = len(revision) if isinstance(revision, list) else 0
    if before == after:
        return
    added = after > before
    action = "added" if added else "removed"
    count = abs(after - before)
    text = (
        f"{count} schema(s) {action} {'to' if added else 'from'} the prefixItems "
        f"of {walk.direction} {node.name}."
    )
    walk.emit(node, f"prefix-items-{action}", _narrowing(walk, not added), text)


def content(walk: SchemaWalk, node: Node) -> None:
    """`contentEncoding`, `contentMediaType` and `contentSchema` changed, added or removed.

    They say how a string's content is encoded, what it holds, and that content's schema
    (JSON Schema 2020-12).
    """
    if not _body(walk):
        return
    where = f"{walk.direction} {node.name}"
    for key, name in (("contentEncoding", "encoding"), ("contentMediaType", "media-type")):
        if node.base.get(key) != node.revision.get(key):
            text = (
                f"The {key} of {where} changed from {node.base.get(key)} "
                f"to {node.revision.get(key)}."
            )
            walk.emit(node, f"content-{name}-changed", ERR, text)
    before, after = _present(node.base, "contentSchema"), _present(node.revision, "contentSchema")
    if before != after:
        action = "added" if after else "removed"
        text = f"The contentSchema of {where} was {action}."
        walk.emit(node, f"content-schema-{action}", _narrowing(walk, after), text)


CHECKS: list[Check] = [
    content,
    contains_bounds,
    dependent_required,
    dependent_schemas,
    pattern_properties,
    prefix_items,
    conditions,
    condition_changed,
    unevaluated_closed,
]
