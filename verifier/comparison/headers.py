"""The checks of a request's headers: credentials, Accept, Content-Type and header parameters.

Headers are compared by lower-case name. Standard HTTP request headers (`accept`,
`user-agent`…) and the headers that carry an API key are never reported as undeclared.
"""

from __future__ import annotations

from typing import Any

from verifier.comparison.context import Context, is_truthy
from verifier.comparison.findings import Finding
from verifier.comparison.media import STANDARD_REQUEST_HEADERS
from verifier.comparison.media import find_matching_type as matching_type
from verifier.comparison.queries import parse_query, parse_value
from verifier.comparison.requests import is_string_schema, parameter_schema, validate_parameter

_MISSING = "The request carries no {0} credentials but the spec requires them."
_PREFIXES = {"basic": "basic ", "bearer": "bearer "}


def _missing(context: Context, where: str, value: Any) -> Finding:
    return context.finding(
        "request.authorization.missing",
        "error",
        _MISSING.format("query" if where == "query" else "header"),
        mock_location=f"{context.mock}.request.{where}",
        mock_value=value,
        spec_value=context.operation.operation,
    )


def _satisfies(
    context: Context, scheme: dict[str, Any], headers: dict[str, str]
) -> tuple[bool, str]:
    """Whether the request meets one security scheme, and where it would carry it."""
    kind = str(scheme.get("type", "")).lower()
    if kind == "apikey":
        where, name = str(scheme.get("in", "")).lower(), str(scheme.get("name", ""))
        if where == "header":
            return name.lower() in headers, "headers"
        if where == "query":
            return name in parse_query(context.query_string, dots_and_commas=False), "query"
        return True, "headers"  # a cookie: nothing the pact shows to check
    if kind in {"basic", "http"}:
        wanted = "basic" if kind == "basic" else str(scheme.get("scheme", "")).lower()
        prefix = _PREFIXES.get(wanted)
        return bool(prefix) and headers.get("authorization", "").lower().startswith(
            prefix or ""
        ), "headers"
    return True, "headers"  # OAuth 2, OpenID Connect, mutual TLS: nothing to check


def check_security(context: Context) -> list[Finding]:
    """Credentials: the request meets one of the operation's security requirements."""
    if not context.is_successful:
        return []
    headers, missing = context.request_headers, []
    for requirement in context.operation.security or []:
        if not isinstance(requirement, dict):
            continue
        if not requirement:
            return []  # `{}`: this alternative needs no credentials
        for name in requirement:
            scheme = context.spec.security_schemes.get(name)
            if not isinstance(scheme, dict) or not scheme.get("type"):
                continue
            met, where = _satisfies(context, scheme, headers)
            if met:
                return []
            raw = (
                context.interaction.request_headers
                if where == "headers"
                else context.interaction.query
            )
            missing.append(_missing(context, where, raw))
    return missing


def _media_types(context: Context, node: Any) -> list[str]:
    """The media types of a response or request body object (`$ref` followed)."""
    resolved = context.spec.resolve(node or {})
    content = resolved.get("content") if isinstance(resolved, dict) else None
    return list(content) if isinstance(content, dict) else []


def _content_type_findings(context: Context, headers: dict[str, str]) -> list[Finding]:
    operation, found = context.operation, []
    responses = operation.operation.get("responses") or {}
    produces, consumes = operation.produces, operation.consumes
    all_produced = (
        produces
        if produces is not None
        else [media for response in responses.values() for media in _media_types(context, response)]
    )
    status = str(context.interaction.status)
    produced = produces if produces is not None else _media_types(context, responses.get(status))
    consumed = (
        consumes
        if consumes is not None
        else _media_types(context, operation.operation.get("requestBody"))
    )
    accept = headers.get("accept", "").split(";")[0]
    if accept and not all_produced:
        found.append(
            context.finding(
                "request.accept.unknown",
                "warning",
                "The request has an Accept header but the spec gives its responses no media types.",
                mock_location=f"{context.mock}.request.headers.accept",
                mock_value=headers["accept"],
                spec_value=operation.operation,
            )
        )
    if accept and produced and not matching_type(accept, all_produced):
        found.append(
            context.finding(
                "request.accept.incompatible",
                "error",
                "The request's Accept header names none of the media types of the responses.",
                mock_location=f"{context.mock}.request.headers.accept",
                mock_value=headers["accept"],
                spec_value=produced,
            )
        )
    content_type = headers.get("content-type", "").split(";")[0]
    if content_type and not consumed:
        found.append(
            context.finding(
                "request.content-type.unknown",
                "warning",
                "The request has a Content-Type but the spec gives its body no media types.",
                mock_location=f"{context.mock}.request.headers.content-type",
                mock_value=headers["content-type"],
                spec_value=operation.operation,
            )
        )
    if content_type and consumed and not matching_type(content_type, consumed):
        found.append(
            context.finding(
                "request.content-type.incompatible",
                "error",
                "The request's Content-Type is none of the media types the spec accepts.",
                mock_location=f"{context.mock}.request.headers.content-type",
                mock_value=headers["content-type"],
                spec_location=f"{context.at}.requestBody.content",
                spec_value=consumed,
            )
        )
    body = context.interaction.request_body
    if not content_type and consumed and is_truthy(body):
        found.append(
            context.finding(
                "request.content-type.missing",
                "warning",
                "The request has a body but no Content-Type; the spec names the types it takes.",
                mock_location=f"{context.mock}.request.headers.content-type",
                mock_value=None,
                spec_value=operation.operation,
            )
        )
    return found


def check_request_headers(context: Context) -> list[Finding]:
    """Accept, Content-Type, declared header parameters and headers the spec does not know."""
    operation = context.operation
    headers = context.request_headers
    found = _content_type_findings(context, headers)
    remaining = dict(headers)
    for index, parameter in enumerate(operation.parameters):
        if parameter.get("in") != "header":
            continue
        name = str(parameter.get("name", ""))
        schema = parameter_schema(parameter)
        raw = headers.get(name.lower())
        value = raw if is_string_schema(parameter.get("schema")) else parse_value(raw)
        if value is not None and context.is_successful:
            found += validate_parameter(
                context,
                "request.header.incompatible",
                schema_id=f"{context.at}.parameters[{index}]",
                schema=schema,
                value=value,
                mock_location=f"{context.mock}.request.headers.{name}",
            )
        if value is None and parameter.get("required") and context.is_successful:
            found.append(
                context.finding(
                    "request.header.incompatible",
                    "error",
                    f"The request has no {name} header, which the spec requires.",
                    mock_location=f"{context.mock}.request.headers.{name}",
                    mock_value=None,
                    spec_location=f"{context.at}.parameters[{index}]",
                    spec_value=parameter,
                )
            )
        remaining.pop(name.lower(), None)
    for name in STANDARD_REQUEST_HEADERS:
        remaining.pop(name, None)
    if context.is_successful:
        credentials = _credential_headers(context)
        found.extend(
            context.finding(
                "request.header.unknown",
                "warning",
                f"The spec declares no request header {name}.",
                mock_location=f"{context.mock}.request.headers.{name}",
                mock_value=value,
                spec_value=operation.operation,
            )
            for name, value in remaining.items()
            if name not in credentials
        )
    return found


def _credential_headers(context: Context) -> set[str]:
    names: set[str] = set()
    for requirement in context.operation.security or []:
        for scheme_name in requirement if isinstance(requirement, dict) else ():
            scheme = context.spec.security_schemes.get(scheme_name)
            if (
                isinstance(scheme, dict)
                and scheme.get("type") == "apiKey"
                and scheme.get("in") == "header"
            ):
                names.add(str(scheme.get("name", "")).lower())
    return names
