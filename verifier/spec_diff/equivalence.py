"""Whether two schemas accept the same values, and a schema with its `allOf` merged into it.

Both are strict: a keyword they do not understand, a conflict they cannot resolve, a budget
spent, all answer "not the same" (or "cannot merge"), so the caller falls back to comparing
keyword by keyword. Annotations (`title`, `description`, `example(s)`, `default`, `x-…`) do not
change what a schema accepts and are left out, as oasdiff's `SchemaRefsValidationEquivalent`
leaves them out; `deprecated`, `readOnly` and `writeOnly` are kept, the checks read them.
"""

from __future__ import annotations

import json
from typing import Any

from verifier.comparison.schemas import dereference, reference_of

ANNOTATIONS = frozenset(
    {"title", "description", "example", "examples", "default", "externalDocs", "$comment", "xml"}
)
_SUBSCHEMA = frozenset(
    {
        "items",
        "additionalProperties",
        "additionalItems",
        "not",
        "contains",
        "if",
        "then",
        "else",
        "propertyNames",
        "unevaluatedProperties",
        "unevaluatedItems",
        "contentSchema",
    }
)
_SUBSCHEMA_MAPS = frozenset(
    {"properties", "patternProperties", "dependentSchemas", "$defs", "definitions"}
)
_SUBSCHEMA_LISTS = frozenset({"allOf", "oneOf", "anyOf", "prefixItems", "items"})
_UNORDERED = frozenset({"required", "enum", "type"})
_MAX_DEPTH = 8  # allOf inside allOf, deeper than real specs nest them
_MAX_PARTS = 64  # allOf members merged for one schema, counting nested ones
# Keywords whose meaning depends on their neighbours: a group may come from one member only
# (or be the same in each member that has it), else merging would change what is accepted.
_GROUPS = (
    ("type", "nullable"),
    ("items", "prefixItems", "additionalItems", "unevaluatedItems"),
    ("contains", "minContains", "maxContains"),
    ("if", "then", "else"),
)
_GROUPED = frozenset(k for group in _GROUPS for k in group)
_OBJECT = ("properties", "patternProperties", "additionalProperties", "unevaluatedProperties")
_SCOPE = frozenset({"$ref", "$dynamicRef", "$id", "$anchor", "$dynamicAnchor", "$schema"})


def annotation(key: str) -> bool:
    """Whether `key` only describes a schema (changing it changes no accepted value)."""
    return key in ANNOTATIONS or key.startswith("x-")


def equivalent(base: Any, revision: Any, documents: tuple[Any, Any], budget: int = 2000) -> bool:
    """Whether `base` (in `documents[0]`) and `revision` (in `documents[1]`) accept the same values.

    References are followed, `allOf`s merged, annotations ignored; lists of subschemas are
    compared in order. Recursive schemas are equal when no difference is found anywhere (a pair
    already being compared is assumed equal). More than `budget` pairs answers False.
    """
    return _Comparison(documents, budget).same(base, revision)


class _Comparison:
    def __init__(self, documents: tuple[Any, Any], budget: int) -> None:
        self.documents = documents
        self.left = budget
        self.assumed: set[tuple[int, int]] = set()  # pairs of schemas from the documents

    def same(self, base: Any, revision: Any) -> bool:
        self.left -= 1
        if self.left < 0:
            return False
        resolved = self._resolved(base, revision)
        if resolved is None:
            return bool(base == revision)  # compared as written
        left, right = resolved
        if not isinstance(left, dict) or not isinstance(right, dict):
            return bool(left == right)
        key = (id(left), id(right))
        if key in self.assumed:
            return True
        self.assumed.add(key)
        if "allOf" in left or "allOf" in right:
            merged = (flatten(left, self.documents[0]), flatten(right, self.documents[1]))
            if merged[0] is not None and merged[1] is not None:
                left, right = merged
        keys = {k for k in left if not annotation(k)}
        if keys != {k for k in right if not annotation(k)}:
            return False
        return all(self._value(k, left[k], right[k]) for k in keys)

    def _resolved(self, base: Any, revision: Any) -> tuple[Any, Any] | None:
        """Both schemas with references followed, or None to compare them as written.

        As written: a reference with siblings (3.1), or one that leads nowhere.
        """
        if _ref_with_siblings(base) or _ref_with_siblings(revision):
            return None
        left = _boolean(dereference(base, self.documents[0]))
        right = _boolean(dereference(revision, self.documents[1]))
        if reference_of(left) is not None or reference_of(right) is not None:
            return None
        return left, right

    def _value(self, key: str, base: Any, revision: Any) -> bool:
        if isinstance(base, list) and isinstance(revision, list) and key in _SUBSCHEMA_LISTS:
            return self._pairwise(base, revision)
        if isinstance(base, dict) and isinstance(revision, dict) and key in _SUBSCHEMA_MAPS:
            return base.keys() == revision.keys() and all(
                self.same(base[name], revision[name]) for name in base
            )
        if key in _SUBSCHEMA:
            return self.same(base, revision)
        if key in _UNORDERED:
            return bool(_as_set(base) == _as_set(revision))
        return bool(base == revision)

    def _pairwise(self, base: list[Any], revision: list[Any]) -> bool:
        return len(base) == len(revision) and all(
            self.same(a, b) for a, b in zip(base, revision, strict=True)
        )


def _boolean(schema: Any) -> Any:
    """`true` is the schema that admits everything, `{}`."""
    return {} if schema is True else schema


def _ref_with_siblings(schema: Any) -> bool:
    return (
        isinstance(schema, dict)
        and "$ref" in schema
        and any(k != "$ref" and not annotation(k) for k in schema)
    )


def _as_set(value: Any) -> frozenset[str]:
    items = value if isinstance(value, list) else [value]
    return frozenset(json.dumps(item, sort_keys=True, default=str) for item in items)


def flatten(schema: Any, document: Any) -> dict[str, Any] | None:
    """`schema` (resolved in `document`) with its `allOf` members merged into it, or None.

    None when a merge would change what the schema accepts: two members constrain the same
    keyword differently, `additionalProperties` or `unevaluatedProperties` beside properties
    that other members declare, keywords read together (`items`/`prefixItems`,
    `if`/`then`/`else`, `type`/`nullable`) split between members, a member that sets its own
    scope (`$id`, a reference that leads nowhere). A schema without `allOf` is itself.
    """
    parts: list[dict[str, Any]] = []
    if not _collect(schema, document, 0, parts, parent=True):
        return None
    if len(parts) == 1:
        return parts[0]
    return _merge(parts)


def _collect(
    schema: Any, document: Any, depth: int, parts: list[dict[str, Any]], *, parent: bool
) -> bool:
    resolved = _boolean(dereference(schema, document))
    if depth > _MAX_DEPTH or len(parts) >= _MAX_PARTS or not isinstance(resolved, dict):
        return False
    if not parent and (_SCOPE & resolved.keys()):
        return False
    members = resolved.get("allOf")
    if resolved.get("nullable") is False:  # the default, said aloud: not a constraint to merge
        resolved = {k: v for k, v in resolved.items() if k != "nullable"}
    if members is None:
        parts.append(resolved)
        return True
    if not isinstance(members, list) or reference_of(resolved) is not None:
        return False
    parts.append({k: v for k, v in resolved.items() if k != "allOf"})
    return all(_collect(member, document, depth + 1, parts, parent=False) for member in members)


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any] | None:
    merged = _grouped(parts)
    if merged is None:
        return None
    for part in parts:
        for key, value in part.items():
            if key in _GROUPED:
                continue
            if annotation(key):
                merged.setdefault(key, value)
            elif key in ("properties", "patternProperties", "required"):
                if not _union(merged, key, value):
                    return None
            elif key in merged and merged[key] != value:
                return None
            else:
                merged[key] = value
    return merged


def _grouped(parts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The keywords read together, merged; None when they cannot be.

    Each group comes from the one member that has it (or is the same in every member that has
    it); None when they differ, or when a member closes the object to properties another
    member declares.
    """
    merged: dict[str, Any] = {}
    for group in _GROUPS:
        found = [{k: p[k] for k in group if k in p} for p in parts if any(k in p for k in group)]
        if any(other != found[0] for other in found[1:]):
            return None
        merged.update(found[0] if found else {})
    holders = [p for p in parts if any(k in p for k in _OBJECT)]
    closed = any(
        p.get("additionalProperties") not in (None, True, {}) or "unevaluatedProperties" in p
        for p in parts
    )
    return None if closed and len(holders) > 1 else merged


def _union(merged: dict[str, Any], key: str, value: Any) -> bool:
    """Adds a member's properties (or required names) to the merged ones.

    False when one name has two different schemas.
    """
    if key == "required":
        if not isinstance(value, list):
            return False
        names = merged.setdefault(key, [])
        names.extend(name for name in value if name not in names)
        return True
    if not isinstance(value, dict):
        return False
    target = merged.setdefault(key, {})
    for name, schema in value.items():
        if name in target and target[name] != schema:
            return False
        target[name] = schema
    return True
