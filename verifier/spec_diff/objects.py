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
    found = schema.get("properties")
    return found if isinstance(found, dict) else {}


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

    Judged from the parent, which says whether the property is required: oasdiff's ids tell
    `request-required-property-became-read-only` from `request-optional-…`.
    """
    if walk.prefix == "request-parameter":
        return
    base, revision = _properties(node.base), _properties(node.revision)
    required = _required(node.revision)
    for name, schema in base.items():
        if name not in revision:
            continue
        for key, word in (("readOnly", "read-only"), ("writeOnly", "write-only")):
            before = _flag(walk, schema, "base", key)
            after = _flag(walk, revision[name], "revision", key)
            if before == after:
                continue
            kind = "required" if name in required else "optional"
            action = f"became-{word}" if after else f"became-not-{word}"
            change_id = f"{walk.direction}-{kind}-property-{action}"
            text = (
                f"The {kind} {walk.direction} property {_join(node, name)} "
                f"{'became' if after else 'is no longer'} {word}."
            )
            level = WARN if change_id in _WARN_ACCESS else INFO
            walk.emit_target(
                node, change_id, level, text, field=(*node.field, name), step=f"properties.{name}"
            )


# a required response property that may now be sent (it was write-only): oasdiff warns
_WARN_ACCESS = {"response-required-property-became-not-write-only"}


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
            document = walk.base.document if action == "removed" else walk.revision.document
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


# keywords that describe a value without constraining it (JSON Schema's annotations)
_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "example",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "externalDocs",
        "xml",
        "$comment",
    }
)


def _annotation_only(member: Any) -> bool:
    """True for an `allOf` member that constrains nothing: only annotations and extensions."""
    return isinstance(member, dict) and all(
        key in _ANNOTATIONS or str(key).startswith("x-") for key in member
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
        before, after = _mapping(base), _mapping(revision)
        where = f"the discriminator mapping of {walk.direction} {node.name}"
        for value in sorted(after.keys() - before.keys(), key=str):
            walk.emit(node, "discriminator-mapping-added", INFO, f"{value!r} was added to {where}.")
        for value in sorted(before.keys() - after.keys(), key=str):
            text = f"{value!r} was removed from {where}."
            walk.emit(node, "discriminator-mapping-deleted", INFO, text)
        changed = (v for v in before.keys() & after.keys() if before[v] != after[v])
        for value in sorted(changed, key=str):
            text = f"The schema {value!r} names in {where} changed."
            walk.emit(node, "discriminator-mapping-changed", INFO, text)


def _mapping(discriminator: dict[str, Any]) -> dict[str, Any]:
    found = discriminator.get("mapping")
    return found if isinstance(found, dict) else {}


def deprecation(walk: SchemaWalk, node: Node) -> None:
    """A property newly deprecated (with or without a sunset date), or no longer deprecated.

    As oasdiff without a minimum deprecation period: a sunset that is not a date is an error,
    and so is one already past (the property may go at once).
    """
    if not node.field or walk.prefix == "request-parameter":
        return
    before, after = node.base.get("deprecated") is True, node.revision.get("deprecated") is True
    if before == after:
        return
    level = INFO
    if after:
        text = f"The {walk.direction} property {node.name} was deprecated."
        sunset = lifecycle.sunset(node.revision, walk.today or date.min)  # no today: none past
        suffix = {"none": "deprecated", "future": "deprecated-with-sunset"}.get(sunset, "")
        if sunset == "invalid":
            suffix, level = "deprecated-sunset-invalid", ERR
            text = f"The {walk.direction} property {node.name} was deprecated with a sunset date "
            text += f"that cannot be read ({node.revision.get('x-sunset')!r})."
        elif sunset == "past":
            suffix, level = "sunset-date-too-small", ERR
            text = f"The {walk.direction} property {node.name} was deprecated with a sunset date "
            text += "already past."
    else:
        suffix, text = (
            "reactivated",
            f"The {walk.direction} property {node.name} is no longer deprecated.",
        )
    walk.emit_target(node, f"{walk.direction}-property-{suffix}", level, text)


CHECKS: list[Check] = [properties, access, combinators, contains, discriminator, deprecation]
