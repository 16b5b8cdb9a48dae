"""openapi-core behind `OpenAPICheck`: a document compiled, and one response validated.

Imported on first use only: openapi-core takes about 0.4 s to import, which runs that check no
OpenAPI document should not pay.

An undeclared property of a response body is judged by the comparator's rule (see
`verifier.comparison.responses`): the schema is closed, whatever `additionalProperties: true`
says, unless `additionalProperties` is a schema. openapi-core's own `additionalProperties`
errors give way to it, and so does its `oneOf` "valid under each" error when, closed, exactly
one member fits; so `verify --openapi` and `compare-spec` agree on the same document.

A document is read on its own: jsonschema-path would fetch a `$ref` to an `http(s)://` or
`file://` URL (and echo what it read in its errors), so a reference that leaves the document
is refused before openapi-core sees it, and openapi-core gets no URL handlers at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import msgspec
from jsonschema import (  # type: ignore[import-untyped]  # ships no py.typed
    FormatChecker,
    ValidationError,
)
from jsonschema_path import SchemaPath
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.validation.response import VALIDATORS as RESPONSE_VALIDATORS
from openapi_core.validation.response.exceptions import (
    DataValidationError,
    HeaderValidationError,
)
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue
from openapi_core.validation.schemas.factories import SchemaValidatorsFactory
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from openapi_spec_validator.versions.exceptions import OpenAPIVersionNotFound
from openapi_spec_validator.versions.shortcuts import get_spec_version
from werkzeug.datastructures import Headers, ImmutableMultiDict

from verifier._errors import SpecError, VerifierError
from verifier._matching.values import JSONObject, JSONValue
from verifier._openapi_paths import LinearPathFinder
from verifier._regex import is_valid
from verifier._regex_schema import with_linear_regexes
from verifier._results import Finding
from verifier.comparison.responses import closed_schema_errors
from verifier.comparison.spec import Spec

SOURCE = "openapi"
_HOST = "http://provider.invalid"  # requests are matched by path: the servers' hosts are dropped


class InvalidDocumentError(VerifierError, ValueError):
    """openapi-core refused the document; the message is its first line."""


class OutsideReferenceError(InvalidDocumentError):
    """The document refers to another document, which the verifier does not fetch."""


# The keywords whose value is a reference to follow (JSON Schema 2019-09 and 2020-12 add the
# dynamic ones).
_REFERENCE_KEYS = ("$ref", "$dynamicRef", "$recursiveRef")


def outside_reference(document: object) -> str | None:
    """The first reference in `document` that leads outside it (anything but `#...`), if any.

    Walks the whole document with an explicit stack, so a deep one cannot exhaust Python's.
    """
    pending = [document]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            for key in _REFERENCE_KEYS:
                ref = node.get(key)
                if isinstance(ref, str) and not ref.startswith("#"):
                    return ref
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return None


def _servers_by_path(document: dict[str, Any]) -> dict[str, Any]:
    """The document with each server URL cut to its path, variables filled with defaults.

    The verifier talks to the provider where it runs, not where the document says it is
    deployed, so only the servers' path prefixes (such as `/v1`) take part in matching.
    """
    servers = document.get("servers") or [{"url": "/"}]
    kept = []
    for server in servers:
        url = str(server.get("url", "/"))
        for name, variable in (server.get("variables") or {}).items():
            url = url.replace("{" + name + "}", str(variable.get("default", "")))
        kept.append({"url": urlsplit(url).path.rstrip("/") or "/"})
    return {**document, "servers": kept}


class _Request:
    """The request that was sent, in the shape openapi-core reads (to find the operation)."""

    def __init__(self, request: Mapping[str, JSONValue]) -> None:
        path = str(request.get("path") or "/")
        self.host_url = _HOST
        self.path = quote(path, safe="/%:@!$&'()*+,;=-._~")
        self.method = str(request.get("method") or "GET").lower()
        self.body: bytes | None = None
        self.content_type = ""
        query = request.get("query")
        pairs = parse_qsl(query) if isinstance(query, str) else []
        if isinstance(query, dict):
            for name, values in query.items():
                for value in values if isinstance(values, list) else [values]:
                    pairs.append((name, "" if value is None else str(value)))
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(pairs),
            header=Headers(),
            cookie=ImmutableMultiDict(),
            path={},
        )


class _Response:
    """The provider's answer, from its pact shape, in the shape openapi-core reads."""

    def __init__(self, response: Mapping[str, JSONValue]) -> None:
        status = response.get("status")
        self.status_code = status if isinstance(status, int) else 0
        headers = Headers()
        found = response.get("headers")
        for name, values in (found if isinstance(found, dict) else {}).items():
            for value in values if isinstance(values, list) else [values]:
                headers.add(name, str(value))
        self.headers = headers
        self.content_type = headers.get("Content-Type", "").lower()
        body = response.get("body")
        self.data = body.encode() if isinstance(body, str) else None


def _json_path(parts: Iterator[str | int]) -> str:
    path = "$.body"
    for part in parts:
        simple = isinstance(part, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part)
        path += f".{part}" if simple else f"[{part!r}]" if isinstance(part, str) else f"[{part}]"
    return path


def _schema_finding(problem: object, where: str) -> Finding:
    """One problem jsonschema found in the body."""
    parts = problem.absolute_path if isinstance(problem, ValidationError) else ()
    message = problem.message if isinstance(problem, ValidationError) else str(problem)
    rule = problem.validator if isinstance(problem, ValidationError) else None
    path = _json_path(iter(parts))
    return Finding(
        source=SOURCE,
        kind="body",
        path=path,
        expected=rule if isinstance(rule, str) else None,
        actual=None,
        description=f"{path}: {message} (the schema of {where})",
    )


@dataclass(frozen=True)
class _Closed:
    """What the closed schema says of a JSON body: its undeclared properties, its `oneOf`s."""

    undeclared: list[Finding]
    failed_one_of: frozenset[tuple[str | int, ...]]
    """Where (instance paths) a `oneOf` fails under the closed schema."""

    def overrides(self, problem: object) -> bool:
        """Whether openapi-core's `problem` is one the closed rule decides instead.

        `additionalProperties: false` errors (JSON Schema would also refuse, under an `allOf`
        member, the properties its siblings declare), and a `oneOf` that open members all fit
        but that fits once closed.
        """
        if not isinstance(problem, ValidationError):
            return False
        if problem.validator == "additionalProperties" and problem.validator_value is False:
            return True
        return (
            problem.validator == "oneOf"
            and not problem.context  # no member failed: several fit
            and tuple(problem.absolute_path) not in self.failed_one_of
        )


def _findings(error: Exception, where: str, closed: _Closed | None) -> list[Finding]:
    """The findings one openapi-core error stands for (a schema error may hold several)."""
    cause = error.__cause__
    if isinstance(error, DataValidationError) and isinstance(cause, InvalidSchemaValue):
        return [
            _schema_finding(problem, where)
            for problem in cause.schema_errors
            if closed is None or not closed.overrides(problem)
        ]
    kind, reason = "body", str(error.__cause__ or error).rstrip(".")
    if isinstance(error, HeaderValidationError):
        kind = "header"
    elif isinstance(error, MediaTypeNotFound):
        kind, reason = "content-type", f"the document lists no {error.mimetype!r} content here"
    elif isinstance(error, ResponseNotFound):
        kind, reason = "status", f"the document lists no {error.http_status} response"
    elif isinstance(error, PathNotFound | OperationNotFound):
        kind, reason = "operation", "the document describes no such operation"
    return [
        Finding(
            source=SOURCE,
            kind=kind,
            path=kind,
            expected=None,
            actual=None,
            description=f"{where}: {reason}",
        )
    ]


@dataclass(frozen=True)
class CompiledDocument:
    """A document ready to validate responses: openapi-core's view and the comparator's.

    Attributes:
        api: openapi-core's document (operations, parameters, schemas as written).
        spec: The comparator's index of the same document (the closed response schemas).
        prefixes: The servers' path prefixes (such as `/v1`), longest first.
    """

    api: OpenAPI
    spec: Spec
    prefixes: tuple[str, ...]


class _LinearRegexValidators(SchemaValidatorsFactory):
    """openapi-core's schema validators for one OpenAPI version, with patterns run by RE2.

    openapi-schema-validator evaluates `pattern` and `patternProperties` with Python's `re`,
    which a pattern such as `^(a+)+$` holds for minutes; these run in linear time instead.
    """

    def __init__(self, default: Any) -> None:
        super().__init__(default.schema_validator_cls, default.format_checker)
        self._default = default

    def get_validator_cls(self, spec: SchemaPath, schema: SchemaPath) -> Any:
        return with_linear_regexes(self._default.get_validator_cls(spec, schema))

    def get_format_checker(self, *args: Any, **kwargs: Any) -> FormatChecker:
        checker = super().get_format_checker(*args, **kwargs)
        checker.checks("regex")(lambda value: not isinstance(value, str) or is_valid(value))
        return checker


def _config(document: dict[str, Any]) -> Config:
    """openapi-core's settings for `document`: its finder and validators, over RE2."""
    try:
        validator = RESPONSE_VALIDATORS.get(get_spec_version(document))
    except OpenAPIVersionNotFound:
        validator = None  # openapi-core refuses the document with its own message
    # Each version's validator class names its schema validators (a class attribute).
    default = getattr(validator, "schema_validators_factory", None)
    if default is None:
        return Config(path_finder_cls=LinearPathFinder)
    return Config(
        path_finder_cls=LinearPathFinder,
        schema_validators_factory=_LinearRegexValidators(default),
    )


def compile_document(document: dict[str, Any]) -> CompiledDocument:
    """The document ready to validate responses.

    Raises:
        InvalidDocumentError: When it is not a valid OpenAPI 3.0 or 3.1 document, or it refers
            to another document.
    """
    ref = outside_reference(document)
    if ref is not None:
        raise OutsideReferenceError(
            f"has a $ref to another document ({ref}), which is not fetched: only references "
            "inside the document (#/...) are read"
        )
    by_path = _servers_by_path(document)
    try:
        # No handlers: a reference that still names a URL (through `$id`) resolves to nothing.
        api = OpenAPI(SchemaPath.from_dict(by_path, handlers={}), config=_config(document))
        spec = Spec(document)
    except (OpenAPIValidationError, SpecError, ValueError, TypeError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InvalidDocumentError(message) from error
    prefixes = {server["url"] for server in by_path["servers"]} - {"/"}
    return CompiledDocument(api, spec, tuple(sorted(prefixes, key=len, reverse=True)))


def _closed(
    compiled: CompiledDocument, sent: _Request, answer: _Response, body: JSONValue, where: str
) -> _Closed | None:
    """The closed schema's view of a JSON body (None: no JSON body, or no schema found)."""
    if not isinstance(body, str) or "json" not in answer.content_type:
        return None
    try:
        data = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return None  # openapi-core says the body is not JSON
    paths = [sent.path] + [
        sent.path[len(prefix) :] for prefix in compiled.prefixes if sent.path.startswith(prefix)
    ]
    errors = None
    for path in paths:
        try:
            errors = closed_schema_errors(
                compiled.spec,
                method=sent.method,
                path=path,
                status=answer.status_code,
                content_type=answer.content_type,
                body=data,
            )
        except SpecError:
            return None
        if errors is not None:
            break
    if errors is None:
        return None
    undeclared = []
    for error in errors:
        if error.undeclared is None:
            continue
        at = _json_path(iter((*error.instance_path, error.undeclared)))
        undeclared.append(
            Finding(
                source=SOURCE,
                kind="body",
                path=at,
                expected="additionalProperties",
                actual=None,
                description=(
                    f"{at}: the property is not declared, and a response carries only the "
                    f"properties its schema declares (the schema of {where})"
                ),
            )
        )
    failed = frozenset(
        error.instance_path for error in errors if error.schema_path[-1:] == ("oneOf",)
    )
    return _Closed(undeclared=undeclared, failed_one_of=failed)


def validate(
    compiled: CompiledDocument, request: JSONObject, response: JSONObject
) -> list[Finding]:
    """The ways `response` (the answer to `request`, both pact-shaped) differs from the document."""
    sent, answer = _Request(request), _Response(response)
    where = f"{sent.method.upper()} {sent.path} {answer.status_code}"
    closed = _closed(compiled, sent, answer, response.get("body"), where)
    findings: list[Finding] = []
    for error in compiled.api.response_validator.iter_errors(sent, answer):
        findings += _findings(error, where, closed)
    return findings + (closed.undeclared if closed else [])
