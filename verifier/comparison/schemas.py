"""The schemas the checks validate against, prepared from the spec as the comparator prepares them.

For every schema the comparator first makes a *minimum schema*: `nullable` becomes a `null`
type, boolean `exclusiveMinimum`/`exclusiveMaximum` (OpenAPI 3.0) become numbers, a
discriminator only counts with `oneOf` (and its property is then required), and `allOf` is
merged into one schema, because OpenAPI means "all these properties" where JSON Schema means
"each of these schemas" (lodash's deep merge, arrays merged item by item). Response schemas are
then *closed*: an object schema without `additionalProperties` or a combinator gets
`additionalProperties: false`, and `required` goes everywhere but under `oneOf`, so a consumer
may read fewer properties than the provider sends but none it does not declare.

Closing is Accord's one rule for undeclared response properties: `additionalProperties`
absent, `false` or `true` all close an object (openapi-pact-comparator forces `true` to
`false` too), and only a schema there (`{}` admits anything) opens it. `accord verify
--openapi` judges the provider's real responses by the same closed schemas
(`responses.closed_schema_errors`), so it and `compare-spec` agree.

A referenced schema is transformed once per spec and per direction, then shared: a validation
root is the transformed schema plus, at their own paths (`components.schemas.X`,
`definitions.X`), the transformed schemas it reaches, so an error inside one names that path.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote

from verifier._errors import SpecError

_CHILD_LISTS = ("allOf", "oneOf", "anyOf")
_CHILD_SCHEMAS = ("not", "items", "additionalProperties")


def split_ref(ref: str) -> list[str] | None:
    """The JSON pointer segments of a local `$ref` (`#/a/b`), or None for another document."""
    if not ref.startswith("#/"):
        return None
    return [unquote(part.replace("~1", "/").replace("~0", "~")) for part in ref[2:].split("/")]


def get_path(document: Any, path: list[str]) -> Any:
    """The value at `path` in `document`, or None."""
    for part in path:
        if isinstance(document, dict):
            document = document.get(part)
        elif isinstance(document, list) and part.isdigit() and int(part) < len(document):
            document = document[int(part)]
        else:
            return None
    return document


def reference_of(node: Any) -> str | None:
    """The reference a schema is: its `$ref`, else its `$dynamicRef` (JSON Schema 2020-12)."""
    if not isinstance(node, dict):
        return None
    for key in ("$ref", "$dynamicRef"):
        if isinstance(node.get(key), str):
            return str(node[key])
    return None


_Link = tuple[str, "_Link"] | None
# Keywords whose values are data, not schemas: an `$anchor` or `$ref` in them names nothing.
_VALUES = frozenset({"example", "examples", "enum", "const", "default"})


def _segments(link: _Link) -> list[str]:
    found: list[str] = []
    while link is not None:
        found.append(link[0])
        link = link[1]
    return found[::-1]


class _Anchors:
    """Where a document's `$anchor`, `$dynamicAnchor` and `$id` names point, as JSON pointers.

    Built once per document by one iterative pass (any depth, no recursion); the first
    definition of a name wins, as a document that defines one twice is ambiguous anyway.
    """

    def __init__(self, document: Any) -> None:
        self.anchors: dict[str, list[str]] = {}
        self.dynamic: dict[str, list[str]] = {}
        self.ids: dict[str, list[str]] = {}
        # A path is kept as a linked (segment, parent) pair, so deep nesting costs no copies.
        pending: list[tuple[Any, _Link]] = [(document, None)]
        while pending:
            node, link = pending.pop()
            if isinstance(node, dict):
                for key, table in (
                    ("$anchor", self.anchors),
                    ("$dynamicAnchor", self.dynamic),
                    ("$id", self.ids),
                ):
                    name = node.get(key)
                    if isinstance(name, str) and name and link is not None:
                        table.setdefault(name.rstrip("#"), _segments(link))
                pending.extend(
                    (value, (str(key), link))
                    for key, value in node.items()
                    if isinstance(value, dict | list) and key not in _VALUES
                )
            elif isinstance(node, list):
                pending.extend(
                    (value, (str(index), link))
                    for index, value in enumerate(node)
                    if isinstance(value, dict | list)
                )

    def in_resource(self, path: list[str], document: Any) -> list[str] | None:
        """`#/$defs/…` written inside a schema with an `$id`: that resource's `$defs`.

        A reference does not say which resource it is written in, so the pointer is taken
        from the one `$id` resource it names something in; when several do, none is chosen.
        """
        found = [
            [*start, *path]
            for start in self.ids.values()
            if get_path(document, [*start, *path]) is not None
        ]
        return found[0] if len(found) == 1 else None

    def pointer(self, ref: str) -> list[str] | None:
        """The JSON pointer segments `ref` names in the document, or None."""
        base, _, fragment = ref.partition("#")
        start: list[str] = []
        if base:
            found = self.ids.get(base)
            if found is None:  # a relative `$id` reference (`tag`, `./tag`): one match only
                name = base.removeprefix("./")
                matches = [path for key, path in self.ids.items() if key.endswith("/" + name)]
                found = matches[0] if len(matches) == 1 else None
            if found is None:
                return None
            start = found
        if not fragment:
            return start if base else None
        if fragment.startswith("/"):
            return [*start, *(split_ref("#" + fragment) or [])]
        for table in (self.anchors, self.dynamic):
            path = table.get(fragment)
            if path is not None and path[: len(start)] == start:
                return path
        return None


_anchor_cache: dict[int, tuple[Any, _Anchors]] = {}
_ANCHOR_CACHE_SIZE = 16


_anchor_lock = threading.Lock()


def _anchors(document: Any) -> _Anchors:
    with _anchor_lock:
        entry = _anchor_cache.get(id(document))
    if entry is None or entry[0] is not document:
        entry = (document, _Anchors(document))
        with _anchor_lock:
            while len(_anchor_cache) >= _ANCHOR_CACHE_SIZE:
                _anchor_cache.pop(next(iter(_anchor_cache)))
            _anchor_cache[id(document)] = entry
    return entry[1]


def pointer_of(ref: str, document: Any) -> list[str] | None:
    """The JSON pointer segments of `ref` in `document`, or None when it names nothing there.

    `ref` is a local pointer (`#/a/b`), or (OpenAPI 3.1) an `$anchor` or `$dynamicAnchor` name
    (`#node`), or a schema `$id` with an optional fragment after it.
    """
    path = split_ref(ref)
    if path is not None:
        if path[:1] == ["$defs"] and get_path(document, path) is None and is_openapi31(document):
            return _anchors(document).in_resource(path, document) or path
        return path
    if not isinstance(document, dict):
        return None
    return _anchors(document).pointer(ref)


def as_pointer(segments: list[str]) -> str:
    """A local `$ref` (`#/a/b`) naming `segments`."""
    return "#/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in segments)


def dereference(node: Any, document: Any) -> Any:
    """`node` with its chain of local references followed (itself when it has none or one fails).

    `$ref`s, and OpenAPI 3.1's anchors, `$id`s and `$dynamicRef`s (resolved statically).
    """
    seen: set[str] = set()
    current = node
    while (ref := reference_of(current)) is not None:
        path = pointer_of(ref, document)
        if ref in seen or path is None:
            return node
        seen.add(ref)
        target = get_path(document, path)
        if target is None:
            return node
        current = target
    return current


def refers_to_itself(node: Any, document: Any) -> bool:
    """Whether `node`'s chain of references comes back to one it passed, with no schema between.

    Such a schema is only a reference to itself, directly or through others.
    """
    seen: set[str] = set()
    while (ref := reference_of(node)) is not None:
        path = pointer_of(ref, document)
        if path is None:
            return False
        if ref in seen:
            return True
        seen.add(ref)
        node = get_path(document, path)
    return False


def subschemas(schema: Any) -> Iterator[Any]:
    """The schemas the comparator's transforms walk into."""
    if not isinstance(schema, dict):
        return
    for key in _CHILD_LISTS:
        if isinstance(schema.get(key), list):
            yield from schema[key]
    if isinstance(schema.get("prefixItems"), list):  # OpenAPI 3.1's tuples, read like `items`
        yield from schema["prefixItems"]
    if isinstance(schema.get("properties"), dict):
        yield from schema["properties"].values()
    for key in _CHILD_SCHEMAS:
        if key in schema:
            yield schema[key]


def walk(schema: Any, visit: Callable[[dict[str, Any]], None]) -> None:
    """Call `visit` on every schema object under `schema`, children first."""
    if not isinstance(schema, dict):
        return
    for child in subschemas(schema):
        walk(child, visit)
    visit(schema)


def _nullable(schema: dict[str, Any], document: Any) -> None:
    """OpenAPI 3.0's `nullable`: a `null` type added (a referenced schema's type copied)."""
    if "$ref" in schema:
        if "type" not in schema:
            target = dereference(schema, document)
            if isinstance(target, dict) and "type" in target:
                schema["type"] = target["type"]
        return
    schema.setdefault("type", "object")
    if not isinstance(schema["type"], list):
        schema["type"] = [schema["type"], "null"]


def _normalise(schema: dict[str, Any], document: Any) -> None:
    if isinstance(schema.get("$ref"), str) and split_ref(schema["$ref"]) is None:
        del schema["$ref"]  # another document: not fetched (the engine is pure), so not checked
    discriminator = schema.get("discriminator")
    if discriminator and not schema.get("oneOf"):
        del schema["discriminator"]
    elif isinstance(discriminator, dict) and discriminator.get("propertyName"):
        required = list(schema.get("required") or [])
        name = discriminator["propertyName"]
        schema["required"] = required if name in required else [*required, name]
    if schema.get("nullable"):
        _nullable(schema, document)
    for bound, limit in (("exclusiveMaximum", "maximum"), ("exclusiveMinimum", "minimum")):
        if schema.get(bound) is True and limit in schema:
            schema[bound] = schema.pop(limit)
        elif isinstance(schema.get(bound), bool):
            del schema[bound]


def is_openapi31(document: Any) -> bool:
    """Whether `document` is OpenAPI 3.1 (JSON Schema 2020-12 schemas)."""
    return isinstance(document, dict) and str(document.get("openapi", "")).startswith("3.1")


def _local_references(schema: Any, document: Any) -> None:
    """OpenAPI 3.1: references by anchor or `$id` rewritten as the local pointers they name.

    Each `$ref` and `$dynamicRef` becomes the `$ref` of the pointer it names, and `$id`s and
    anchors are dropped, so the validation root (which holds the fragments at their document
    paths) is one resource whose pointers mean the document's. A `$dynamicRef` is resolved
    statically, to the first `$dynamicAnchor` of its name.
    """
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = reference_of(node)
            if ref is not None:
                path = pointer_of(ref, document)
                node.pop("$dynamicRef", None)
                if path is not None:
                    node["$ref"] = as_pointer(path)
            for key in ("$id", "$anchor", "$dynamicAnchor", "$schema"):
                if isinstance(node.get(key), str):
                    del node[key]
            pending.extend(value for key, value in node.items() if key not in _VALUES)
        elif isinstance(node, list):
            pending.extend(node)


def minimum(schema: Any, document: Any) -> Any:
    """A copy of one schema fragment with the comparator's local rewrites applied."""
    prepared = copy.deepcopy(schema)
    if is_openapi31(document):
        _local_references(prepared, document)
    if isinstance(prepared, dict):
        prepared.pop("description", None)
        prepared.pop("example", None)
        walk(prepared, lambda node: _normalise(node, document))
    return prepared


def references(schema: Any) -> list[str]:
    """The local `$ref`s anywhere in a prepared fragment, in document order."""
    found: dict[str, None] = {}
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and split_ref(ref) is not None:
                found.setdefault(ref, None)
            pending.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            pending.extend(reversed(node))
    return list(found)


def _merge(target: Any, source: Any) -> Any:
    """Lodash's `merge`: objects merged key by key, arrays item by item, the rest replaced."""
    if isinstance(source, dict):
        merged = dict(target) if isinstance(target, dict) else {}
        for key, value in source.items():
            merged[key] = _merge(merged.get(key), value)
        return merged
    if isinstance(source, list):
        items = list(target) if isinstance(target, list) else []
        for index, value in enumerate(source):
            items[index : index + 1] = [_merge(items[index] if index < len(items) else None, value)]
        return items
    return source


def flatten(schema: Any, lookup: Callable[[str], Any], active: frozenset[str] = frozenset()) -> Any:
    """`schema` with each `allOf` merged into its parent (after the comparator's rules).

    `lookup` gives the prepared schema a `$ref` names; `active` holds the references being
    merged, so a schema that includes itself through `allOf` stops instead of looping.
    """
    if not isinstance(schema, dict):
        return schema
    if isinstance(schema.get("allOf"), list):
        merged: Any = {key: value for key, value in schema.items() if key != "allOf"}
        for part in schema["allOf"]:
            inner, included = active, part
            if isinstance(part, dict) and isinstance(part.get("$ref"), str):
                ref = part["$ref"]
                target = None if ref in active else lookup(ref)
                if isinstance(target, dict):
                    rest = {key: value for key, value in part.items() if key != "$ref"}
                    included, inner = {**rest, **target}, active | {ref}
            flat = flatten(included, lookup, inner)
            merged = _merge(merged, _inline_property_refs(flat, lookup, inner))
        return merged
    if isinstance(schema.get("properties"), dict):
        properties = {
            name: flatten(value, lookup, active) for name, value in schema["properties"].items()
        }
        return {**schema, "properties": properties}
    for key in ("oneOf", "anyOf", "not", "items", "additionalProperties"):
        if schema.get(key):
            value = schema[key]
            changed = (
                [flatten(item, lookup, active) for item in value]
                if isinstance(value, list)
                else flatten(value, lookup, active)
            )
            return {**schema, key: changed}
    return schema


def _inline_property_refs(schema: Any, lookup: Callable[[str], Any], active: frozenset[str]) -> Any:
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return schema
    properties = dict(schema["properties"])
    for name, value in properties.items():
        if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("$ref"), str):
            ref = value["$ref"]
            target = None if ref in active else lookup(ref)
            if target:
                properties[name] = flatten(target, lookup, active | {ref})
    return {**schema, "properties": properties}


def close(schema: Any) -> None:
    """Close the object schemas of one prepared fragment and drop `required` (responses)."""

    def visit(node: dict[str, Any]) -> None:
        if "$ref" in node:
            return  # the referenced schema is closed as a fragment of its own
        if (
            node.get("additionalProperties", True) is True
            and not any(node.get(key) for key in _CHILD_LISTS)
            and node.get("type") == "object"
        ):
            node["additionalProperties"] = False
        if not node.get("oneOf"):
            node.pop("required", None)

    walk(schema, visit)


# How large one schema may grow once `flatten` has inlined the references under its `allOf`s.
MAX_EXPANDED_NODES = 200_000
# How many references `flatten` may inline inside one another (and schema levels in between).
MAX_EXPANSION_DEPTH = 64


def check_expansion(document: Any) -> None:
    """Refuse a document whose `allOf` references expand beyond what a comparison can prepare.

    `flatten` copies each schema an `allOf` names into its parent, and the properties of that
    schema that are bare references too, so nine schemas each naming the previous nine times
    stand for 9⁹ nodes. This estimates, without building anything, the size of every schema
    that holds an `allOf` once flattened, measuring each referenced schema once.

    Raises:
        SpecError: a schema expands to more than `MAX_EXPANDED_NODES` nodes, or its references
            nest more than `MAX_EXPANSION_DEPTH` levels deep.
    """
    # Each measure is (nodes once flattened, how many schemas deep flatten recurses for it).
    measured: dict[str, tuple[int, int]] = {}
    too_deep = SpecError(
        f"The spec's schemas nest more than {MAX_EXPANSION_DEPTH} levels deep through $ref."
    )

    def of_ref(ref: str, active: frozenset[str], path: int) -> tuple[int, int]:
        if ref in active or split_ref(ref) is None:
            return 1, 0
        if ref not in measured:
            target = get_path(document, split_ref(ref) or [])
            measured[ref] = size(target, active | {ref}, path + 1)
        return measured[ref]

    def merged(part: Any, active: frozenset[str], path: int) -> tuple[int, int]:
        """An `allOf` member: its schema, and the bare references among its properties."""
        if isinstance(part, dict) and isinstance(part.get("$ref"), str):
            total, deepest = of_ref(part["$ref"], active, path)
            part = dereference(part, document)
        else:
            total, deepest = size(part, active, path + 1)
        properties = part.get("properties") if isinstance(part, dict) else None
        for value in properties.values() if isinstance(properties, dict) else ():
            if isinstance(value, dict) and len(value) == 1 and "$ref" in value:
                nodes, depth = of_ref(str(value["$ref"]), active, path)
                total, deepest = total + nodes, max(deepest, depth)
        return total, deepest

    def size(schema: Any, active: frozenset[str], path: int) -> tuple[int, int]:
        if path > MAX_EXPANSION_DEPTH:  # guards this recursion, which follows flatten's
            raise too_deep
        if not isinstance(schema, dict):
            return 1, 0
        if isinstance(schema.get("allOf"), list):
            parts = [merged(part, active, path) for part in schema["allOf"]]
        elif isinstance(schema.get("properties"), dict):
            parts = [size(value, active, path + 1) for value in schema["properties"].values()]
        else:
            parts = []
            for key in ("oneOf", "anyOf", "not", "items", "additionalProperties"):
                value = schema.get(key)
                if value:
                    items = value if isinstance(value, list) else [value]
                    parts = [size(item, active, path + 1) for item in items]
                    break
        total = 1 + len(schema) + sum(nodes for nodes, _ in parts)
        deepest = 1 + max((depth for _, depth in parts), default=0)
        if total > MAX_EXPANDED_NODES:
            raise SpecError(
                f"The spec's schemas expand to more than {MAX_EXPANDED_NODES:,} nodes through"
                " $ref in allOf."
            )
        if deepest > MAX_EXPANSION_DEPTH:  # a memoised chain, met from its end first
            raise too_deep
        return total, deepest

    pending = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if isinstance(node.get("allOf"), list):
                size(node, frozenset(), 0)
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
