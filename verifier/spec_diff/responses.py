"""Changes to what a client receives: response statuses, media types, headers and bodies."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from verifier.comparison import Spec
from verifier.spec_diff import constraints
from verifier.spec_diff.document import OperationView
from verifier.spec_diff.model import Change, Level, Target
from verifier.spec_diff.requests import SCHEMA_CHECKS
from verifier.spec_diff.walk import Check, References, SchemaWalk, walk

ERR, WARN, INFO = Level.ERR, Level.WARN, Level.INFO


def _success(status: str) -> bool:
    """2xx statuses (and `2XX`) are the answers clients are written for; oasdiff counts 1xx-3xx."""
    return status[:1] in {"1", "2", "3"}


def response_changes(
    context: tuple[Spec, Spec, References], base: OperationView, revision: OperationView
) -> list[Change]:
    """Every response change of one operation present in both versions."""
    base_spec, revision_spec, unchanged = context
    changes: list[Change] = []

    def change(change_id: str, level: Level, location: str, text: str, target: Target) -> None:
        changes.append(Change(change_id, level, base.name, location, text, target))

    for status, response in base.responses.items():
        target = Target("response", method=base.method, path=base.path, status=status)
        location = f"{base.location}.responses.{status}"
        kind = "success" if _success(status) else "non-success"
        if status not in revision.responses:
            level = ERR if kind == "success" else INFO
            change(
                f"response-{kind}-status-removed",
                level,
                location,
                f"The response status {status} was removed.",
                target,
            )
            continue
        other = revision.responses[status]
        location = f"{revision.location}.responses.{status}"
        for header_change in _headers(response["headers"], other["headers"], location, target):
            changes.append(Change(*header_change))
        for media_type, media in response["content"].items():
            where = f"{location}.content.{media_type}"
            if media_type not in other["content"]:
                change(
                    "response-media-type-removed",
                    ERR,
                    where,
                    f"The media type {media_type} of response {status} was removed.",
                    target,
                )
                continue
            base_schema = media.get("schema") if isinstance(media, dict) else None
            revision_media = other["content"][media_type]
            revision_schema = (
                revision_media.get("schema") if isinstance(revision_media, dict) else None
            )
            if base_schema is not None and revision_schema is None:
                change(
                    "response-body-media-type-schema-removed",
                    WARN,
                    where,
                    f"The body of response {status} ({media_type}) no longer has a schema.",
                    target,
                )
            elif base_schema is None and revision_schema is not None:
                change(
                    "response-body-media-type-schema-added",
                    INFO,
                    where,
                    f"The body of response {status} ({media_type}) now has a schema.",
                    target,
                )
            elif base_schema is not None:
                state = SchemaWalk(
                    base_spec,
                    revision_spec,
                    "response",
                    base.name,
                    target,
                    "response-body",
                    unchanged,
                )
                changes.extend(
                    walk(state, base_schema, revision_schema, f"{where}.schema", SCHEMA_CHECKS)
                )
        for media_type in other["content"]:
            if media_type not in response["content"]:
                change(
                    "response-media-type-added",
                    INFO,
                    f"{location}.content.{media_type}",
                    f"The media type {media_type} of response {status} was added.",
                    target,
                )
    for status in revision.responses:
        if status not in base.responses:
            kind = "success" if _success(status) else "non-success"
            target = Target("response", method=base.method, path=base.path, status=status)
            change(
                f"response-{kind}-status-added",
                INFO,
                f"{revision.location}.responses.{status}",
                f"The response status {status} was added.",
                target,
            )
    return changes


def _headers(
    base: dict[str, Any], revision: dict[str, Any], location: str, target: Target
) -> list[tuple[str, Level, str, str, str, Target]]:
    """(id, level, operation, location, text, target) of each header change of one response."""
    status, operation = target.status, f"{target.method} {target.path}"
    found: list[tuple[str, Level, str, str, str, Target]] = []
    for name in [*base, *(n for n in revision if n not in base)]:
        where = f"{location}.headers.{name}"
        header_target = replace(target, name=name)
        header, other = base.get(name), revision.get(name)
        if header is None:
            text = f"The header {name} was added to response {status}."
            found.append(("response-header-added", INFO, operation, where, text, header_target))
        elif other is None:
            kind = "required" if header.get("required") is True else "optional"
            text = f"The {kind} header {name} of response {status} was removed."
            level = ERR if kind == "required" else WARN
            change_id = f"{kind}-response-header-removed"
            found.append((change_id, level, operation, where, text, header_target))
        else:
            if header.get("required") is True and other.get("required") is not True:
                text = f"The header {name} of response {status} is no longer always sent."
                change_id = "response-header-became-optional"
                found.append((change_id, ERR, operation, where, text, header_target))
            if header.get("explode") != other.get("explode") or header.get("style") != other.get(
                "style"
            ):
                text = f"The serialisation of header {name} of response {status} changed."
                change_id = "response-header-serialisation-changed"
                found.append((change_id, ERR, operation, where, text, header_target))
    return found


def header_schemas(
    context: tuple[Spec, Spec, References], base: OperationView, revision: OperationView
) -> list[Change]:
    """Type and nullability changes of the response headers both versions declare."""
    base_spec, revision_spec, unchanged = context
    changes: list[Change] = []
    for status, response in base.responses.items():
        other = revision.responses.get(status)
        if other is None:
            continue
        for name, header in response["headers"].items():
            schema, other_schema = (
                header.get("schema"),
                (other["headers"].get(name) or {}).get("schema"),
            )
            if not isinstance(schema, dict) or not isinstance(other_schema, dict):
                continue
            target = Target(
                "response", method=base.method, path=base.path, status=status, name=name
            )
            where = f"{revision.location}.responses.{status}.headers.{name}.schema"
            state = SchemaWalk(
                base_spec,
                revision_spec,
                "response",
                base.name,
                target,
                "response-header",
                unchanged,
                label=f"header {name}",
            )
            changes.extend(walk(state, schema, other_schema, where, _HEADER_CHECKS))
    return changes


_HEADER_CHECKS: list[Check] = [constraints.types, constraints.nullable]
