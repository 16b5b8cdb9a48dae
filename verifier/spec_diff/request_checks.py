"""Checks only the request walks run: an object header parameter's properties.

A property's `x-stability-level` and the 2020-12 content keywords (`contentEncoding` and the
rest) are checked for requests and responses alike, by `objects.stability` and
`applicators.content`. Levels are oasdiff's (`rules.json`): a request schema breaks clients
when it accepts less than before.
"""

from __future__ import annotations

from typing import Any

from verifier.spec_diff.model import Level
from verifier.spec_diff.walk import Check, Node, SchemaWalk

ERR, WARN, INFO = Level.ERR, Level.WARN, Level.INFO


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


BODY_CHECKS: list[Check] = []
PARAMETER_CHECKS: list[Check] = [header_properties]
