"""Checking pacts against the Pact JSON Schemas V1 to V4 before the broker stores them.

Two profiles share the schemas:

- **strict** reports everything the published schema rejects. It classifies the schema
  project's pass/fail examples exactly, and suits an explicit "validate" command.
- **reader** (the upload default) reports only what would make a pact unreadable or
  ambiguous. The Pact specification asks readers to ignore what they do not know, and the
  Rust and JVM implementations write pacts that the schemas reject (unknown members such as
  `_id` or `comments`, matcher spellings such as `timestamp`, V4 bodies without
  `contentTypeHint`): the sample pacts in `shared/corpora/sample-pacts` are such files and
  must publish. `_is_tolerated` lists each relaxation with the writer that needs it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Protocol

import fastjsonschema
import jsonschema  # type: ignore[import-untyped]  # ships no py.typed; wrapped in Protocols below

from broker.domain.errors import FieldError, InvalidInputError
from broker.domain.model import JSONValue
from broker.domain.pacts import (
    PactDocument,
    SpecificationMajor,
    decode_pact,
    json_pointer,
    read_pact,
    specification_of,
)
from broker.pact_schemas import SchemaVersion, load_schema

_SCHEMA_OF: dict[SpecificationMajor, SchemaVersion] = {
    "1": "1",
    "1.1": "1",
    "2": "2",
    "3": "3",
    "4": "4",
}


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
def _validator(version: SchemaVersion) -> _Validator:
    """A validator of the draft the schema's `$schema` names (draft-07 for all four)."""
    schema = load_schema(version)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator: _Validator = cls(schema)
    return validator


@functools.cache
def _fast_validator(version: SchemaVersion) -> Callable[[JSONValue], object]:
    """The schema compiled to Python by fastjsonschema.

    About ten times faster than jsonschema on a valid pact, but it stops at the first error and
    says little about it.
    """
    compiled: Callable[[JSONValue], object] = fastjsonschema.compile(load_schema(version))
    return compiled


def _passes(version: SchemaVersion, document: JSONValue) -> bool:
    """Whether the document is valid, by the fast check.

    A "no" sends the caller to jsonschema for the full list of errors (and the reader
    profile's tolerances).
    """
    try:
        _fast_validator(version)(document)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def validate_pact(
    document: JSONValue, spec_major: SpecificationMajor, *, strict: bool = True
) -> list[FieldError]:
    """The places where `document` breaks the schema of its specification version.

    Args:
        document: a decoded pact.
        spec_major: its major specification version; V1 and V1.1 share the V1 schema.
        strict: report everything the schema rejects; when false, use the reader profile
            (see the module docstring) that the upload path uses.

    Returns:
        One error per bad place, with a JSON pointer and a plain message; empty when valid.
    """
    if not strict:
        # Every error under matching rules or generators is tolerated in the reader profile,
        # and no schema requires either member, so leaving them out changes no outcome.
        # It makes validation of a rule-heavy pact about three times faster
        # (benchmarks/pact_documents.py).
        document = _without_rules(document)
    if _passes(_SCHEMA_OF[spec_major], document):
        return []
    problems: list[FieldError] = []
    for error in _validator(_SCHEMA_OF[spec_major]).iter_errors(document):
        if strict or not _is_tolerated(error):
            problems += _describe(error, strict=strict)
    return list(dict.fromkeys(problems))


def check_pact(raw: bytes, consumer: str, provider: str, *, strict: bool = False) -> PactDocument:
    """Parse a received pact, validate it and check who it is between.

    Args:
        raw: the pact as received.
        consumer: the consumer the request publishes for; the pact's `consumer.name` must be it.
        provider: the provider the request names; the pact's `provider.name` must be it.
        strict: validate with the strict profile instead of the reader profile.

    Returns:
        The parsed pact.

    Raises:
        InvalidInputError: with every problem found: unreadable parts, schema errors and
            names that differ from the request's.
    """
    document = decode_pact(raw)
    problems: list[FieldError] = []
    pact: PactDocument | None = None
    try:
        pact = read_pact(document)
    except InvalidInputError as error:
        problems += error.errors
    major, _ = specification_of(document)
    seen = {p.pointer for p in problems}
    problems += [p for p in validate_pact(document, major, strict=strict) if p.pointer not in seen]
    for role, expected, found in (
        ("consumer", consumer, pact.consumer if pact else None),
        ("provider", provider, pact.provider if pact else None),
    ):
        if found is not None and found != expected:
            problems.append(
                FieldError(
                    json_pointer(role, "name"),
                    f"is {found!r}, but the pact is published for {role} {expected!r}",
                )
            )
    if problems or pact is None:
        count = len(problems)
        raise InvalidInputError(
            f"The pact is not valid: {count} problem{'s' if count != 1 else ''}", problems
        )
    return pact


_RULE_MEMBERS = ("matchingRules", "generators")


def _without_rules(document: JSONValue) -> JSONValue:
    """A shallow copy of a pact without matching rules and generators.

    They sit on an interaction, on its request, response or contents, and on each message of
    a V4 synchronous message's response list; bodies are not entered.
    """
    if not isinstance(document, dict):
        return document
    copy = dict(document)
    for section in ("interactions", "messages"):
        items = document.get(section)
        if isinstance(items, list):
            copy[section] = [_strip(item, depth=2) for item in items]
    return copy


def _strip(value: JSONValue, depth: int) -> JSONValue:
    if isinstance(value, list) and depth > 0:
        return [_strip(item, depth - 1) for item in value]
    if not isinstance(value, dict):
        return value
    return {
        name: _strip(member, depth - 1) if depth > 0 else member
        for name, member in value.items()
        if name not in _RULE_MEMBERS
    }


def _branches(error: _SchemaError) -> list[list[_SchemaError]]:
    """The errors of each alternative of an `anyOf`/`oneOf`, grouped by alternative."""
    grouped: dict[str | int, list[_SchemaError]] = {}
    for sub in error.context:
        grouped.setdefault(sub.schema_path[0], []).append(sub)
    return list(grouped.values())


def _is_tolerated(error: _SchemaError) -> bool:
    """Whether the reader profile lets `error` pass."""
    if error.validator in ("anyOf", "oneOf"):
        # Readable if one alternative is readable. A `oneOf` matched by several alternatives
        # (no context) is still readable: any of them reads it.
        return not error.context or any(
            all(_is_tolerated(e) for e in branch) for branch in _branches(error)
        )
    path = list(error.absolute_path)
    return any(rule(error, path) for rule in _READER_RULES)


def _unknown_member(error: _SchemaError, path: list[str | int]) -> bool:
    """Readers ignore unknown members (Pact specification, "Extensions").

    Brokers add `_id`; pact-jvm writes `providerStates` on V3 messages and `provider_state` on
    V2 interactions; V4 writers add `comments`, `pending`, `transport`, `interactionMarkup`;
    generator keys such as `column:3` fail the schema's `$`-only key pattern.
    """
    return error.validator == "additionalProperties"


def _rules_or_generators(error: _SchemaError, path: list[str | int]) -> bool:
    """The broker stores matching rules and generators without reading them.

    Their vocabulary differs between implementations (pact-jvm's `timestamp` matcher, V2
    `{"min": 2}` without `match`, ProviderState generators with `expression`, V3 message rules
    without `body`); the verifier judges them.
    """
    return "matchingRules" in path or "generators" in path


def _metadata(error: _SchemaError, path: list[str | int]) -> bool:
    """Metadata is tool-written and the specification version is read leniently.

    pact-jvm has written `"pact-specification": "2.0.0"` and a null version.
    """
    return path[:1] == ["metadata"]


def _content_type_hint(error: _SchemaError, path: list[str | int]) -> bool:
    """V4 `contentTypeHint` is optional and may be DEFAULT (V4 specification, "Body").

    pact-jvm and the Rust implementation omit it; the Rust implementation writes DEFAULT,
    which the schema does not list.
    """
    if error.validator == "required":
        return _missing(error) <= {"contentTypeHint"}
    return error.validator == "const" and path[-1:] == ["contentTypeHint"]


def _old_message_contents(error: _SchemaError, path: list[str | int]) -> bool:
    """Older pact-jvm message pacts spell `contents` as `content`."""
    return (
        error.validator == "required"
        and _missing(error) == {"contents"}
        and isinstance(error.instance, dict)
        and "content" in error.instance
    )


def _query_with_equals_in_values(error: _SchemaError, path: list[str | int]) -> bool:
    """V1/V2 query strings may have `=` inside a value (RFC 3986 §3.4).

    pact-jvm writes `options=delete.topic.enable=true`, which the schema's pattern forbids.
    A parameter without a name or without `=` (`a=1&&`, `flag`) is still refused.
    """
    return (
        error.validator == "pattern"
        and path[-1:] == ["query"]
        and isinstance(error.instance, str)
        and _is_named_query(error.instance)
    )


_READER_RULES = (
    _unknown_member,
    _rules_or_generators,
    _metadata,
    _content_type_hint,
    _old_message_contents,
    _query_with_equals_in_values,
)


def _is_named_query(query: str) -> bool:
    parameters = query.removesuffix("&").split("&")
    return all(p.partition("=")[0] and "=" in p for p in parameters)


def _missing(error: _SchemaError) -> set[str]:
    required = error.validator_value
    instance = error.instance
    if not isinstance(required, list) or not isinstance(instance, dict):
        return set()
    return {name for name in required if isinstance(name, str) and name not in instance}


def _describe(error: _SchemaError, *, strict: bool) -> Iterator[FieldError]:
    """Plain-language errors for one schema error, pointing at the bad member itself."""
    where = json_pointer(*error.absolute_path)
    kind = error.validator
    if kind in ("anyOf", "oneOf"):
        if not error.context:
            yield FieldError(where, "matches more than one of the allowed forms")
            return
        branch = min(_branches(error), key=lambda b: _rank(b, strict=strict))
        for sub in branch:
            if strict or not _is_tolerated(sub):
                yield from _describe(sub, strict=strict)
    elif kind == "required":
        for name in sorted(_missing(error)):
            yield FieldError(f"{where}{json_pointer(name)}", "is required")
    elif kind == "additionalProperties" and isinstance(error.instance, dict):
        for name in sorted(_unexpected(error.instance, error.schema)):
            yield FieldError(f"{where}{json_pointer(name)}", "is not allowed here")
    else:
        yield FieldError(where, _detail(error))


def _rank(branch: list[_SchemaError], *, strict: bool) -> tuple[int, int]:
    """How well an alternative fits: prefer one whose `type`/`const` tags match, then fewer errors.

    A V4 interaction fails all three interaction alternatives; the one whose `type` constant
    matches is the one the writer meant.
    """
    reported = [e for e in branch if strict or not _is_tolerated(e)]
    mismatched_tag = any(e.validator in ("const", "enum") for e in reported)
    return (int(mismatched_tag), len(reported))


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
