"""Changes to what a client sends: parameters and the request body of one operation."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from verifier.comparison import Spec
from verifier.spec_diff import applicators, constraints, lifecycle, objects, request_checks
from verifier.spec_diff.document import OperationView
from verifier.spec_diff.model import Change, Level, Target
from verifier.spec_diff.walk import Check, References, SchemaWalk, walk

ERR, WARN, INFO = Level.ERR, Level.WARN, Level.INFO
_NAMES = re.compile(r"\{([^}]*)\}")
SCHEMA_CHECKS: list[Check] = [*constraints.CHECKS, *objects.CHECKS, *applicators.CHECKS]
_PARAMETER_CHECKS: list[Check] = [
    constraints.types,
    constraints.nullable,
    constraints.enums,
    constraints.extensible_enums,
    constraints.ranges,
    constraints.lengths,
    constraints.pattern,
    constraints.default,
    *request_checks.PARAMETER_CHECKS,
]
_BODY_CHECKS: list[Check] = [*SCHEMA_CHECKS, *request_checks.BODY_CHECKS]


class RequestDiff:
    """The request side of one operation present in both versions."""

    def __init__(
        self,
        context: tuple[Spec, Spec, References, date],
        base: OperationView,
        revision: OperationView,
        policy: lifecycle.DeprecationPolicy | None = None,
    ) -> None:
        """Prepare to compare `base` with `revision`.

        Args:
            context: the base spec, the revision spec, the unchanged references and today.
            base: the operation in the base spec.
            revision: the same operation in the revision.
            policy: the notice a deprecation must give (None: any sunset, or none, will do).
        """
        self.base_spec, self.revision_spec, self.unchanged, self.today = context
        self.base, self.revision = base, revision
        self.policy = policy
        self.changes: list[Change] = []

    def _change(
        self, change_id: str, level: Level, location: str, text: str, target: Target
    ) -> None:
        self.changes.append(Change(change_id, level, self.base.name, location, text, target))

    def _target(self, kind: Any, **kw: Any) -> Target:
        return Target(kind, method=self.base.method, path=self.base.path, **kw)

    def parameters(self) -> list[Change]:
        """Parameters removed, added, made required, or whose schema changed."""
        revision = _renamed_path_parameters(self.base, self.revision)
        skip_removed = lifecycle.unstable(self.base.raw)
        for key, parameter in self.base.parameters.items():
            where, name = key
            location = f"{self.base.location}.parameters.{where}.{name}"
            target = self._target("parameter", name=name, where=where)
            if key not in revision:
                if not skip_removed:
                    self._removed(parameter, location, target)
                continue
            self._compare(parameter, revision[key], location, target)
        for key, parameter in revision.items():
            if key in self.base.parameters:
                continue
            where, name = key
            location = f"{self.revision.location}.parameters.{where}.{name}"
            target = self._target("parameter", name=name, where=where, absent=True)
            if where != "path" and key in self._path_level():
                required = parameter.get("required") is True
                kind = "required" if required else "optional"
                self._change(
                    f"new-{kind}-request-default-parameter-to-existing-path",
                    ERR if required else INFO,
                    location,
                    f"The {kind} {where} parameter {name} was added to every operation of "
                    f"{self.revision.path}.",
                    target,
                )
            elif where == "path":
                self._change(
                    "new-request-path-parameter",
                    ERR,
                    location,
                    f"The path parameter {name} was added.",
                    target,
                )
            elif parameter.get("required") is True:
                self._change(
                    "new-required-request-parameter",
                    ERR,
                    location,
                    f"The required {where} parameter {name} was added.",
                    target,
                )
            else:
                self._change(
                    "new-optional-request-parameter",
                    INFO,
                    location,
                    f"The optional {where} parameter {name} was added.",
                    target,
                )
        return self.changes

    def _path_level(self) -> set[tuple[str, str]]:
        """The revision's parameters declared for its whole path, not by this operation."""
        item = (self.revision_spec.document.get("paths") or {}).get(self.revision.path)
        shared = item.get("parameters") if isinstance(item, dict) else None
        own = {
            _key(resolved)
            for p in self.revision.raw.get("parameters") or []
            if isinstance(resolved := self.revision_spec.resolve(p), dict)
        }
        return {
            _key(resolved)
            for p in (shared if isinstance(shared, list) else [])
            if isinstance(resolved := self.revision_spec.resolve(p), dict)
        } - own

    def _removed(self, parameter: dict[str, Any], location: str, target: Target) -> None:
        name, where = target.name, target.where
        judged = lifecycle.removal(parameter, self.today)
        if judged == "without-deprecation":
            self._change(
                "request-parameter-removed",
                WARN,
                location,
                f"The {where} parameter {name} was removed.",
                target,
            )
        elif judged == "sunset-parse":
            self._change(
                "request-parameter-sunset-parse",
                ERR,
                location,
                f"The {where} parameter {name} was removed, and its sunset date cannot be read.",
                target,
            )
        elif judged == "before-sunset":
            self._change(
                "request-parameter-removed-before-sunset",
                ERR,
                location,
                f"The {where} parameter {name} was removed before its sunset date.",
                target,
            )
        else:
            self._change(
                "request-parameter-removed-with-deprecation",
                INFO,
                location,
                f"The deprecated {where} parameter {name} was removed.",
                target,
            )

    def _compare(
        self, base: dict[str, Any], revision: dict[str, Any], location: str, target: Target
    ) -> None:
        name, where = target.name, target.where
        if revision.get("required") is True and base.get("required") is not True:
            self._change(
                "request-parameter-became-required",
                ERR,
                location,
                f"The {where} parameter {name} became required.",
                target,
            )
        elif base.get("required") is True and revision.get("required") is not True:
            self._change(
                "request-parameter-became-optional",
                INFO,
                location,
                f"The {where} parameter {name} became optional.",
                target,
            )
        if lifecycle.deprecated(revision) and not lifecycle.deprecated(base):
            self._deprecated(revision, location, target)
        elif lifecycle.deprecated(base) and not lifecycle.deprecated(revision):
            self._change(
                "request-parameter-reactivated",
                INFO,
                location,
                f"The {where} parameter {name} is no longer deprecated.",
                target,
            )
        sunset = lifecycle.sunset_change(base, revision, self.today, self.policy)
        if sunset == "deleted":
            self._change(
                "request-parameter-sunset-deleted",
                ERR,
                location,
                f"The sunset date of the deprecated {where} parameter {name} was removed.",
                target,
            )
        elif sunset == "parse":
            self._change(
                "request-parameter-sunset-parse",
                ERR,
                location,
                f"The sunset date of the {where} parameter {name} cannot be read.",
                target,
            )
        elif sunset == "too-small":
            self._change(
                "request-parameter-sunset-date-changed-too-small",
                ERR,
                location,
                f"The sunset date of the {where} parameter {name} was moved earlier.",
                target,
            )
        for key, own_id, text in _SERIALISATION:
            if base.get(key) != revision.get(key):
                self._change(own_id, ERR, location, text.format(where=where, name=name), target)
        if base.get("allowEmptyValue") is True and revision.get("allowEmptyValue") is not True:
            text = f"The {where} parameter {name} may no longer be empty."
            self._change("request-parameter-allow-empty-value-removed", ERR, location, text, target)
        if isinstance(base.get("schema"), dict) and isinstance(revision.get("schema"), dict):
            state = SchemaWalk(
                self.base_spec,
                self.revision_spec,
                "request",
                self.base.name,
                target,
                "request-parameter",
                self.unchanged,
                label=f"{where} parameter {name}",
                strongly_typed=False,
                today=self.today,
            )
            self.changes.extend(
                walk(
                    state,
                    base["schema"],
                    revision["schema"],
                    f"{location}.schema",
                    _PARAMETER_CHECKS,
                )
            )

    def _deprecated(self, revision: dict[str, Any], location: str, target: Target) -> None:
        """A parameter newly deprecated: its sunset date must read, and give enough notice."""
        name, where = target.name, target.where
        level_of_operation = lifecycle.stability(self.revision.raw) or "stable"
        judged = lifecycle.deprecation(revision, self.today, self.policy, level_of_operation)
        if judged == "sunset-parse":
            change_id, level = "request-parameter-sunset-parse", ERR
            text = f"The sunset date of the deprecated {where} parameter {name} cannot be read."
        elif judged == "too-small":
            change_id, level = "request-parameter-sunset-date-too-small", ERR
            text = f"The {where} parameter {name} was deprecated with too little notice."
        elif judged == "sunset-missing":
            change_id, level = "request-parameter-deprecated-sunset-missing", ERR
            text = f"The {where} parameter {name} was deprecated without a sunset date."
        else:
            change_id, level = "request-parameter-deprecated", INFO
            text = f"The {where} parameter {name} was deprecated."
        self._change(change_id, level, location, text, target)

    def body(self) -> list[Change]:
        """The request body added, removed, made required, media types, and its schemas."""
        base, revision = self.base.body, self.revision.body
        location = f"{self.revision.location}.requestBody"
        target = self._target("request")
        if base is None and revision is None:
            return self.changes
        if base is None:
            assert revision is not None  # both None returned above
            required = revision.get("required") is True
            change_id = "request-body-added-required" if required else "request-body-added-optional"
            self._change(
                change_id,
                ERR if required else INFO,
                location,
                f"A {'required' if required else 'optional'} request body was added.",
                Target("request", method=self.base.method, path=self.base.path, absent=True),
            )
            return self.changes
        if revision is None:
            self._change(
                "request-body-removed",
                ERR,
                f"{self.base.location}.requestBody",
                "The request body was removed.",
                target,
            )
            return self.changes
        if revision.get("required") is True and base.get("required") is not True:
            self._change(
                "request-body-became-required",
                ERR,
                location,
                "The request body became required.",
                Target("request", method=self.base.method, path=self.base.path, absent=True),
            )
        elif base.get("required") is True and revision.get("required") is not True:
            self._change(
                "request-body-became-optional",
                INFO,
                location,
                "The request body became optional.",
                target,
            )
        base_content = base.get("content") or {}
        revision_content = revision.get("content") or {}
        for media_type, media in base_content.items():
            where = f"{location}.content.{media_type}"
            if media_type not in revision_content:
                self._change(
                    "request-body-media-type-removed",
                    ERR,
                    where,
                    f"The request media type {media_type} was removed.",
                    target,
                )
                continue
            self._media(media, revision_content[media_type], where, target, str(media_type))
        for media_type in revision_content:
            if media_type not in base_content:
                self._change(
                    "request-body-media-type-added",
                    INFO,
                    f"{location}.content.{media_type}",
                    f"The request media type {media_type} was added.",
                    target,
                )
        return self.changes

    def _media(
        self, base: Any, revision: Any, location: str, target: Target, media_type: str
    ) -> None:
        base_schema = base.get("schema") if isinstance(base, dict) else None
        revision_schema = revision.get("schema") if isinstance(revision, dict) else None
        if base_schema is None and revision_schema is not None:
            self._change(
                "request-body-media-type-schema-added",
                ERR,
                location,
                "The request body now has a schema.",
                target,
            )
        elif base_schema is not None and revision_schema is None:
            self._change(
                "request-body-media-type-schema-removed",
                INFO,
                location,
                "The request body no longer has a schema.",
                target,
            )
        elif base_schema is not None:
            state = SchemaWalk(
                self.base_spec,
                self.revision_spec,
                "request",
                self.base.name,
                target,
                "request-body",
                self.unchanged,
                strongly_typed=_json(media_type),
                today=self.today,
                policy=self.policy,
            )
            self.changes.extend(
                walk(state, base_schema, revision_schema, f"{location}.schema", _BODY_CHECKS)
            )


_SERIALISATION = (
    (
        "style",
        "request-parameter-style-changed",
        "The serialisation style of the {where} parameter {name} changed.",
    ),
    (
        "explode",
        "request-parameter-explode-changed",
        "Whether the {where} parameter {name} is exploded changed.",
    ),
)


def _renamed_path_parameters(
    base: OperationView, revision: OperationView
) -> dict[tuple[str, str], dict[str, Any]]:
    """The revision's parameters, its path parameters renamed to the base's names by position."""
    renames = dict(zip(_NAMES.findall(revision.path), _NAMES.findall(base.path), strict=False))
    return {
        (where, renames.get(name, name) if where == "path" else name): parameter
        for (where, name), parameter in revision.parameters.items()
    }


def _key(parameter: dict[str, Any]) -> tuple[str, str]:
    where, name = str(parameter.get("in", "")), str(parameter.get("name", ""))
    return where, name.lower() if where == "header" else name


def _json(media_type: str) -> bool:
    """True for JSON media types, whose values are typed (`1` is not `"1"`)."""
    essence = media_type.split(";", 1)[0].strip().lower()
    return essence == "application/json" or essence.endswith("+json")
