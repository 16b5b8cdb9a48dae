"""Checks on the value a schema allows: type, nullability, enums, const, ranges, lengths, pattern.

The rule is oasdiff's: a request schema breaks clients when it accepts less than before (a
client's old request is refused), a response schema when it may send more (a client meets a
value it was never promised). The ids and levels are oasdiff's (`rules.json` in the corpus).
"""

from __future__ import annotations

from typing import Any

from verifier.spec_diff.model import Level
from verifier.spec_diff.walk import Check, Node, SchemaWalk

ERR, WARN, INFO = Level.ERR, Level.WARN, Level.INFO
_ANY_STRING = {".*", "^.*$", "[\\s\\S]*", "^[\\s\\S]*$"}


def _types(schema: dict[str, Any]) -> set[str]:
    kind = schema.get("type")
    found = (
        {kind}
        if isinstance(kind, str)
        else {k for k in kind if isinstance(k, str)}
        if isinstance(kind, list)
        else set()
    )
    return found - {"null"}


def _nullable(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return schema.get("nullable") is True or (isinstance(kind, list) and "null" in kind)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _generalizes(wider: set[str], narrower: set[str]) -> bool:
    """True when every value of the `narrower` types is a value of the `wider` ones."""
    return all(t in wider or (t == "integer" and "number" in wider) for t in narrower)


def types(walk: SchemaWalk, node: Node) -> None:
    """Type and format changes, and lists of types (OpenAPI 3.1) narrowed or widened."""
    base, revision = _types(node.base), _types(node.revision)
    base_format, revision_format = node.base.get("format"), node.revision.get("format")
    if walk.direction == "request" and (base or revision):
        _request_type(walk, node, (base, revision), (base_format, revision_format))
        return
    if base and not revision and "type" not in node.revision:
        # a response whose type was dropped may now be anything (oasdiff: changed), unless
        # it was text clients read as a string anyway
        breaking = walk.strongly_typed or base != {"string"}
        text = f"The {walk.direction} {node.name} no longer has a type ({'/'.join(sorted(base))})."
        walk.emit(node, "type-changed" if breaking else "type-specialized",
                  ERR if breaking else INFO, text)  # fmt: skip
        return
    if not base or not revision:
        return
    described = f"{'/'.join(sorted(base))} to {'/'.join(sorted(revision))}"
    if (
        base != revision
        and (len(base) > 1 or len(revision) > 1)
        and walk.prefix != "response-header"
    ):
        narrowed = _generalizes(base, revision)
        breaking = narrowed if walk.direction == "request" else not narrowed
        suffix = "list-of-types-narrowed" if narrowed else "list-of-types-widened"
        walk.emit(
            node,
            suffix,
            ERR if breaking else INFO,
            f"The {node.name} types changed from {described}.",
        )
        return
    if base == revision and base_format == revision_format:
        return
    if base != revision:
        wider = _generalizes(revision, base) and revision_format in (None, base_format)
        narrower = _generalizes(base, revision) and base_format in (None, revision_format)
    else:
        wider, narrower = revision_format is None, base_format is None
        described = f"format {base_format or 'none'} to {revision_format or 'none'}"
    text = f"The type of {walk.direction} {node.name} changed from {described}."
    if narrower:
        walk.emit(node, "type-specialized", INFO, text)
    elif base != revision and base == {"string"} and not walk.strongly_typed:
        # outside JSON any value reads as the string clients were promised
        walk.emit(node, "type-compatible", INFO, text)
    else:
        walk.emit(node, "type-generalized" if wider else "type-changed", ERR, text)


# format changes that keep every value valid (oasdiff's list): type -> {(from, to)}
_FORMAT_WIDENINGS = {
    "number": {("float", "double")},
    "integer": {("int32", "int64"), ("int32", "bigint"), ("int64", "bigint")},
    "string": {("date", "date-time"), ("time", "date-time")},
}


def _type_breaks(
    kinds: tuple[set[str], set[str]], formats: tuple[Any, Any], strongly_typed: bool
) -> bool:
    """Whether a request that was valid may be refused after a type or format change.

    oasdiff's rule: a type list that only grew (integer within number counts) refuses nothing,
    nor does dropping the type; a single type becoming its supertype refuses nothing; where
    values are text rather than JSON, any value still reads as a string. A format dropped
    refuses nothing, a format widened along `_FORMAT_WIDENINGS` neither.
    """
    base, revision = kinds
    type_breaks = False
    if base != revision and revision and not (base and _generalizes(revision, base)):
        added, removed = revision - base, base - revision
        contained = len(added) == 1 and len(removed) == 1 and _generalizes(added, removed)
        if not contained and not strongly_typed:
            contained = added == {"string"}
        type_breaks = not contained
    before, after = formats
    format_breaks = False
    if before != after and after not in (None, ""):
        single = next(iter(revision)) if len(revision) == 1 else ""
        widenings = _FORMAT_WIDENINGS.get(single, set())
        format_breaks = not (isinstance(before, str) and (before, str(after)) in widenings)
    return type_breaks or format_breaks


def _request_type(
    walk: SchemaWalk, node: Node, kinds: tuple[set[str], set[str]], formats: tuple[Any, Any]
) -> None:
    base, revision = kinds
    if base == revision and formats[0] == formats[1]:
        return
    shown = [f"{'/'.join(sorted(k)) or 'any'}" for k in kinds]
    if base != revision and base and revision and (len(base) > 1 or len(revision) > 1):
        narrowed = _generalizes(base, revision)
        walk.emit(
            node,
            "list-of-types-narrowed" if narrowed else "list-of-types-widened",
            ERR if narrowed else INFO,
            f"The {node.name} types changed from {shown[0]} to {shown[1]}.",
        )
        return
    if base == revision:
        shown = [f"format {f or 'none'}" for f in formats]
    text = f"The type of request {node.name} changed from {shown[0]} to {shown[1]}."
    if walk.prefix == "request-parameter" and node.in_property:
        # an object parameter may travel as JSON or as text: where only one of the two
        # readings breaks, oasdiff warns
        as_json = _type_breaks(kinds, formats, strongly_typed=True)
        as_text = _type_breaks(kinds, formats, strongly_typed=False)
        suffix, level = (
            ("type-changed", WARN)
            if as_json != as_text
            else ("type-specialized", ERR)
            if as_json
            else ("type-generalized", INFO)
        )
        walk.emit(node, suffix, level, text)
        return
    strongly_typed = walk.strongly_typed and walk.prefix != "request-parameter"
    if _type_breaks(kinds, formats, strongly_typed):
        walk.emit(node, "type-changed", ERR, text)
    elif base != revision and base and revision and not _generalizes(revision, base):
        # a swap that holds only because the values are text (an object becoming a string
        # in XML): compatible, yet no widening
        change_id = "type-generalized" if walk.prefix == "request-parameter" else "type-compatible"
        walk.emit(node, change_id, INFO, text)
    else:
        walk.emit(node, "type-generalized", INFO, text)


def nullable(walk: SchemaWalk, node: Node) -> None:
    """`null` newly allowed (breaks readers of responses) or refused (breaks request senders)."""
    base, revision = _nullable(node.base), _nullable(node.revision)
    if base == revision:
        return
    became = "became-nullable" if revision else "became-not-nullable"
    breaking = (walk.direction == "request") != revision
    walk.emit(
        node,
        became,
        ERR if breaking else INFO,
        f"The {walk.direction} {node.name} {'now' if revision else 'no longer'} allows null.",
    )


def enums(walk: SchemaWalk, node: Node) -> None:
    """Enum values removed from requests, added to responses, or an enum where there was none."""
    base, revision = node.base.get("enum"), node.revision.get("enum")
    if not isinstance(revision, list):
        return
    where = f"{walk.direction} {node.name}"
    if not isinstance(base, list):
        if walk.direction == "request":
            _became_enum(walk, node, f"The {where} now only accepts the values of an enum.")
        return
    removed = [v for v in base if v not in revision]
    added = [v for v in revision if v not in base]
    read_only = node.base.get("readOnly") is True
    for value in removed:
        text = f"The value {value!r} was removed from the enum of {where}."
        if walk.direction == "request" and read_only:
            walk.emit_target(node, "request-read-only-property-enum-value-removed", INFO, text)
        elif walk.direction == "request":
            walk.emit(node, "enum-value-removed", ERR, text)
        elif not node.field:
            walk.emit_target(node, "response-mediatype-enum-value-removed", INFO, text)
        else:
            walk.emit_target(node, "response-property-enum-value-removed", INFO, text)
    for value in added:
        text = f"The value {value!r} was added to the enum of {where}."
        if walk.direction == "request":
            walk.emit(node, "enum-value-added", INFO, text)
        elif node.revision.get("writeOnly") is True:
            walk.emit_target(node, "response-write-only-property-enum-value-added", INFO, text)
        else:
            walk.emit_target(node, "response-property-enum-value-added", WARN, text)


def _became_enum(walk: SchemaWalk, node: Node, text: str) -> None:
    """A request value restricted to an enum (an object header's property has its own id)."""
    if walk.target.where == "header" and node.in_property:
        walk.emit_target(node, "request-header-property-became-enum", ERR, text)
    else:
        walk.emit(node, "became-enum", ERR, text)


def extensible_enums(walk: SchemaWalk, node: Node) -> None:
    """Values removed from an `x-extensible-enum` of a request (clients may still send them)."""
    base, revision = node.base.get("x-extensible-enum"), node.revision.get("x-extensible-enum")
    if walk.direction != "request" or not isinstance(base, list) or not isinstance(revision, list):
        return
    owner = "request-parameter" if walk.prefix == "request-parameter" else "request-property"
    for value in base:
        if value not in revision:
            text = f"The value {value!r} was removed from the extensible enum of {node.name}."
            walk.emit_target(node, f"{owner}-x-extensible-enum-value-removed", ERR, text)


def const(walk: SchemaWalk, node: Node) -> None:
    """A `const` added, changed or removed."""
    has_base, has_revision = "const" in node.base, "const" in node.revision
    if not has_base and not has_revision:
        return
    request = walk.direction == "request"
    where = f"{walk.direction} {node.name}"
    if has_base and has_revision and node.base["const"] != node.revision["const"]:
        walk.emit(node, "const-changed", ERR, f"The constant value of {where} changed.")
    elif has_revision and not has_base:
        walk.emit(
            node, "const-added", ERR if request else INFO, f"The {where} now has a constant value."
        )
    elif has_base and not has_revision:
        walk.emit(
            node,
            "const-removed",
            INFO if request else ERR,
            f"The {where} no longer has a constant value.",
        )


def _bound(walk: SchemaWalk, node: Node, key: str, name: str, upper: bool) -> None:
    base, revision = _number(node.base.get(key)), _number(node.revision.get(key))
    if base == revision or (base is None and revision is None):
        return
    where = f"{walk.direction} {node.name}"
    if walk.direction == "request":
        if node.base.get("readOnly") is True:
            _read_only(walk, node, name, upper=upper, base=base, revision=revision)
            return
        if base is None:
            walk.emit(node, f"{name}-set", WARN, f"The {where} now has a {key} of {revision}.")
            return
        if revision is None:
            walk.emit(
                node,
                f"{name}-{'increased' if upper else 'decreased'}",
                INFO,
                f"The {where} no longer has a {key}.",
            )
            return
        tighter = revision < base if upper else revision > base
        suffix = f"{name}-{'decreased' if revision < base else 'increased'}"
        walk.emit(
            node,
            suffix,
            ERR if tighter else INFO,
            f"The {key} of {where} changed from {base} to {revision}.",
        )
        return
    if base is None:
        return
    looser = revision is None or (revision > base if upper else revision < base)
    if looser:
        suffix = f"{name}-{'increased' if upper else 'decreased'}"
        shown = "none" if revision is None else revision
        text = f"The {key} of {where} changed from {base} to {shown}."
        walk.emit(node, suffix, ERR, text)


_READ_ONLY = {
    "max-decreased",
    "exclusive-max-decreased",
    "min-increased",
    "exclusive-min-increased",
}


def _read_only(
    walk: SchemaWalk,
    node: Node,
    name: str,
    *,
    upper: bool,
    base: float | None,
    revision: float | None,
) -> None:
    """A tighter bound on a request property the client does not send (`readOnly`)."""
    if base is None or revision is None or (revision >= base if upper else revision <= base):
        return
    suffix = f"{name}-{'decreased' if upper else 'increased'}"
    if suffix in _READ_ONLY and node.field:
        text = f"The {name} bound of the read-only request property {node.name} was tightened."
        walk.emit_target(node, f"request-read-only-property-{suffix}", INFO, text)


def _exclusive_flag(walk: SchemaWalk, node: Node, key: str, name: str, upper: bool) -> None:
    """OpenAPI 3.0's boolean `exclusiveMaximum`/`exclusiveMinimum` switched on or off."""
    base, revision = node.base.get(key), node.revision.get(key)
    if not isinstance(base, bool) and not isinstance(revision, bool):
        return
    before, after = base is True, revision is True
    if before == after:
        return
    tighter = after  # an exclusive bound admits one value less
    suffix = f"{name}-{'decreased' if tighter == upper else 'increased'}"
    where = f"{walk.direction} {node.name}"
    text = f"The {key} of {where} became {'exclusive' if after else 'inclusive'}."
    if walk.direction == "request":
        walk.emit(node, suffix, ERR if tighter else INFO, text)
    elif not tighter:
        walk.emit(node, suffix, ERR, text)


def ranges(walk: SchemaWalk, node: Node) -> None:
    """`maximum` and `minimum` (and the exclusive bounds of both dialects) tightened or loosened."""
    _exclusive_flag(walk, node, "exclusiveMaximum", "exclusive-max", upper=True)
    _exclusive_flag(walk, node, "exclusiveMinimum", "exclusive-min", upper=False)
    _bound(walk, node, "maximum", "max", upper=True)
    _bound(walk, node, "minimum", "min", upper=False)
    _bound(walk, node, "exclusiveMaximum", "exclusive-max", upper=True)
    _bound(walk, node, "exclusiveMinimum", "exclusive-min", upper=False)


def lengths(walk: SchemaWalk, node: Node) -> None:
    """`maxLength`, `minLength`, `maxItems`, `minItems`, `maxProperties`, `minProperties`."""
    read_only = walk.direction == "request" and node.base.get("readOnly") is True
    kinds = _types(node.base) | _types(node.revision)
    for key, name, upper in _LENGTHS:
        if kinds and _APPLIES_TO[key[3:]] not in kinds:
            continue  # a keyword for another type constrains nothing here
        base, revision = _number(node.base.get(key)), _number(node.revision.get(key))
        if base == revision:
            continue
        text = (
            f"The {key} of {walk.direction} {node.name} changed "
            f"from {_show(base)} to {_show(revision)}."
        )
        if read_only:
            if key == "maxLength" and base is not None and revision is not None and revision < base:
                change_id = "request-read-only-property-max-length-decreased"
                walk.emit_target(node, change_id, INFO, text)
        elif walk.direction == "request":
            _request_length(
                walk, node=node, name=name, upper=upper, base=base, revision=revision, text=text
            )
        elif base is not None:
            _response_length(
                walk, node=node, name=name, upper=upper, base=base, revision=revision, text=text
            )


_APPLIES_TO = {"Length": "string", "Items": "array", "Properties": "object"}
_LENGTHS = (
    ("maxLength", "max-length", True),
    ("minLength", "min-length", False),
    ("maxItems", "max-items", True),
    ("minItems", "min-items", False),
    ("maxProperties", "max-properties", True),
    ("minProperties", "min-properties", False),
)


def _request_length(
    walk: SchemaWalk,
    *,
    node: Node,
    name: str,
    upper: bool,
    base: float | None,
    revision: float | None,
    text: str,
) -> None:
    if base is None and name in ("max-length", "min-items"):
        walk.emit(node, f"{name}-set", WARN, text)
        return
    if upper:
        tighter = revision is not None and (base is None or revision < base)
    else:
        tighter = revision is not None and (base is None or revision > base)
    direction = (
        ("decreased" if upper else "increased")
        if tighter
        else ("increased" if upper else "decreased")
    )
    walk.emit(node, f"{name}-{direction}", ERR if tighter else INFO, text)


def _response_length(
    walk: SchemaWalk,
    *,
    node: Node,
    name: str,
    upper: bool,
    base: float,
    revision: float | None,
    text: str,
) -> None:
    if upper and (revision is None or revision > base):
        unset = revision is None and name == "max-length"
        walk.emit(node, f"{name}-{'unset' if unset else 'increased'}", ERR, text)
    elif not upper and (revision is None or revision < base):
        unset = revision is None and name == "min-items"
        walk.emit(node, f"{name}-{'unset' if unset else 'decreased'}", ERR, text)


def _show(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


def pattern(walk: SchemaWalk, node: Node) -> None:
    """A `pattern` added, changed, widened to any string, or removed."""
    base, revision = node.base.get("pattern"), node.revision.get("pattern")
    if base == revision:
        return
    where = f"{walk.direction} {node.name}"
    own = walk.prefix if walk.prefix == "request-parameter" else f"{walk.direction}-property"
    text = f"The pattern of {where} changed from {base or 'none'} to {revision or 'none'}."
    if walk.direction == "response":
        action = "added" if base is None else "removed" if revision is None else "changed"
        walk.emit_target(node, f"{own}-pattern-{action}", INFO, text)
    elif revision is None:
        walk.emit_target(node, f"{own}-pattern-removed", INFO, text)
    elif base is None:
        # a pattern where there was none, even one matching any string: oasdiff's error
        walk.emit_target(node, f"{own}-pattern-added", ERR, text)
    elif revision in _ANY_STRING:
        walk.emit_target(node, f"{own}-pattern-generalized", INFO, text)
    else:
        walk.emit_target(node, f"{own}-pattern-changed", WARN, text)


def default(walk: SchemaWalk, node: Node) -> None:
    """A default value added, changed or removed: a parameter's matters to clients relying on it."""
    has_base, has_revision = "default" in node.base, "default" in node.revision
    if (not has_base and not has_revision) or node.base.get("default") == node.revision.get(
        "default"
    ):
        return
    action = "changed" if has_base and has_revision else "added" if has_revision else "removed"
    # a client that leaves the value out gets another one: oasdiff's error for parameters
    level = ERR if walk.prefix == "request-parameter" else INFO
    walk.emit(
        node,
        f"default-value-{action}",
        level,
        f"The default of {walk.direction} {node.name} was {action}.",
    )


CHECKS: list[Check] = [
    types,
    nullable,
    enums,
    extensible_enums,
    const,
    ranges,
    lengths,
    pattern,
    default,
]
