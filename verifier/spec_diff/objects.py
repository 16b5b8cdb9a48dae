"""Checks on a schema's structure: properties added, removed or made required, and combinators.

A request that must now carry a property it never sent breaks its clients; a response that may
now leave out a property they read breaks them too. `readOnly` properties are not sent in
requests and `writeOnly` ones not received in responses, so changes to them matter less.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from verifier.comparison.schemas import dereference
from verifier.spec_diff import lifecycle
from verifier.spec_diff.model import Level
from verifier.spec_diff.walk import Check, Node, SchemaWalk, matched_members

ERR, WARN, INFO = Level.ERR, Level.WARN, Level.INFO


def _properties(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema's properties by name (YAML allows `1:` as a name; it is the name "1")."""
    found = schema.get("properties")
    return {str(name): value for name, value in found.items()} if isinstance(found, dict) else {}


def _required(schema: dict[str, Any]) -> set[str]:
    found = schema.get("required")
    return {str(n) for n in found} if isinstance(found, list) else set()


def _flag(walk: SchemaWalk, schema: Any, spec: str, key: str) -> bool:
    document = walk.base.document if spec == "base" else walk.revision.document
    resolved = dereference(schema, document)
    return isinstance(resolved, dict) and resolved.get(key) is True


def properties(walk: SchemaWalk, node: Node) -> None:
    """Properties added, removed, made required or optional."""
    if walk.prefix == "request-parameter":
        return
    base, revision = _properties(node.base), _properties(node.revision)
    base_required, revision_required = _required(node.base), _required(node.revision)
    if walk.direction == "request":
        _request_properties(
            walk,
            node=node,
            base=base,
            revision=revision,
            base_required=base_required,
            now_required=revision_required,
        )
    else:
        _response_properties(
            walk,
            node=node,
            base=base,
            revision=revision,
            was_required=base_required,
            now_required=revision_required,
        )


def _request_properties(
    walk: SchemaWalk,
    *,
    node: Node,
    base: dict[str, Any],
    revision: dict[str, Any],
    base_required: set[str],
    now_required: set[str],
) -> None:
    for name, schema in base.items():
        if name not in revision and not _flag(walk, schema, "base", "readOnly"):
            walk.emit_target(
                node,
                "request-property-removed",
                WARN,
                f"The request property {_join(node, name)} was removed.",
                field=(*node.field, name),
            )
    for name, schema in revision.items():
        if _flag(walk, schema, "revision", "readOnly"):
            continue
        where = _join(node, name)
        field = (*node.field, name)
        if name not in base:
            if name in now_required:
                with_default = isinstance(schema, dict) and "default" in schema
                change_id = "new-required-request-property" + (
                    "-with-default" if with_default else ""
                )
                text = f"The request property {where} was added as required."
                walk.emit_target(
                    node, change_id, ERR, text, field=field, step=f"properties.{name}", absent=True
                )
            else:
                text = f"The optional request property {where} was added."
                walk.emit_target(
                    node,
                    "new-optional-request-property",
                    INFO,
                    text,
                    field=field,
                    step=f"properties.{name}",
                )
        elif name in now_required and name not in base_required:
            text = f"The request property {where} became required."
            with_default = isinstance(schema, dict) and "default" in schema
            walk.emit_target(
                node,
                "request-property-became-required" + ("-with-default" if with_default else ""),
                ERR,
                text,
                field=field,
                step=f"properties.{name}",
                absent=True,
            )
        elif name in base_required and name not in now_required:
            text = f"The request property {where} became optional."
            walk.emit_target(
                node,
                "request-property-became-optional",
                INFO,
                text,
                field=field,
                step=f"properties.{name}",
            )


def _response_properties(
    walk: SchemaWalk,
    *,
    node: Node,
    base: dict[str, Any],
    revision: dict[str, Any],
    was_required: set[str],
    now_required: set[str],
) -> None:
    for name, schema in base.items():
        where, field = _join(node, name), (*node.field, name)
        write_only = _flag(walk, schema, "base", "writeOnly")
        kind = "required" if name in was_required else "optional"
        if name not in revision:
            change_id = f"response-{kind}-{'write-only-' if write_only else ''}property-removed"
            level = INFO if write_only else ERR if kind == "required" else WARN
            text = f"The {kind} response property {where} was removed."
            walk.emit_target(node, change_id, level, text, field=field, step=f"properties.{name}")
        elif name in was_required and name not in now_required:
            change_id = f"response-{'write-only-' if write_only else ''}property-became-optional"
            text = f"The response property {where} is no longer always sent."
            walk.emit_target(
                node,
                change_id,
                INFO if write_only else ERR,
                text,
                field=field,
                step=f"properties.{name}",
            )
        elif name in now_required and name not in was_required:
            change_id = f"response-{'write-only-' if write_only else ''}property-became-required"
            text = f"The response property {where} is now always sent."
            walk.emit_target(node, change_id, INFO, text, field=field, step=f"properties.{name}")
    for name, schema in revision.items():
        if name in base:
            continue
        write_only = _flag(walk, schema, "revision", "writeOnly")
        kind = "required" if name in now_required else "optional"
        change_id = f"response-{kind}-{'write-only-' if write_only else ''}property-added"
        text = f"The {kind} response property {_join(node, name)} was added."
        walk.emit_target(
            node, change_id, INFO, text, field=(*node.field, name), step=f"properties.{name}"
        )


def _join(node: Node, name: str) -> str:
    return "/".join((*node.field, name))


def access(walk: SchemaWalk, node: Node) -> None:
    """Properties that became, or stopped being, `readOnly` or `writeOnly`.

    Judged from the object holding them, which says whether each is required.
    """
    if walk.prefix == "request-parameter":
        return
    base, revision = _properties(node.base), _properties(node.revision)
    required = _required(node.base)
    for name, schema in base.items():
        if name not in revision:
            continue
        kind = "required" if name in required else "optional"
        for key, word in (("readOnly", "read-only"), ("writeOnly", "write-only")):
            before = _flag(walk, schema, "base", key)
            after = _flag(walk, revision[name], "revision", key)
            if before == after:
                continue
            action = f"became-{word}" if after else f"became-not-{word}"
            text = (
                f"The {kind} {walk.direction} property {_join(node, name)} "
                f"{'became' if after else 'is no longer'} {word}."
            )
            # a required property readers never received (write-only) now reaches them
            warn = (walk.direction, kind, action) == (
                "response",
                "required",
                "became-not-write-only",
            )
            walk.emit_target(
                node,
                f"{walk.direction}-{kind}-property-{action}",
                WARN if warn else INFO,
                text,
                step=f"properties.{name}",
                field=(*node.field, name),
            )


_COMBINATORS = {
    ("request", "oneOf"): ("one-of", INFO, ERR),
    ("request", "anyOf"): ("any-of", INFO, ERR),
    ("request", "allOf"): ("all-of", ERR, WARN),
    ("response", "oneOf"): ("one-of", ERR, INFO),
    ("response", "anyOf"): ("any-of", INFO, INFO),
    ("response", "allOf"): ("all-of", INFO, INFO),
}


def combinators(walk: SchemaWalk, node: Node) -> None:
    """`oneOf`/`anyOf`/`allOf` members added or removed (matched by `$ref`, title, position)."""
    if walk.prefix == "request-parameter":
        return
    for key in ("oneOf", "anyOf", "allOf"):
        name, added_level, removed_level = _COMBINATORS[walk.direction, key]
        documents = (walk.base.document, walk.revision.document)
        _, removed, added = matched_members(node, key, documents)
        for members, action, level in (
            (removed, "removed", removed_level),
            (added, "added", added_level),
        ):
            source = node.base if action == "removed" else node.revision
            document = documents[0] if action == "removed" else documents[1]
            for index in members:
                member = source[key][index]
                label = (
                    member.get("$ref", member.get("title", f"#{index}"))
                    if isinstance(member, dict)
                    else index
                )
                text = f"The {key} member {label} of {walk.direction} {node.name} was {action}."
                if key == "allOf" and _annotation_only(dereference(member, document)):
                    walk.emit(node, f"{name}-{action}-annotation-only", INFO, text)
                else:
                    walk.emit(node, f"{name}-{action}", level, text)


# keywords that describe a value without constraining it: an allOf member holding only these
# accepts every value, so adding or removing it changes no client's outcome
_ANNOTATIONS = frozenset(
    {"title", "description", "example", "examples", "default", "externalDocs", "$comment",
     "deprecated", "xml", "readOnly", "writeOnly"}
)  # fmt: skip


def _annotation_only(schema: Any) -> bool:
    return schema is True or (
        isinstance(schema, dict)
        and all(key in _ANNOTATIONS or str(key).startswith("x-") for key in schema)
    )


def contains(walk: SchemaWalk, node: Node) -> None:
    """A `contains` constraint on an array added or removed."""
    base, revision = "contains" in node.base, "contains" in node.revision
    if base == revision:
        return
    action = "added" if revision else "removed"
    breaking = (walk.direction == "request") == revision
    walk.emit(
        node,
        f"contains-{action}",
        ERR if breaking else INFO,
        f"The {walk.direction} {node.name} {'now has' if revision else 'no longer has'} "
        "a contains constraint.",
    )


def discriminator(walk: SchemaWalk, node: Node) -> None:
    """A discriminator added, removed, or its property name changed."""
    base, revision = node.base.get("discriminator"), node.revision.get("discriminator")
    if base == revision or walk.prefix == "request-parameter":
        return
    if not isinstance(base, dict) or not isinstance(revision, dict):
        action = "added" if isinstance(revision, dict) else "removed"
        walk.emit(
            node,
            f"discriminator-{action}",
            INFO,
            f"The discriminator of {walk.direction} {node.name} was {action}.",
        )
    elif base.get("propertyName") != revision.get("propertyName"):
        text = (
            f"The discriminator property of {walk.direction} {node.name} changed "
            f"from {base.get('propertyName')} to {revision.get('propertyName')}."
        )
        walk.emit(node, "discriminator-property-name-changed", INFO, text)
    else:
        _mapping_changes(walk, node, base.get("mapping"), revision.get("mapping"))


def _mapping_changes(walk: SchemaWalk, node: Node, base: Any, revision: Any) -> None:
    """Discriminator mapping keys added, deleted, or mapped to another schema.

    One change of each kind, naming the keys (oasdiff's three ids).
    """
    before = base if isinstance(base, dict) else {}
    after = revision if isinstance(revision, dict) else {}
    where = f"{walk.direction} {node.name}"
    added = sorted(map(str, after.keys() - before.keys()))
    deleted = sorted(map(str, before.keys() - after.keys()))
    changed = sorted(str(k) for k in before.keys() & after.keys() if before[k] != after[k])
    for keys, action, words in (
        (added, "added", "were added to"),
        (deleted, "deleted", "were removed from"),
        (changed, "changed", "now map to other schemas in"),
    ):
        if keys:
            text = f"The mapping keys {', '.join(keys)} {words} the discriminator of {where}."
            walk.emit(node, f"discriminator-mapping-{action}", INFO, text)


_DEPRECATED = {
    "deprecated": ("deprecated", INFO, "was deprecated"),
    "with-sunset": ("deprecated-with-sunset", INFO, "was deprecated, with a sunset date"),
    "sunset-parse": (
        "deprecated-sunset-invalid",
        ERR,
        "was deprecated, and its sunset date cannot be read",
    ),
    "sunset-missing": (
        "deprecated-sunset-missing",
        ERR,
        "was deprecated without the sunset date the policy asks for",
    ),
    "too-small": (
        "sunset-date-too-small",
        ERR,
        "was deprecated with less notice than the policy asks for",
    ),
}


def deprecation(walk: SchemaWalk, node: Node) -> None:
    """A property newly deprecated (judged by its sunset date), or no longer deprecated.

    A sunset that does not parse is reported as such, never taken for a date.
    """
    if not node.field or walk.prefix == "request-parameter":
        return
    before, after = node.base.get("deprecated") is True, node.revision.get("deprecated") is True
    if before == after:
        return
    if after:
        # without a date to judge against, a readable sunset counts as far enough away
        judged = lifecycle.deprecation(node.revision, walk.today or date.min, walk.policy)
        suffix, level, what = _DEPRECATED[judged]
    else:
        suffix, level, what = "reactivated", INFO, "is no longer deprecated"
    text = f"The {walk.direction} property {node.name} {what}."
    walk.emit_target(node, f"{walk.direction}-property-{suffix}", level, text)


def stability(walk: SchemaWalk, node: Node) -> None:
    """A property's `x-stability-level` lowered or raised, or one that is not a level."""
    if not node.field or walk.prefix == "request-parameter":
        return
    key = "x-stability-level"
    if node.base.get(key) == node.revision.get(key):
        return
    for side in (node.base, node.revision):
        if lifecycle.stability(side) is None:
            text = f"The stability level {side.get(key)!r} of {node.name} is not one of oasdiff's."
            walk.emit_target(node, "api-invalid-stability-level", ERR, text)
            return
    moved = lifecycle.stability_change(node.base, node.revision)
    if moved is not None:
        text = f"The stability level of {walk.direction} property {node.name} {moved}."
        level = ERR if moved == "decreased" else INFO
        walk.emit_target(node, f"{walk.direction}-property-stability-{moved}", level, text)


CHECKS: list[Check] = [
    properties,
    access,
    combinators,
    contains,
    discriminator,
    deprecation,
    stability,
]
