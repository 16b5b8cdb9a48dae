"""Pacts against the Pact JSON Schemas V1 to V4: every fault, marked when real clients write it.

fastjsonschema answers "valid?" about ten times faster than jsonschema; only a pact it refuses
goes through jsonschema, which lists every error. Each error becomes one `Fault` per bad place,
pointing at the member itself, and `tolerances.tolerance_of` says whether it is one of the
named real-client faults the broker's lenient profile lets through.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol

import fastjsonschema
import jsonschema  # type: ignore[import-untyped]  # ships no py.typed; wrapped in Protocols below
import msgspec

from verifier.pact_validation import tolerances
from verifier.pact_validation.schemas import SchemaVersion, load_schema
from verifier.pact_validation.tolerances import Site
from verifier.pact_validation.versions import (
    JSONValue,
    SpecificationMajor,
    declared_version,
    inferred_specification,
    major_of,
)

SCHEMA_OF: dict[SpecificationMajor, SchemaVersion] = {
    "1": "1",
    "1.1": "1",
    "2": "2",
    "3": "3",
    "4": "4",
}


class Fault(msgspec.Struct, frozen=True, kw_only=True):
    """One place where a pact breaks its specification's schema.

    Attributes:
        pointer: the bad member, as a JSON pointer (RFC 6901) into the pact.
        detail: what is wrong, in a few words ("is required", "must be at most 599").
        tolerance: the name of the real-client fault it is (`tolerances.TOLERANCES`), or None.
    """

    pointer: str
    detail: str
    tolerance: str | None = None


class Validation(msgspec.Struct, frozen=True, kw_only=True):
    """What validating one pact found.

    Attributes:
        specification: the major version the pact was validated as.
        declared: the version string the pact declares, if it declares a readable one.
        faults: every schema fault, in document order of discovery; empty when valid.
    """

    specification: SpecificationMajor
    declared: str | None
    faults: tuple[Fault, ...]

    @property
    def is_inferred(self) -> bool:
        """Whether the specification version was not declared but read from the pact's shape."""
        return major_of(self.declared) is None

    def refused(self, *, strict: bool) -> list[Fault]:
        """The faults that make the pact invalid: all of them when strict, else the unnamed."""
        return [f for f in self.faults if strict or f.tolerance is None]

    def tolerated(self, *, strict: bool) -> list[Fault]:
        """The named real-client faults let through (none when strict)."""
        return [] if strict else [f for f in self.faults if f.tolerance is not None]


def json_pointer(*parts: str | int) -> str:
    """A JSON pointer (RFC 6901 §3) to `parts`, escaping `~` and `/` in member names."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def validate_pact(
    document: JSONValue, *, specification: SpecificationMajor | None = None
) -> Validation:
    """Every place where `document` breaks the schema of its specification version.

    Args:
        document: a decoded pact.
        specification: the version to validate as when the pact declares none it can be read
            by; when None, the version is inferred from the pact's shape.

    Returns:
        The version used and each fault, with its tolerance name when it is a named
        real-client fault.
    """
    declared = declared_version(document)
    major = major_of(declared) or specification or inferred_specification(document)
    repaired, repairs = _repaired(document, major)
    faults = repairs if _passes(SCHEMA_OF[major], repaired) else _explained(document, major)
    return Validation(specification=major, declared=declared, faults=tuple(faults))


def _explained(document: JSONValue, major: SpecificationMajor) -> list[Fault]:
    """Every fault, found by jsonschema and each checked against the tolerances."""
    context = _Context(major=major, document=document)
    faults: list[Fault] = []
    for error in _validator(SCHEMA_OF[major]).iter_errors(document):
        faults += _faults(error, (), context, inherited=None)
    return list(dict.fromkeys(faults))


def _repaired(document: JSONValue, major: SpecificationMajor) -> tuple[JSONValue, list[Fault]]:
    """The pact with its commonest real-client faults mended, and those faults.

    Every V4 pact the Rust core writes lacks `contentTypeHint` on each body, and a pact read
    back from a broker has an `_id` on each interaction: explaining those through jsonschema
    costs seconds on a large pact. Each fault mended here is one `tolerances` names, reported
    exactly as the full check reports it (a test compares the two on every sample pact); if
    the mended pact still fails the fast check, the full check runs on the original.
    """
    if not isinstance(document, dict):
        return document, []
    repairs: list[Fault] = []
    mended = dict(document)
    for section in ("interactions", "messages"):
        items = document.get(section)
        if isinstance(items, list):
            mended[section] = [
                _mended_interaction(item, (section, index), major, repairs)
                for index, item in enumerate(items)
            ]
    return mended, repairs


def _mended_interaction(
    item: JSONValue, at: tuple[str | int, ...], major: SpecificationMajor, repairs: list[Fault]
) -> JSONValue:
    if not isinstance(item, dict):
        return item
    copy = dict(item)
    if isinstance(copy.get("_id"), str):
        del copy["_id"]
        repairs.append(Fault(pointer=json_pointer(*at, "_id"), detail=_UNKNOWN, tolerance=_ID))
    if major != "4" or at[0] != "interactions":
        return copy
    if isinstance(copy.get("transport"), str):
        del copy["transport"]
        where = json_pointer(*at, "transport")
        repairs.append(Fault(pointer=where, detail=_UNKNOWN, tolerance="v4-transport"))
    for part in ("request", "response"):
        value = copy.get(part)
        body = value.get("body") if isinstance(value, dict) else None
        if isinstance(value, dict) and isinstance(body, dict):
            hint = body.get("contentTypeHint", _ABSENT)
            if hint is _ABSENT or hint == "DEFAULT":
                where = json_pointer(*at, part, "body", "contentTypeHint")
                detail = "is required" if hint is _ABSENT else _HINT_DETAIL
                repairs.append(Fault(pointer=where, detail=detail, tolerance=_HINT))
                copy[part] = {**value, "body": {**body, "contentTypeHint": "TEXT"}}
    return copy


_ABSENT = object()
_UNKNOWN = "is not allowed here"
_ID = "broker-interaction-id"
_HINT = "v4-body-content-type-hint"
_HINT_DETAIL = "must be one of 'BINARY', 'TEXT'"


class _SchemaError(Protocol):
    """What Accord reads of a `jsonschema.ValidationError`."""

    validator: str
    validator_value: JSONValue
    message: str
    instance: JSONValue
    schema: Mapping[str, JSONValue]
    absolute_path: Sequence[str | int]
    schema_path: Sequence[str | int]
    context: list[_SchemaError]


class _Validator(Protocol):
    def iter_errors(self, instance: JSONValue) -> Iterable[_SchemaError]: ...


@functools.cache
def _validator(version: SchemaVersion, pointer: str = "") -> _Validator:
    """A validator of the schema's draft (draft-07 for all four), for the whole schema or a part.

    Args:
        version: which schema.
        pointer: a JSON pointer to one of its subschemas (a tolerance checks a member against
            another version's definition with it); "" for the whole schema.
    """
    schema = load_schema(version)
    if pointer:
        schema = {"$ref": f"#{pointer}", "definitions": schema["definitions"]}
    cls = jsonschema.validators.validator_for(load_schema(version))
    cls.check_schema(schema)
    validator: _Validator = cls(schema)
    return validator


@functools.cache
def _fast_validator(version: SchemaVersion) -> Callable[[JSONValue], object]:
    compiled: Callable[[JSONValue], object] = fastjsonschema.compile(load_schema(version))
    return compiled


def _passes(version: SchemaVersion, document: JSONValue) -> bool:
    try:
        _fast_validator(version)(document)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


class _Context(msgspec.Struct, frozen=True, kw_only=True):
    major: SpecificationMajor
    document: JSONValue

    def conforms(
        self, version: SchemaVersion, pointer: str, value: JSONValue, at: tuple[str | int, ...]
    ) -> bool:
        """Whether `value` (found at `at`) fits a subschema, apart from tolerated faults."""
        inner = _Context(major=version, document=self.document)
        return all(
            fault.tolerance is not None
            for error in _validator(version, pointer).iter_errors(value)
            for fault in _faults(error, at, inner, inherited=None)
        )


def _faults(
    error: _SchemaError, prefix: tuple[str | int, ...], context: _Context, inherited: str | None
) -> list[Fault]:
    """The faults one schema error stands for, each marked with its tolerance, if any."""
    path = prefix + tuple(error.absolute_path)
    where = json_pointer(*path)
    site = Site(
        kind=error.validator,
        path=path,
        instance=error.instance,
        member=None,
        major=context.major,
        document=context.document,
        conforms=context.conforms,
    )
    inherited = inherited or tolerances.tolerance_of(site)
    kind = error.validator
    if kind in ("anyOf", "oneOf"):
        if not error.context:
            return [Fault(pointer=where, detail="matches more than one of the allowed forms")]
        constants = [sub.validator_value for sub in error.context if sub.validator == "const"]
        if len(constants) == len(error.context) == len(_branches(error)):
            detail = f"must be one of {', '.join(repr(c) for c in constants)}"
            return [Fault(pointer=where, detail=detail, tolerance=inherited)]
        branches = [
            (branch, [f for sub in branch for f in _faults(sub, prefix, context, inherited)])
            for branch in _branches(error)
        ]
        return min(branches, key=_rank)[1]
    if kind == "required":
        names = sorted(_missing(error))
    elif kind == "additionalProperties" and isinstance(error.instance, dict):
        names = sorted(_unexpected(error.instance, error.schema))
    else:
        return [Fault(pointer=where, detail=_detail(error), tolerance=inherited)]
    detail = "is required" if kind == "required" else "is not allowed here"
    return [
        Fault(
            pointer=f"{where}{json_pointer(name)}",
            detail=detail,
            tolerance=inherited or tolerances.tolerance_of(site._replace(member=name)),
        )
        for name in names
    ]


def _branches(error: _SchemaError) -> list[list[_SchemaError]]:
    """The errors of each alternative of an `anyOf`/`oneOf`, grouped by alternative."""
    grouped: dict[str | int, list[_SchemaError]] = {}
    for sub in error.context:
        grouped.setdefault(sub.schema_path[0], []).append(sub)
    return list(grouped.values())


def _rank(branch: tuple[list[_SchemaError], list[Fault]]) -> tuple[bool, bool, int, int]:
    """How well an alternative fits: one with only tolerated faults first, then by tags.

    A V4 interaction fails all three interaction alternatives; the one whose `type` constant
    matches is the one the writer meant. Then fewer refused faults, then fewer faults.
    """
    errors, faults = branch
    refused = sum(1 for f in faults if f.tolerance is None)
    mismatched_tag = any(e.validator in ("const", "enum") for e in errors)
    return (refused > 0, mismatched_tag, refused, len(faults))


def _missing(error: _SchemaError) -> set[str]:
    required = error.validator_value
    instance = error.instance
    if not isinstance(required, list) or not isinstance(instance, dict):
        return set()
    return {name for name in required if isinstance(name, str) and name not in instance}


def _unexpected(instance: Mapping[str, JSONValue], schema: Mapping[str, JSONValue]) -> list[str]:
    properties = schema.get("properties")
    patterns = schema.get("patternProperties")
    known = set(properties) if isinstance(properties, dict) else set()
    regexes = [re.compile(p) for p in patterns] if isinstance(patterns, dict) else []
    return [
        name for name in instance if name not in known and not any(r.search(name) for r in regexes)
    ]


_LIMITS = {
    "minimum": "must be at least {}",
    "maximum": "must be at most {}",
    "exclusiveMinimum": "must be greater than {}",
    "exclusiveMaximum": "must be less than {}",
    "minLength": "must have at least {} characters",
    "minItems": "must have at least {} items",
    "minProperties": "must have at least {} members",
    "pattern": "must match the pattern {}",
}


def _detail(error: _SchemaError) -> str:
    value = error.validator_value
    kind = error.validator
    if kind == "type":
        names = value if isinstance(value, list) else [value]
        return f"must be of type {' or '.join(str(n) for n in names)}"
    if kind == "enum" and isinstance(value, list):
        return f"must be one of {', '.join(repr(v) for v in value)}"
    if kind == "const":
        return f"must be {value!r}"
    if kind in _LIMITS:
        return _LIMITS[kind].format(value)
    return error.message
