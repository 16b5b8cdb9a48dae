"""openapi-core behind `OpenAPICheck`: a document compiled, and one response validated.

Imported on first use only: openapi-core takes about 0.4 s to import, which runs that check no
OpenAPI document should not pay.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

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

from verifier._matching.values import JSONObject, JSONValue
from verifier._openapi_paths import LinearPathFinder
from verifier._regex import is_valid
from verifier._regex_schema import with_linear_regexes
from verifier._results import Finding

SOURCE = "openapi"
_HOST = "http://provider.invalid"  # requests are matched by path: the servers' hosts are dropped


class InvalidDocumentError(ValueError):
    """openapi-core refused the document; the message is its first line."""


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


def _findings(error: Exception, where: str) -> list[Finding]:
    """The findings one openapi-core error stands for (a schema error may hold several)."""
    cause = error.__cause__
    if isinstance(error, DataValidationError) and isinstance(cause, InvalidSchemaValue):
        return [_schema_finding(problem, where) for problem in cause.schema_errors]
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


def compile_document(document: dict[str, Any]) -> OpenAPI:
    """The document ready to validate responses.

    Raises:
        InvalidDocumentError: When it is not a valid OpenAPI 3.0 or 3.1 document.
    """
    try:
        return OpenAPI(SchemaPath.from_dict(_servers_by_path(document)), config=_config(document))
    except (OpenAPIValidationError, ValueError, TypeError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InvalidDocumentError(message) from error


def validate(api: OpenAPI, request: JSONObject, response: JSONObject) -> list[Finding]:
    """The ways `response` (the answer to `request`, both pact-shaped) differs from `api`."""
    sent, answer = _Request(request), _Response(response)
    where = f"{sent.method.upper()} {sent.path} {answer.status_code}"
    findings: list[Finding] = []
    for error in api.response_validator.iter_errors(sent, answer):
        findings += _findings(error, where)
    return findings
