"""`diff_specs`: every change between a base spec and its revision, operation by operation."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from verifier.comparison import Spec
from verifier.spec_diff import lifecycle, security
from verifier.spec_diff.document import OperationView, operations, path_key, spec_of
from verifier.spec_diff.model import Change, Level, Target
from verifier.spec_diff.requests import RequestDiff
from verifier.spec_diff.responses import header_schemas, response_changes
from verifier.spec_diff.versioning import versioning_changes
from verifier.spec_diff.walk import unchanged_references

ERR, WARN, INFO = Level.ERR, Level.WARN, Level.INFO


def diff_specs(
    base: Spec | bytes | str,
    revision: Spec | bytes | str,
    *,
    today: date | None = None,
    policy: lifecycle.DeprecationPolicy | None = None,
    versioning: bool = False,
) -> list[Change]:
    """The changes from `base` to `revision`, each with oasdiff's id and level where one fits.

    Args:
        base: the spec clients were written against (a loaded `Spec`, or its JSON/YAML text).
        revision: the new version of the spec.
        today: the date sunset dates are judged against (today in UTC by default).
        policy: the notice a deprecation must give (oasdiff's `--deprecation-days-*`); without
            one, any sunset date, or none, is accepted.
        versioning: also judge `info.version` by oasdiff's versioning policy (a breaking
            change needs a major increase), as INFO changes; off as in oasdiff's tests.

    Raises:
        SpecError: either document is not JSON or YAML, or not OpenAPI 3 / Swagger 2.0.
    """
    old, new = spec_of(base), spec_of(revision)
    if old.digest and old.digest == new.digest:
        return []
    today = today or datetime.now(UTC).date()
    unchanged = unchanged_references(old, new)
    base_operations, revision_operations = operations(old), operations(new)
    revision_paths = {path_key(str(t)) for t in (new.document.get("paths") or {})}
    changes: list[Change] = []
    for key, operation in base_operations.items():
        other = revision_operations.get(key)
        if other is None:
            changes.extend(_removed(operation, path_key(operation.path) in revision_paths, today))
            continue
        changes.extend(_operation(operation, other, today, policy))
        request = RequestDiff((old, new, unchanged, today), operation, other, policy)
        request.parameters()
        changes.extend(request.body())
        changes.extend(
            response_changes((old, new, unchanged), operation, other, today=today, policy=policy)
        )
        changes.extend(header_schemas((old, new, unchanged), operation, other))
        if operation.raw.get("security") is not None or other.raw.get("security") is not None:
            changes.extend(
                security.requirement_changes(
                    operation.security,
                    other.security,
                    scope="",
                    operation=operation.name,
                    location=f"{other.location}.security",
                    target=_target(operation),
                )
            )
    for key, operation in revision_operations.items():
        if key not in base_operations:
            text = f"The operation {operation.name} was added."
            changes.append(
                Change(
                    "endpoint-added",
                    INFO,
                    operation.name,
                    operation.location,
                    text,
                    _target(operation),
                )
            )
    changes.extend(_document_changes(old.document, new.document, old.is_swagger2))
    if versioning:
        changes.extend(versioning_changes(old.document, new.document, changes))
    return changes


def _target(operation: OperationView) -> Target:
    return Target("operation", method=operation.method, path=operation.path)


def _removed(operation: OperationView, path_kept: bool, today: date) -> list[Change]:
    if lifecycle.stability(operation.raw) is None:
        level = operation.raw.get("x-stability-level")
        text = f"The stability level {level!r} of {operation.name} is not one of oasdiff's."
        return [
            Change(
                "api-invalid-stability-level",
                ERR,
                operation.name,
                operation.location,
                text,
                _target(operation),
            )
        ]
    if lifecycle.unstable(operation.raw):
        return []
    judged = lifecycle.removal(operation.raw, today)
    scope = "api" if path_kept else "api-path"
    ids = {
        "without-deprecation": (
            f"{scope}-removed-without-deprecation",
            ERR,
            "was removed without being deprecated first",
        ),
        "sunset-parse": (
            "api-path-sunset-parse",
            ERR,
            "was removed, and its sunset date cannot be read",
        ),
        "before-sunset": (
            f"{scope}-removed-before-sunset",
            ERR,
            "was removed before its sunset date",
        ),
        "with-deprecation": (
            f"{scope}-removed-with-deprecation",
            INFO,
            "was removed after its deprecation",
        ),
    }
    change_id, level, what = ids[judged]
    return [
        Change(
            change_id,
            level,
            operation.name,
            operation.location,
            f"The operation {operation.name} {what}.",
            _target(operation),
        )
    ]


def _stability(base: OperationView, revision: OperationView) -> list[tuple[str, Level, str]]:
    """An operation's stability level lowered or raised, or one that is not a level."""
    found: list[tuple[str, Level, str]] = []
    if base.raw != revision.raw:
        for side in (base, revision):
            if lifecycle.stability(side.raw) is None:
                level = side.raw.get("x-stability-level")
                text = f"The stability level {level!r} of {base.name} is not one of oasdiff's."
                found.append(("api-invalid-stability-level", ERR, text))
    moved = lifecycle.stability_change(base.raw, revision.raw)
    if moved is not None:
        text = (
            f"The stability level of {base.name} {moved} from "
            f"{lifecycle.stability(base.raw)} to {lifecycle.stability(revision.raw)}."
        )
        found.append((f"api-stability-{moved}", ERR if moved == "decreased" else INFO, text))
    return found


_DEPRECATED = {
    "deprecated": ("endpoint-deprecated", INFO, "The operation {operation} was deprecated."),
    "with-sunset": (
        "endpoint-deprecated-with-sunset",
        INFO,
        "The operation {operation} was deprecated, with a sunset date.",
    ),
    "sunset-missing": (
        "api-deprecated-sunset-missing",
        ERR,
        "The operation {operation} was deprecated without the sunset date the policy asks for.",
    ),
    "sunset-parse": (
        "api-deprecated-sunset-parse",
        ERR,
        "The operation {operation} was deprecated, and its sunset date cannot be read.",
    ),
    "too-small": (
        "api-sunset-date-too-small",
        ERR,
        "The operation {operation} was deprecated with less notice than the policy asks for.",
    ),
}


def _operation(
    base: OperationView,
    revision: OperationView,
    today: date,
    policy: lifecycle.DeprecationPolicy | None,
) -> list[Change]:
    changes: list[Change] = []
    location, target = revision.location, _target(base)

    def change(change_id: str, level: Level, text: str) -> None:
        changes.append(Change(change_id, level, base.name, location, text, target))

    for change_id, level, text in _stability(base, revision):
        change(change_id, level, text)
    if lifecycle.deprecated(revision.raw) and not lifecycle.deprecated(base.raw):
        if lifecycle.stability(revision.raw) is not None:
            judged = lifecycle.deprecation(revision.raw, today, policy)
            change_id, level, text = _DEPRECATED[judged]
            change(change_id, level, text.format(operation=base.name))
    elif lifecycle.deprecated(base.raw) and not lifecycle.deprecated(revision.raw):
        change("endpoint-reactivated", INFO, f"The operation {base.name} is no longer deprecated.")
    sunset = lifecycle.sunset_change(base.raw, revision.raw, today, policy)
    if sunset == "deleted":
        change(
            "sunset-deleted",
            ERR,
            f"The sunset date of the deprecated operation {base.name} was removed.",
        )
    elif sunset == "parse":
        change(
            "api-path-sunset-parse",
            ERR,
            f"The sunset date of the operation {base.name} cannot be read.",
        )
    elif sunset == "too-small":
        change(
            "api-sunset-date-changed-too-small",
            ERR,
            f"The sunset date of the operation {base.name} was moved earlier than the "
            "deprecation policy allows.",
        )
    before, after = base.raw.get("operationId"), revision.raw.get("operationId")
    if before != after:
        # oasdiff reports a replaced operationId as removed (naming the replacement)
        change_id = "api-operation-id-added" if before is None else "api-operation-id-removed"
        change(change_id, INFO, f"The operationId of {base.name} changed from {before} to {after}.")
    base_tags, revision_tags = (
        set(map(str, base.raw.get("tags") or [])),
        set(map(str, revision.raw.get("tags") or [])),
    )
    for tag in sorted(base_tags - revision_tags):
        change("api-tag-removed", INFO, f"The tag {tag} was removed from {base.name}.")
    for tag in sorted(revision_tags - base_tags):
        change("api-tag-added", INFO, f"The tag {tag} was added to {base.name}.")
    return changes


def _document_changes(
    base: dict[str, Any], revision: dict[str, Any], swagger2: bool
) -> list[Change]:
    changes = security.requirement_changes(
        base.get("security"),
        revision.get("security"),
        scope="global",
        operation="",
        location="security",
        target=Target("api"),
    )
    if swagger2:
        schemes = (
            base.get("securityDefinitions") or {},
            revision.get("securityDefinitions") or {},
            "securityDefinitions",
        )
    else:
        schemes = (
            (base.get("components") or {}).get("securitySchemes") or {},
            (revision.get("components") or {}).get("securitySchemes") or {},
            "components.securitySchemes",
        )
    changes.extend(security.scheme_changes(*schemes))
    for name in base.get("webhooks") or {}:
        if name not in (revision.get("webhooks") or {}):
            text = f"The webhook {name} was removed."
            changes.append(
                Change("webhook-removed", ERR, "", f"webhooks.{name}", text, Target("api"))
            )
    for name in revision.get("webhooks") or {}:
        if name not in (base.get("webhooks") or {}):
            text = f"The webhook {name} was added."
            changes.append(
                Change("webhook-added", INFO, "", f"webhooks.{name}", text, Target("api"))
            )
    where = "definitions" if swagger2 else "components.schemas"
    base_schemas, revision_schemas = _schemas(base, swagger2), _schemas(revision, swagger2)
    for name in base_schemas:
        if name not in revision_schemas:
            text = f"The schema {name} was removed from {where}."
            changes.append(
                Change("api-schema-removed", INFO, "", f"{where}.{name}", text, Target("api"))
            )
    return changes


def _schemas(document: dict[str, Any], swagger2: bool) -> dict[str, Any]:
    found = (
        document.get("definitions")
        if swagger2
        else (document.get("components") or {}).get("schemas")
    )
    return found if isinstance(found, dict) else {}
