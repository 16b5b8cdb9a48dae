"""Structural changes that are one change: wrapping into `oneOf`/`anyOf`, unwrapping, `allOf` moves.

Compared keyword by keyword, a body whose schema became `oneOf: [Pet, Cat]` loses every
property (its `properties` moved into `Pet`) and gains two members. `recognise` sees the shape
and tells the walk what to compare instead: the base against the alternative it moved into
(so real differences between them are still found, with their usual ids), and the one change
the restructuring is.

- wrapped in a `oneOf`: `request-body-wrapped-in-one-of` ERR,
  `response-body-wrapped-in-one-of` ERR;
- wrapped in an `anyOf`: `request-body-any-of-added` INFO, `response-body-wrapped-in-any-of` ERR;
- wrapped beside a `null` alternative: `request-body-became-nullable` INFO,
  `response-body-became-nullable` ERR;
- unwrapped, the other alternatives gone: `request-body-one-of-removed` ERR,
  `response-body-one-of-removed` INFO;
- unwrapped from beside a `null` alternative: `request-body-became-not-nullable` ERR,
  `response-body-became-not-nullable` INFO;
- moved into or out of `allOf` members, accepting the same values: nothing.

(`-property-` instead of `-body-` below the root; `any-of` for `anyOf` unwrapping.) oasdiff
reports a body wrapped in a `oneOf` once, ERR: a value the base accepted may match two
overlapping alternatives, which `oneOf` refuses (or, when no alternative has the base's
properties, match none). It has no id for a property wrapped so:
Accord's `…-property-wrapped-in-one-of` (ERR) says the same there. Wrapping in an `anyOf`
only widens what the alternative accepts, which cannot break a sender (oasdiff's INFO
`any-of-added`) but can break a reader, who may now receive the other alternatives: oasdiff's
`response-…-any-of-added` is INFO, so Accord reports `response-…-wrapped-in-any-of`, ERR. A
`oneOf` of a single alternative accepts what that alternative accepts: no change beyond theirs
(oasdiff would still say wrapped, ERR; nothing can be refused that was not before). Later
oasdiff releases rate a `oneOf` wrapping WARN when an alternative equals the base
(`…-wrapped-in-one-of-original-preserved`); that id is not in `rules.json`, so Accord keeps ERR.
The `null` shapes are oasdiff's nullable wrapping (a two-member `oneOf`/`anyOf` with a bare
`{type: "null"}` beside a base that refuses null): the value's type set gained or lost null.
A schema moved into an `allOf` (or out of one) is compared with the other version as the one
schema its members merge into (`equivalence.flatten`): nothing is reported when that accepts
the same values, and what differs is reported with its usual id. When both versions have an
`allOf`, members added or removed keep oasdiff's `all-of-added`/`all-of-removed` ids (oasdiff
reports a member added even when it adds no constraint, and its test cases expect it). A
`$ref` replaced by the same schema inline needs nothing here: the walk compares what
references resolve to, and `walk.matched_members` pairs a member with its inline copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from verifier.comparison.schemas import dereference
from verifier.spec_diff.equivalence import annotation, equivalent, flatten
from verifier.spec_diff.model import Level

ERR, INFO = Level.ERR, Level.INFO
_CHOICES = {"oneOf": "one-of", "anyOf": "any-of"}
# What a wrapper may carry beside its alternatives and still be a wrapper: the rest would
# constrain the value on top of the alternatives.
_WRAPPER = frozenset({"discriminator", "deprecated", "readOnly", "writeOnly", "nullable", "type"})

_MAX_ALTERNATIVES = 64  # more is a generated union, not a wrapping; compared keyword by keyword
_NULLABLE_PAIR = 2  # the schema and a bare null: oasdiff's nullable wrapping
Pair = tuple[Any, Any, str, str]


@dataclass(frozen=True, slots=True)
class Shape:
    """What the walk compares at a node whose structure changed, and the change it reports.

    Attributes:
        base: the base schema the node's checks see (what is left once the moved parts are out).
        revision: the revision schema the node's checks see.
        pairs: further pairs to walk, as `walk.children` gives them: (base, revision,
            field segment, location step); step "" stays at the node's location.
        report: (id suffix after the node's prefix, level, text), or None.
    """

    base: dict[str, Any]
    revision: dict[str, Any]
    pairs: list[Pair]
    report: tuple[str, Level, str] | None


def recognise(
    base: dict[str, Any],
    revision: dict[str, Any],
    documents: tuple[Any, Any],
    *,
    direction: str,
    where: str,
) -> Shape | None:
    """The structural change from `base` to `revision` (both resolved), or None for none.

    Args:
        base: the base schema, resolved in `documents[0]`.
        revision: the revision schema, resolved in `documents[1]`.
        documents: the base and revision documents.
        direction: `request` or `response`.
        where: the schema as the change text names it (`request body`, `response pet/owner`).
    """
    if not any(k in s for s in (base, revision) for k in ("oneOf", "anyOf", "allOf")):
        return None
    for key in _CHOICES:
        if key in revision and not _choice(base):
            return _wrapped(base, revision, key, documents, direction=direction, where=where)
        if key in base and not _choice(revision):
            return _unwrapped(base, revision, key, documents, direction=direction, where=where)
    return _moved(base, revision, documents)


def _choice(schema: dict[str, Any]) -> bool:
    return "oneOf" in schema or "anyOf" in schema


def _alternatives(wrapper: dict[str, Any], key: str) -> list[Any] | None:
    """The wrapper's alternatives, when it constrains nothing else.

    None too when they are too many to compare each with the base.
    """
    members = wrapper.get(key)
    if not isinstance(members, list) or not members or len(members) > _MAX_ALTERNATIVES:
        return None
    if any(k != key and k not in _WRAPPER and not annotation(k) for k in wrapper):
        return None
    return members


def _wrapped(
    base: dict[str, Any],
    wrapper: dict[str, Any],
    key: str,
    documents: tuple[Any, Any],
    *,
    direction: str,
    where: str,
) -> Shape | None:
    members = _alternatives(wrapper, key)
    if members is None:
        return None
    leftover = (
        {k: v for k, v in base.items() if k in wrapper and k != key},
        {k: v for k, v in wrapper.items() if k != key},
    )
    payload = _beside_null(members, documents[1])
    if payload is not None and _refuses_null(base):
        text = f"The {where} now allows null (wrapped in a {key} with a null alternative)."
        level = INFO if direction == "request" else ERR
        pairs = [(base, members[payload], "", f"{key}[{payload}]")]
        return Shape(*leftover, pairs, ("became-nullable", level, text))
    best = _best(base, members, documents, moved_from=True)
    text = f"The {where} was wrapped in a {key} of {len(members)} alternatives."
    if best is None and key == "oneOf" and _objects([base, *members], documents):
        # none has the base's properties: a value the base accepted may match no alternative
        return Shape(*leftover, [], ("wrapped-in-one-of", ERR, text))
    if best is None:
        return None
    pairs = [(base, members[best], "", f"{key}[{best}]")]
    if len(members) == 1:
        return Shape(*leftover, pairs, None)
    if key == "oneOf":
        report = ("wrapped-in-one-of", ERR, text)
    elif direction == "request":
        report = ("any-of-added", INFO, text)
    else:
        report = ("wrapped-in-any-of", ERR, text)
    return Shape(*leftover, pairs, report)


def _unwrapped(
    wrapper: dict[str, Any],
    revision: dict[str, Any],
    key: str,
    documents: tuple[Any, Any],
    *,
    direction: str,
    where: str,
) -> Shape | None:
    members = _alternatives(wrapper, key)
    if members is None:
        return None
    leftover = (
        {k: v for k, v in wrapper.items() if k != key},
        {k: v for k, v in revision.items() if k in wrapper and k != key},
    )
    payload = _beside_null(members, documents[0])
    if payload is not None and _refuses_null(revision):
        text = (
            f"The {where} no longer allows null (unwrapped from a {key} with a null alternative)."
        )
        level = ERR if direction == "request" else INFO
        pairs = [(members[payload], revision, "", "")]
        return Shape(*leftover, pairs, ("became-not-nullable", level, text))
    best = _best(revision, members, documents, moved_from=False)
    if best is None:
        return None
    pairs = [(members[best], revision, "", "")]
    gone = [_label(members[i], i) for i in range(len(members)) if i != best]
    if not gone:
        return Shape(*leftover, pairs, None)
    text = (
        f"The {where} was unwrapped from its {key}: the alternatives {', '.join(gone)} "
        "were removed."
    )
    level = ERR if direction == "request" else INFO
    return Shape(*leftover, pairs, (f"{_CHOICES[key]}-removed", level, text))


def _moved(
    base: dict[str, Any], revision: dict[str, Any], documents: tuple[Any, Any]
) -> Shape | None:
    """Properties moved into (or out of) `allOf` members: the merged schemas are compared.

    Only a move: an `allOf` added beside properties that stay where they were is oasdiff's
    `all-of-added` (or `-annotation-only`), reported by `objects.combinators`.
    """
    if ("allOf" in base) == ("allOf" in revision):
        return None  # members added to or removed from an allOf: oasdiff's all-of ids
    merged = (flatten(base, documents[0]), flatten(revision, documents[1]))
    if merged[0] is None or merged[1] is None:
        return None
    flat, split = (merged[0], revision) if "allOf" in revision else (merged[1], base)
    kept = _names(split)
    if not (_names(flat) - kept) & (_names(merged[0]) & _names(merged[1])):
        return None
    return Shape(merged[0], merged[1], [], None)


def _names(schema: dict[str, Any]) -> set[str]:
    properties = schema.get("properties")
    return {str(name) for name in properties} if isinstance(properties, dict) else set()


def _best(
    schema: dict[str, Any], members: list[Any], documents: tuple[Any, Any], *, moved_from: bool
) -> int | None:
    """The alternative the object `schema` moved into (or came out of), or None.

    One accepting the same values, else the one sharing most of its properties; None when none
    shares any.
    """
    side = 1 if moved_from else 0
    names = _property_names(schema, documents[1 - side])
    if not names:
        return None  # a scalar in alternatives is a list of types, not a wrapping
    for index, member in enumerate(members):
        if (
            equivalent(schema, member, documents)
            if moved_from
            else equivalent(member, schema, documents)
        ):
            return index
    shared = [len(names & _property_names(m, documents[side])) for m in members]
    most = max(shared)
    return shared.index(most) if most else None


def _objects(schemas: list[Any], documents: tuple[Any, Any]) -> bool:
    """Whether the base (first) and the alternatives (the rest) all describe objects."""
    for index, schema in enumerate(schemas):
        resolved = dereference(schema, documents[0 if index == 0 else 1])
        if not isinstance(resolved, dict):
            return False
        if resolved.get("type") != "object" and not isinstance(resolved.get("properties"), dict):
            return False
    return True


def _property_names(schema: Any, document: Any) -> set[str]:
    merged = flatten(schema, document)
    return set() if merged is None else _names(merged)


def _beside_null(members: list[Any], document: Any) -> int | None:
    """The index of the one alternative beside a bare `null` one, in a pair of alternatives."""
    if len(members) != _NULLABLE_PAIR:
        return None
    null = [_only_null(dereference(m, document)) for m in members]
    return null.index(False) if null.count(True) == 1 else None


def _only_null(schema: Any) -> bool:
    if not isinstance(schema, dict) or schema.get("type") not in ("null", ["null"]):
        return False
    return all(k == "type" or annotation(k) for k in schema)


def _refuses_null(schema: dict[str, Any]) -> bool:
    """Whether the schema declares a type and null is not one of them."""
    declared = schema.get("type")
    types = declared if isinstance(declared, list) else [declared]
    return declared is not None and "null" not in types and schema.get("nullable") is not True


def _label(member: Any, index: int) -> str:
    if isinstance(member, dict):
        for key in ("$ref", "title"):
            if isinstance(member.get(key), str):
                return str(member[key])
    return f"#{index}"
