"""Walking a base schema and its revision side by side, following `$ref`s and stopping at cycles.

A `SchemaWalk` is made once per schema root (a request body, a response body, a parameter)
and visits every pair of subschemas the two versions share: properties by name, array items,
additional properties, `allOf`/`oneOf`/`anyOf` members matched by `$ref`, then title, then
position. At each pair it runs the checks in `verifier.spec_diff.constraints` and
`verifier.spec_diff.objects`. Referenced schemas whose content (and whose references'
content) is the same in both versions are skipped, so a small edit to a large spec costs the
walk of what reaches it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from verifier.comparison import Spec
from verifier.comparison.schemas import as_pointer, dereference, pointer_of, reference_of
from verifier.spec_diff.equivalence import equivalent
from verifier.spec_diff.lifecycle import DeprecationPolicy
from verifier.spec_diff.model import Change, Level, Target
from verifier.spec_diff.structure import Shape, recognise

Direction = Literal["request", "response"]
_MAX_DEPTH = 40  # deeper than any real schema; guards against pathological inline nesting
_MAX_ENTRIES = 32  # other paths to a shared schema kept for impact; enough to name consumers
_MAX_EQUIVALENCES = 64  # member pairs compared in depth for one combinator; lists are short


@dataclass(slots=True)
class SchemaWalk:
    """The state of one side-by-side walk: where it started and what it has found.

    Attributes:
        base: the base spec. revision: the revision spec.
        direction: `request` schemas break clients when they narrow, `response` ones when they
            widen.
        operation: `METHOD /path` of the operation the schema belongs to.
        target: the target every change of this walk gets, with its `field` filled in.
        prefix: the id prefix at the root (`request-body`, `response-body`,
            `request-parameter`); below the root it becomes `…-property`.
        unchanged: `$ref`s whose content is the same in both versions.
        label: what the root is called in the changes' text (`body`, `query parameter q`).
        strongly_typed: values are JSON, where `1` is not `"1"`; false for text (a parameter,
            an XML or form body), where any value also reads as a string.
        today: the date sunset dates are judged against (None: not judged).
        policy: the notice a deprecation must give (None: any sunset, or none, will do).
        changes: what the walk found, in order.
    """

    base: Spec
    revision: Spec
    direction: Direction
    operation: str
    target: Target
    prefix: str
    unchanged: References
    label: str = "body"
    strongly_typed: bool = True
    today: date | None = None
    policy: DeprecationPolicy | None = None
    changes: list[Change] = field(default_factory=list)

    def emit(self, node: Node, suffix: str, level: Level, text: str) -> None:
        """Record a change at `node`, its id built from the node's prefix and `suffix`."""
        prefix = node.prefix
        if prefix == "request-parameter" and suffix in _PARAMETER_PROPERTY and node.in_property:
            prefix = "request-parameter-property"  # oasdiff's ids for an object parameter's parts
        self.changes.append(
            Change(
                id=f"{prefix}-{suffix}",
                level=level,
                operation=self.operation,
                location=node.location,
                text=text,
                target=replace(self.target, field=node.field),
            )
        )

    def emit_target(
        self, node: Node, change_id: str, level: Level, text: str, step: str = "", **kw: Any
    ) -> None:
        """Record a change with a full id at `step` below the node; `kw` adjusts the target."""
        self.changes.append(
            Change(
                id=change_id,
                level=level,
                operation=self.operation,
                location=f"{node.location}.{step}" if step else node.location,
                text=text,
                target=replace(self.target, **{"field": node.field, **kw}),
            )
        )

    def same(self, base: Any, revision: Any) -> bool:
        """True when the two raw schemas are equal and reach only unchanged references."""
        return self.unchanged.same(base, revision)


@dataclass(frozen=True, slots=True)
class Node:
    """A pair of subschemas reached by the walk, resolved, with where they are."""

    base: dict[str, Any]
    revision: dict[str, Any]
    field: tuple[str, ...]
    location: str
    prefix: str
    root: str = "body"

    @property
    def in_property(self) -> bool:
        """True below a property of the root (not only in its array items)."""
        return any(segment != "[]" for segment in self.field)

    @property
    def name(self) -> str:
        """The field as a user reads it (`address/city`), or the root's label (`body`)."""
        return "/".join(self.field) if self.field else self.root


Check = Callable[[SchemaWalk, Node], None]

# the changes oasdiff reports for a property of an object parameter with ids of their own
_PARAMETER_PROPERTY = frozenset(
    {
        "became-nullable",
        "became-not-nullable",
        "enum-value-added",
        "enum-value-removed",
        "list-of-types-narrowed",
        "list-of-types-widened",
        "type-changed",
        "type-generalized",
        "type-specialized",
    }
)


def walk(
    state: SchemaWalk, base: Any, revision: Any, location: str, checks: Sequence[Check]
) -> list[Change]:
    """Compare `base` with `revision` and everything under them; returns the changes found.

    The walk is breadth first and enters each pair of referenced schemas once, so a change
    inside a schema many paths reach (Stripe's `customer`) is reported once, at the shortest
    path; the other paths that reach it (up to `_MAX_ENTRIES`) go in its target's `also`.
    """
    entries: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    anchors: list[tuple[tuple[str, str], int] | None] = []
    queue: deque[_Pending] = deque([_Pending(base, revision, (), location, state.prefix, 0, None)])
    while queue:
        item = queue.popleft()
        if item.depth > _MAX_DEPTH or state.same(item.base, item.revision):
            continue
        anchor = item.anchor
        key = (
            _canonical(item.base, state.base.document),
            _canonical(item.revision, state.revision.document),
        )
        if key != ("", ""):
            if key in entries:
                if len(entries[key]) < _MAX_ENTRIES:
                    entries[key].append(item.path)
                continue
            entries[key] = [item.path]
            anchor = (key, len(item.path))
        resolved_base = dereference(item.base, state.base.document)
        resolved_revision = dereference(item.revision, state.revision.document)
        if not isinstance(resolved_base, dict) or not isinstance(resolved_revision, dict):
            continue
        node = Node(
            resolved_base, resolved_revision, item.path, item.location, item.prefix, state.label
        )
        shape = _shape(state, node)
        checked = node if shape is None else replace(node, base=shape.base, revision=shape.revision)
        pair = (id(resolved_base), id(resolved_revision))
        quiet = (pair, item.prefix, state.direction, bool(item.path), id(checks))
        if quiet not in state.unchanged.quiet:
            found = len(state.changes)
            if shape is not None and shape.report is not None:
                state.emit(node, *shape.report)
            for check in checks:
                check(state, checked)
            if len(state.changes) == found:
                state.unchanged.quiet.add(quiet)
            anchors.extend([anchor] * (len(state.changes) - found))
        for child_base, child_revision, segment, where in _pairs(state, node, checked, shape):
            child_path = item.path if segment == "" else (*item.path, segment)
            queue.append(
                _Pending(
                    child_base,
                    child_revision,
                    child_path,
                    f"{item.location}.{where}" if where else item.location,
                    _property_prefix(state.prefix),
                    item.depth + 1,
                    anchor,
                )
            )
    return [_with_other_paths(c, a, entries) for c, a in zip(state.changes, anchors, strict=True)]


def _pairs(
    state: SchemaWalk, node: Node, checked: Node, shape: Shape | None
) -> list[tuple[Any, Any, str, str]]:
    """The pairs under `node` to walk next: its children, or those of its structural change."""
    documents = (state.base.document, state.revision.document)
    if shape is not None:  # not cached: a parameter's walk, which sees no shape, may share it
        return children(checked, documents) + shape.pairs
    pair = (id(node.base), id(node.revision))
    pairs = state.unchanged.children.get(pair)
    if pairs is None:
        pairs = children(node, documents)
        state.unchanged.children[pair] = pairs
    return pairs


def _shape(state: SchemaWalk, node: Node) -> Shape | None:
    """A structural change at `node` (`verifier.spec_diff.structure`), in bodies only."""
    base, revision = node.base, node.revision
    if not (
        "oneOf" in base
        or "anyOf" in base
        or "allOf" in base
        or "oneOf" in revision
        or "anyOf" in revision
        or "allOf" in revision
    ) or not node.prefix.endswith(("-body", "-property")):
        return None  # the common case, kept cheap: no combinator on either side
    documents = (state.base.document, state.revision.document)
    where = f"{state.direction} {node.name}"
    return recognise(node.base, node.revision, documents, direction=state.direction, where=where)


@dataclass(frozen=True, slots=True)
class _Pending:
    base: Any
    revision: Any
    path: tuple[str, ...]
    location: str
    prefix: str
    depth: int
    anchor: tuple[tuple[str, str], int] | None


def _with_other_paths(
    change: Change,
    anchor: tuple[tuple[str, str], int] | None,
    entries: dict[tuple[str, str], list[tuple[str, ...]]],
) -> Change:
    if anchor is None or len(entries[anchor[0]]) == 1:
        return change
    key, depth = anchor
    suffix = change.target.field[depth:]
    also = tuple((*entry, *suffix) for entry in entries[key][1:])
    return replace(change, target=replace(change.target, also=also))


def _property_prefix(root: str) -> str:
    return root.replace("-body", "-property") if root.endswith("-body") else root


def children(node: Node, documents: tuple[Any, Any]) -> list[tuple[Any, Any, str, str]]:
    """The pairs of subschemas under `node`: (base, revision, field segment, location step).

    The field segment is a property name, `[]` for array items, `*` for additional properties
    and "" for combinator members, which describe the same value as their parent.
    """
    pairs: list[tuple[Any, Any, str, str]] = []
    base_properties = node.base.get("properties") or {}
    revision_properties = node.revision.get("properties") or {}
    if isinstance(base_properties, dict) and isinstance(revision_properties, dict):
        for name, schema in base_properties.items():
            if name in revision_properties:
                pairs.append((schema, revision_properties[name], str(name), f"properties.{name}"))
    for key, segment in (("items", "[]"), ("additionalProperties", "*"), ("contains", "[]")):
        if isinstance(node.base.get(key), dict) and isinstance(node.revision.get(key), dict):
            pairs.append((node.base[key], node.revision[key], segment, key))
    pairs.extend(_keyword_children(node))
    for key in ("allOf", "oneOf", "anyOf"):
        for base_index, revision_index in matched_members(node, key, documents)[0]:
            pairs.append(
                (
                    node.base[key][base_index],
                    node.revision[key][revision_index],
                    "",
                    f"{key}[{revision_index}]",
                )
            )
    return pairs


def _keyword_children(node: Node) -> list[tuple[Any, Any, str, str]]:
    """The pairs under JSON Schema 2020-12's subschema keywords (OpenAPI 3.1)."""
    pairs: list[tuple[Any, Any, str, str]] = []
    for key, segment in _APPLICATORS:
        if isinstance(node.base.get(key), dict) and isinstance(node.revision.get(key), dict):
            pairs.append((node.base[key], node.revision[key], segment, key))
    for key, segment in (("dependentSchemas", ""), ("patternProperties", "*")):
        base_map, revision_map = node.base.get(key), node.revision.get(key)
        if isinstance(base_map, dict) and isinstance(revision_map, dict):
            for name, schema in base_map.items():
                if name in revision_map:
                    pairs.append((schema, revision_map[name], segment, f"{key}.{name}"))
    base_tuple, revision_tuple = node.base.get("prefixItems"), node.revision.get("prefixItems")
    if isinstance(base_tuple, list) and isinstance(revision_tuple, list):
        for index, (schema, other) in enumerate(zip(base_tuple, revision_tuple, strict=False)):
            pairs.append((schema, other, "[]", f"prefixItems[{index}]"))
    return pairs


# JSON Schema 2020-12 subschemas (OpenAPI 3.1) and the field segment of the value each checks:
# `then`/`else` constrain the value itself, unevaluated ones its other properties or items.
# `if` and `not` are not entered: a change inside them works the other way round.
_APPLICATORS = (
    ("then", ""),
    ("else", ""),
    ("propertyNames", ""),
    ("unevaluatedProperties", "*"),
    ("unevaluatedItems", "[]"),
)


def matched_members(
    node: Node, key: str, documents: tuple[Any, Any]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """`key`'s members paired across versions, then those only in base and only in revision.

    Members pair by `$ref`, then by `title`, then by content (a reference renamed, or replaced
    by the same schema inline), then the remaining inline ones by position.
    """
    if key not in node.base and key not in node.revision:
        return [], [], []
    base = node.base.get(key) if isinstance(node.base.get(key), list) else []
    revision = node.revision.get(key) if isinstance(node.revision.get(key), list) else []
    assert isinstance(base, list)  # narrowed above; mypy cannot follow the conditional
    assert isinstance(revision, list)
    pairs: list[tuple[int, int]] = []
    free = list(range(len(revision)))
    left: list[int] = []
    for index, member in enumerate(base):
        match = next((j for j in free if _member_key(revision[j]) == _member_key(member)), None)
        if match is None or _member_key(member) is None:
            left.append(index)
            continue
        pairs.append((index, match))
        free.remove(match)
    # a member renamed but unchanged (`Dog` -> `MyDog`), or a reference replaced by its schema
    thorough = len(left) * len(free) <= _MAX_EQUIVALENCES
    for index in list(left):
        content = dereference(base[index], documents[0])
        match = next(
            (
                j
                for j in free
                if content is not None
                and (
                    content == dereference(revision[j], documents[1])
                    or (
                        thorough
                        and (_ref(base[index]) or _ref(revision[j]))
                        and equivalent(base[index], revision[j], documents)
                    )
                )
            ),
            None,
        )
        if match is not None and (_ref(base[index]) or _ref(revision[match])):
            pairs.append((index, match))
            left.remove(index)
            free.remove(match)
    inline_base = [i for i in left if not _ref(base[i])]
    inline_revision = [j for j in free if not _ref(revision[j])]
    for i, j in zip(inline_base, inline_revision, strict=False):
        pairs.append((i, j))
        left.remove(i)
        free.remove(j)
    return pairs, left, free


def _member_key(member: Any) -> str | None:
    if not isinstance(member, dict):
        return None
    if _ref(member):
        return "ref:" + _ref(member)
    title = member.get("title")
    return f"title:{title}" if isinstance(title, str) and title else None


def _canonical(node: Any, document: Any) -> str:
    """The reference `node` is, as the local pointer it names, or as written if it names nothing.

    An anchor and the pointer to the same schema are then one key.
    """
    ref = reference_of(node)
    if ref is None:
        return ""
    if ref.startswith("#/"):
        return ref  # a pointer already (the common case, kept cheap)
    path = pointer_of(ref, document)
    return ref if path is None else as_pointer(path)


def _ref(node: Any) -> str:
    return reference_of(node) or ""


def _refs(node: Any) -> list[str]:
    found: list[str] = []
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, dict):
            ref = reference_of(current)
            if ref is not None:
                found.append(ref)
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
    return found


class References:
    """The `$ref`s whose content is the same in both versions, and what the walks learnt.

    One per diff, shared by the walks of every operation: which subtrees are equal, the child
    pairs of each pair of schemas, and the pairs whose checks found nothing (a schema many
    operations reach through a changed one is then checked once). Schemas are keyed by `id`:
    they are nodes of the two documents, which live as long as the diff.
    """

    def __init__(self, unchanged: frozenset[str]) -> None:
        """Keep `unchanged`, the references equal in both versions."""
        self.unchanged = unchanged
        self._same: dict[tuple[int, int], bool] = {}
        self.children: dict[tuple[int, int], list[tuple[Any, Any, str, str]]] = {}
        self.quiet: set[tuple[Any, ...]] = set()

    def __contains__(self, ref: object) -> bool:
        return ref in self.unchanged

    def same(self, base: Any, revision: Any) -> bool:
        """True when the raw schemas are equal and reach only unchanged references."""
        key = (id(base), id(revision))
        known = self._same.get(key)
        if known is None:
            known = base == revision and all(ref in self.unchanged for ref in _refs(base))
            self._same[key] = known
        return known


def unchanged_references(base: Spec, revision: Spec) -> References:
    """The local `$ref`s whose target, and everything it references, is equal in both specs."""
    targets: dict[str, tuple[Any, Any]] = {}
    pending = _refs(base.document) + _refs(revision.document)
    while pending:
        ref = pending.pop()
        if ref in targets or not ref.startswith("#/"):
            continue
        left = _target(base, ref)
        right = _target(revision, ref)
        targets[ref] = (left, right)
        pending.extend(_refs(left))
        pending.extend(_refs(right))
    changed = {ref for ref, (left, right) in targets.items() if left != right or left is None}
    reached_by: dict[str, set[str]] = {}
    for ref, (left, _) in targets.items():
        for inner in _refs(left):
            reached_by.setdefault(inner, set()).add(ref)
    frontier = list(changed)
    while frontier:
        for parent in reached_by.get(frontier.pop(), ()):
            if parent not in changed:
                changed.add(parent)
                frontier.append(parent)
    return References(frozenset(set(targets) - changed))


def _target(spec: Spec, ref: str) -> Any:
    resolved = dereference({"$ref": ref}, spec.document)
    return None if isinstance(resolved, dict) and resolved.get("$ref") == ref else resolved
