"""JSON Schema's regex keywords for jsonschema validators, evaluated by `verifier._regex`.

jsonschema (and openapi-schema-validator, which openapi-core uses) run `pattern`,
`patternProperties` and the property lists of `additionalProperties` and
`unevaluatedProperties` through Python's `re`, which backtracks. `with_linear_regexes(cls)`
gives a validator class the same keywords over RE2, reading patterns as ECMA-262 as JSON
Schema asks (https://json-schema.org/draft/2020-12/json-schema-core#section-6.4). A pattern
Accord does not evaluate is an error at that keyword, never a pass.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import ValidationError, validators  # type: ignore[import-untyped]

from verifier._regex import Dialect, RegexError, compile_regex

# jsonschema ships no type information: validators, schemas and instances are Any here.


def pattern_error(pattern: str, error: RegexError) -> ValidationError:
    """The error a schema gets for a pattern that is not evaluated."""
    return ValidationError(f"the pattern {pattern!r} is not evaluated: it {error.reason}")


def _matches(pattern: str, text: str) -> bool:
    """Whether `pattern` matches in `text`; a pattern not evaluated matches nothing."""
    try:
        return compile_regex(pattern, Dialect.ECMA).search(text)
    except RegexError:
        return False


def pattern(validator: Any, expected: Any, instance: Any, schema: Mapping[str, Any]) -> Any:
    """`pattern`: a string matches the expression somewhere (unanchored, ECMA-262)."""
    if not validator.is_type(instance, "string") or not isinstance(expected, str):
        return
    try:
        found = compile_regex(expected, Dialect.ECMA).search(instance)
    except RegexError as error:
        yield pattern_error(expected, error)
        return
    if not found:
        yield ValidationError(f"{instance!r} does not match the pattern {expected!r}")


def _refused(patterns: Any) -> Iterator[ValidationError]:
    for each in patterns if isinstance(patterns, Mapping) else ():
        try:
            compile_regex(each, Dialect.ECMA)
        except RegexError as error:
            yield pattern_error(each, error)


def pattern_properties(
    validator: Any, patterns: Any, instance: Any, schema: Mapping[str, Any]
) -> Any:
    """`patternProperties`: each member whose name matches a pattern fits its schema."""
    if not validator.is_type(instance, "object"):
        return
    yield from _refused(patterns)
    for each, subschema in patterns.items():
        for name, value in instance.items():
            if _matches(each, name):
                yield from validator.descend(value, subschema, path=name, schema_path=each)


def additional_names(instance: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    """Members neither named in `properties` nor matched by a `patternProperties` pattern."""
    declared = schema.get("properties") or {}
    patterns = list(schema.get("patternProperties") or {})
    return [
        name
        for name in instance
        if name not in declared and not any(_matches(each, name) for each in patterns)
    ]


def additional_properties(
    validator: Any, allowed: Any, instance: Any, schema: Mapping[str, Any]
) -> Any:
    """`additionalProperties`: the members no other keyword names fit this schema."""
    if not validator.is_type(instance, "object"):
        return
    extras = additional_names(instance, schema)
    if validator.is_type(allowed, "object"):
        for name in extras:
            yield from validator.descend(instance[name], allowed, path=name)
    elif allowed is False and extras:
        listed = ", ".join(repr(name) for name in sorted(extras))
        yield ValidationError(f"Additional properties are not allowed ({listed} unexpected)")


def _valid(validator: Any, instance: Any, schema: Any) -> bool:
    return next(validator.descend(instance, schema), None) is None


def _evaluated(  # noqa: PLR0912 - one branch per keyword that evaluates members
    validator: Any, instance: Mapping[str, Any], schema: Any
) -> set[str]:
    """The member names some keyword of `schema` evaluates (for `unevaluatedProperties`)."""
    if not isinstance(schema, Mapping):
        return set()
    names: set[str] = set()
    for keyword in ("$ref", "$dynamicRef"):
        reference = schema.get(keyword)
        if isinstance(reference, str):
            resolved = validator._resolver.lookup(reference)
            moved = validator.evolve(schema=resolved.contents, _resolver=resolved.resolver)
            names |= _evaluated(moved, instance, resolved.contents)
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        names |= properties.keys() & instance.keys()
    for keyword in ("additionalProperties", "unevaluatedProperties"):
        if keyword in schema:
            names |= {
                name
                for name, value in instance.items()
                if _valid(validator, value, schema[keyword])
            }
    for each in schema.get("patternProperties") or {}:
        names |= {name for name in instance if _matches(each, name)}
    for name, subschema in (schema.get("dependentSchemas") or {}).items():
        if name in instance:
            names |= _evaluated(validator, instance, subschema)
    for keyword in ("allOf", "oneOf", "anyOf"):
        for subschema in schema.get(keyword) or []:
            if _valid(validator, instance, subschema):
                names |= _evaluated(validator, instance, subschema)
    if "if" in schema:
        if validator.evolve(schema=schema["if"]).is_valid(instance):
            names |= _evaluated(validator, instance, schema["if"])
            names |= _evaluated(validator, instance, schema.get("then"))
        else:
            names |= _evaluated(validator, instance, schema.get("else"))
    return names


def unevaluated_properties(
    validator: Any, unevaluated: Any, instance: Any, schema: Mapping[str, Any]
) -> Any:
    """`unevaluatedProperties`: members no keyword evaluated fit this schema."""
    if not validator.is_type(instance, "object"):
        return
    evaluated = _evaluated(validator, instance, schema)
    failing = [
        name
        for name in instance
        if name not in evaluated and not _valid_at(validator, instance[name], unevaluated, name)
    ]
    if failing:
        listed = ", ".join(repr(name) for name in sorted(failing))
        if unevaluated is False:
            yield ValidationError(f"Unevaluated properties are not allowed ({listed} unexpected)")
        else:
            yield ValidationError(f"Unevaluated properties are not valid ({listed})")


def _valid_at(validator: Any, value: Any, schema: Any, name: str) -> bool:
    return next(validator.descend(value, schema, path=name, schema_path=name), None) is None


KEYWORDS = {
    "pattern": pattern,
    "patternProperties": pattern_properties,
    "additionalProperties": additional_properties,
    "unevaluatedProperties": unevaluated_properties,
}
"""The keywords that read patterns, by name."""


@functools.cache
def with_linear_regexes(cls: Any) -> Any:
    """`cls` with its regex keywords evaluated by RE2 (only those `cls` knows)."""
    own = {name: check for name, check in KEYWORDS.items() if name in cls.VALIDATORS}
    return validators.extend(cls, own)
