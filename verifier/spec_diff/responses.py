"""Changes to what a client receives: response statuses, media types, headers and bodies."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from verifier.comparison import Spec
from verifier.spec_diff import constraints
from verifier.spec_diff.document import OperationView
from verifier.spec_diff.lifecycle import DeprecationPolicy
from verifier.spec_diff.model import Change, Level, Target
from verifier.spec_diff.requests import SCHEMA_CHECKS
from verifier.spec_diff.walk import Check, References, SchemaWalk, walk

ERR, WARN, INFO = Level.ERR, Level.WARN, Level.INFO


def _success(status: str) -> bool:
    """2xx statuses (and `2XX`) are the answers clients are written for; oasdiff counts 1xx-3xx."""
    return status[:1] in {"1", "2", "3"}


def response_changes(
    context: tuple[Spec, Spec, References],
    base: OperationView,
    revision: OperationView,
    *,
    today: date | None = None,
    policy: DeprecationPolicy | None = None,
) -> list[Change]:
    """Every response change of one operation present in both versions.

    `today` and `policy` judge the sunset dates of response properties newly deprecated.
    """
    diff = _ResponseDiff(context, base, today, policy)
    for status, response in base.responses.items():
        kind = "success" if _success(status) else "non-success"
        if status not in revision.responses:
            diff.change(
                f"response-{kind}-status-removed",
                ERR if kind == "success" else INFO,
                f"{base.location}.responses.{status}",
                f"The response status {status} was removed.",
                status,
            )
            continue
        other = revision.responses[status]
        location = f"{revision.location}.responses.{status}"
        target = diff.target(status)
        for header_change in _headers(response["headers"], other["headers"], location, target):
            diff.changes.append(Change(*header_change))
        diff.content(status, response["content"], other["content"], location)
    for status in revision.responses:
        if status not in base.responses:
            kind = "success" if _success(status) else "non-success"
            diff.change(
                f"response-{kind}-status-added",
                INFO,
                f"{revision.location}.responses.{status}",
                f"The response status {status} was added.",
                status,
            )
    return diff.changes


class _ResponseDiff:
    """The responses of one operation present in both versions, and the changes found."""

    def __init__(
        self,
        context: tuple[Spec, Spec, References],
        base: OperationView,
        today: date | None,
        policy: DeprecationPolicy | None,
    ) -> None:
        self.context, self.base = context, base
        self.today, self.policy = today, policy
        self.changes: list[Change] = []

    def target(self, status: str) -> Target:
        return Target("response", method=self.base.method, path=self.base.path, status=status)

    def change(self, change_id: str, level: Level, location: str, text: str, status: str) -> None:
        self.changes.append(
            Change(change_id, level, self.base.name, location, text, self.target(status))
        )

    def content(
        self, status: str, base: dict[str, Any], revision: dict[str, Any], location: str
    ) -> None:
        """Media types of one response removed, added or renamed, and their schemas."""
        renamed = _renamed_media_types(base, revision)
        for media_type, media in base.items():
            where = f"{location}.content.{media_type}"
            if media_type in revision:
                self.schemas(status, media_type, media, revision[media_type], where)
            elif media_type in renamed:
                new_type, change_id = renamed[media_type]
                level = ERR if change_id.endswith("generalized") else INFO
                text = f"The media type {media_type} of response {status} became {new_type}."
                where = f"{location}.content.{new_type}"
                self.change(change_id, level, where, text, status)
                self.schemas(status, new_type, media, revision[new_type], where)
            else:
                text = f"The media type {media_type} of response {status} was removed."
                self.change("response-media-type-removed", ERR, where, text, status)
        renamed_to = {new_type for new_type, _ in renamed.values()}
        for media_type in revision:
            if media_type not in base and media_type not in renamed_to:
                text = f"The media type {media_type} of response {status} was added."
                where = f"{location}.content.{media_type}"
                self.change("response-media-type-added", INFO, where, text, status)

    def schemas(self, status: str, media_type: str, media: Any, other: Any, where: str) -> None:
        """The schemas of one media type of one response."""
        base_schema = media.get("schema") if isinstance(media, dict) else None
        revision_schema = other.get("schema") if isinstance(other, dict) else None
        if base_schema is not None and revision_schema is None:
            text = f"The body of response {status} ({media_type}) no longer has a schema."
            self.change("response-body-media-type-schema-removed", WARN, where, text, status)
            return
        if base_schema is None and revision_schema is not None:
            text = f"The body of response {status} ({media_type}) now has a schema."
            self.change("response-body-media-type-schema-added", INFO, where, text, status)
            return
        if base_schema is None:
            return
        base_spec, revision_spec, unchanged = self.context
        state = SchemaWalk(
            base_spec,
            revision_spec,
            "response",
            self.base.name,
            self.target(status),
            "response-body",
            unchanged,
            strongly_typed=_strongly_typed(media_type),
            today=self.today,
            policy=self.policy,
        )
        location = f"{where}.schema"
        self.changes.extend(walk(state, base_schema, revision_schema, location, SCHEMA_CHECKS))


def _strongly_typed(media_type: object) -> bool:
    """Whether bodies of `media_type` tell `1` from `"1"` (JSON does; text and XML do not).

    An unknown media type (`*/*`, Swagger 2.0's default) is taken as JSON.
    """
    kind, subtype, _ = _essence(media_type)
    return (kind, subtype) in {("application", "json"), ("*", "*")} or subtype.endswith("+json")


def _essence(media_type: object) -> tuple[str, str, str]:
    """(type, subtype, parameters) of a media type, lower case, parameters sorted."""
    name, _, parameters = str(media_type).partition(";")
    kind, _, subtype = name.strip().lower().partition("/")
    normalised = ";".join(sorted(p.strip().lower() for p in parameters.split(";") if p.strip()))
    return kind, subtype, normalised


def _contains(wide: tuple[str, str, str], narrow: tuple[str, str, str]) -> bool:
    """Whether media type `narrow` refines `wide`, by oasdiff's rule.

    A suffixed type refines the plain type its suffix names: `application/problem+json`
    refines `application/json`.
    """
    return (
        wide[0] == narrow[0]
        and "+" not in wide[1]
        and narrow[1].rpartition("+")[2] == wide[1]
        and "+" in narrow[1]
    )


def _renamed_media_types(
    base: dict[str, Any], revision: dict[str, Any]
) -> dict[str, tuple[str, str]]:
    """Media types of one response that one version names differently from the other.

    The same type with other parameters, or a broader or narrower type (oasdiff pairs them).

    Returns: base media type -> (revision media type, change id).
    """
    removed = [m for m in base if m not in revision]
    added = [m for m in revision if m not in base]
    found: dict[str, tuple[str, str]] = {}
    for old in removed:
        before = _essence(old)
        for new in added:
            after = _essence(new)
            if before[:2] == after[:2]:
                change_id = "response-media-type-name-changed"
            elif _contains(after, before):
                change_id = "response-media-type-name-generalized"
            elif _contains(before, after):
                change_id = "response-media-type-name-specialized"
            else:
                continue
            found[old] = (new, change_id)
            added.remove(new)
            break
    return found


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
                strongly_typed=False,  # a header is text on the wire
            )
            changes.extend(walk(state, schema, other_schema, where, _HEADER_CHECKS))
    return changes


_HEADER_CHECKS: list[Check] = [constraints.types, constraints.nullable]
