"""Checks only the request walks run: header properties, stability, string content keywords.

They cover an object header parameter's properties, a property's `x-stability-level`, and the
2020-12 keywords that say how a string carries content (`contentEncoding` and the rest).
oasdiff has these rules for requests and responses alike; the response walk does not run these
checks (see `verifier.spec_diff.responses`). Levels are oasdiff's (`rules.json`): a request
schema breaks clients when it accepts less than before.
"""

from __future__ import annotations

from typing import Any

from verifier.spec_diff.model import Level
from verifier.spec_diff.walk import Check, Node, SchemaWalk

ERR, WARN, INFO = Level.ERR, Level.WARN, Level.INFO
# x-stability-level values, least stable first (oasdiff's order)
_STABILITY = ("draft", "alpha", "beta", "stable")


def _names(schema: dict[str, Any], key: str) -> set[str]:
    found = schema.get(key)
    if key == "required":
        return {str(n) for n in found} if isinstance(found, list) else set()
    return {str(n) for n in found} if isinstance(found, dict) else set()


def header_properties(walk: SchemaWalk, node: Node) -> None:
    """An object header parameter's properties newly required, or added as required."""
    if walk.direction != "request" or walk.prefix != "request-parameter":
        return
    if walk.target.where != "header":
        return
    base, revision = _names(node.base, "properties"), _names(node.revision, "properties")
    was, now = _names(node.base, "required"), _names(node.revision, "required")
    properties = node.revision.get("properties") or {}
    for name in sorted(revision & now):
        schema = properties.get(name)
        if isinstance(schema, dict) and schema.get("readOnly") is True:
            continue
        where = "/".join((*node.field, name))
        if name not in base:
            text = f"The required property {where} was added to the header {walk.target.name}."
            change_id = "new-required-request-header-property"
        elif name not in was:
            text = f"The property {where} of the header {walk.target.name} became required."
            change_id = "request-header-property-became-required"
        else:
            continue
        walk.emit_target(
            node, change_id, ERR, text, step=f"properties.{name}", field=(*node.field, name)
        )


def stability(walk: SchemaWalk, node: Node) -> None:
    """A request property's `x-stability-level` lowered (an error) or raised."""
    if walk.direction != "request" or not node.field or walk.prefix == "request-parameter":
        return
    before, after = node.base.get("x-stability-level"), node.revision.get("x-stability-level")
    if before == after or before not in _STABILITY or after not in _STABILITY:
        return
    lowered = _STABILITY.index(after) < _STABILITY.index(before)
    text = f"The stability of request property {node.name} changed from {before} to {after}."
    walk.emit_target(
        node,
        f"request-property-stability-{'decreased' if lowered else 'increased'}",
        ERR if lowered else INFO,
        text,
    )


def content(walk: SchemaWalk, node: Node) -> None:
    """`contentEncoding` or `contentMediaType` changed, `contentSchema` added or removed."""
    if walk.direction != "request" or walk.prefix == "request-parameter":
        return
    where = f"request {node.name}"
    for key, name in (
        ("contentEncoding", "content-encoding"),
        ("contentMediaType", "content-media-type"),
    ):
        before, after = node.base.get(key), node.revision.get(key)
        if before != after:
            text = f"The {key} of {where} changed from {before} to {after}."
            walk.emit(node, f"{name}-changed", ERR, text)
    before_schema, after_schema = "contentSchema" in node.base, "contentSchema" in node.revision
    if before_schema != after_schema:
        action = "added" if after_schema else "removed"
        text = f"The contentSchema of {where} was {action}."
        walk.emit(node, f"content-schema-{action}", ERR if after_schema else INFO, text)


BODY_CHECKS: list[Check] = [stability, content]
PARAMETER_CHECKS: list[Check] = [header_properties]
