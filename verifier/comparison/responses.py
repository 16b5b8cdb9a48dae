"""The checks of an interaction's response: status, Content-Type, headers and body.

A status the operation does not declare fails unless a `2XX`-style range or `default` covers
it (`default` alone is a warning). The body is validated against the *closed* response schema
(see `schemas`), without coercion: a consumer may expect fewer properties than the provider
sends, but not a property the provider does not declare, nor a value of another type.

The closed-schema rule for undeclared properties is Accord's one rule for response bodies:
`closed_schema_errors` applies it to any response, and `accord verify --openapi` uses it on
what the provider really answered, so `compare-spec` and `verify --openapi` agree on whether a
property the document does not declare is an error (it is, unless `additionalProperties` is a
schema: `additionalProperties: {}` admits any property, `true` does not).
"""

from __future__ import annotations

from typing import Any

from verifier.comparison.context import Context, dotted, is_truthy, lower_headers
from verifier.comparison.findings import UNSET, Finding
from verifier.comparison.media import STANDARD_RESPONSE_HEADERS, VALIDATABLE_TYPES, body_status
from verifier.comparison.media import find_matching_type as matching_type
from verifier.comparison.requests import validate_parameter
from verifier.comparison.schemas import get_path
from verifier.comparison.spec import Spec
from verifier.comparison.validation import SchemaError


def declared_response(context: Context) -> tuple[Any, bool]:
    """The response object the status selects, and whether only `default` selected it."""
    responses = context.operation.operation.get("responses") or {}
    status = context.interaction.status
    for key in (str(status), f"{status // 100}XX"):
        if responses.get(key):
            return responses[key], False
    return responses.get("default") or None, True


def check_response_headers(context: Context) -> list[Finding]:
    """Content-Type against the declared media types, then each header against its declaration."""
    response, _ = declared_response(context)
    if not response:
        return []
    operation, spec, found = context.operation, context.spec, []
    resolved = spec.resolve(response) or {}
    produced = (
        operation.produces
        if operation.produces is not None
        else list(resolved.get("content") or {})
    )
    headers = lower_headers(context.interaction.response_headers)
    status = context.interaction.status
    content_type = headers.get("content-type", "").split(";")[0]
    if content_type and not produced:
        found.append(
            context.finding(
                "response.content-type.unknown",
                "warning",
                "The response has a Content-Type but the spec names no media types for it.",
                mock_location=f"{context.mock}.response.headers.content-type",
                mock_value=headers["content-type"],
                spec_value=operation.operation,
            )
        )
    if content_type and produced and not matching_type(content_type, produced):
        found.append(
            context.finding(
                "response.content-type.incompatible",
                "error",
                "The response's Content-Type is none of the media types the spec gives it.",
                mock_location=f"{context.mock}.response.headers.content-type",
                mock_value=headers["content-type"],
                spec_location=f"{context.at}.responses.{status}.content",
                spec_value=produced,
            )
        )
    headers.pop("content-type", None)
    declared = resolved.get("headers") or {}
    for name, header in declared.items():
        resolved_header = spec.resolve(header)
        schema = (
            resolved_header.get("schema", header) if isinstance(resolved_header, dict) else header
        )
        value = headers.get(name.lower())
        if value is not None and schema is not None:
            found += validate_parameter(
                context,
                "response.header.incompatible",
                schema_id=f"{context.at}.responses.{status}.headers.{name}",
                schema=schema,
                value=value,
                mock_location=f"{context.mock}.response.headers.{name}",
            )
        headers.pop(name.lower(), None)
    for name in STANDARD_RESPONSE_HEADERS:
        if name in headers:
            found.append(
                context.finding(
                    "response.header.undefined",
                    "warning",
                    f"The spec does not declare the standard response header {name}.",
                    mock_location=f"{context.mock}.response.headers.{name}",
                    # The comparator shows the request's headers here; so do we, to match it.
                    mock_value=context.interaction.request_headers,
                    spec_value=operation.operation,
                )
            )
            headers.pop(name)
    exact = spec.resolve((operation.operation.get("responses") or {}).get(str(status)) or {}) or {}
    found.extend(
        context.finding(
            "response.header.unknown",
            "error",
            f"The spec does not declare the response header {name}.",
            mock_location=f"{context.mock}.response.headers.{name}",
            mock_value=value,
            spec_location=f"{context.at}.responses.{status}.headers",
            spec_value=exact.get("headers", UNSET),
        )
        for name, value in headers.items()
    )
    return found


def check_response_body(context: Context) -> list[Finding]:
    """The status is declared, and the body fits the closed schema of its media type."""
    operation, spec, interaction = context.operation, context.spec, context.interaction
    responses = operation.operation.get("responses") or {}
    status = interaction.status
    response, only_default = declared_response(context)
    status_at = f"{context.at}.responses"
    if not response:
        return [
            context.finding(
                "response.status.unknown",
                "error",
                f"The spec declares no response with status {status}.",
                mock_location=f"{context.mock}.response.status",
                mock_value=status,
                spec_location=status_at,
                spec_value=responses,
            )
        ]
    found = []
    resolved = spec.resolve(response) or {}
    content = resolved.get("content") or {}
    produced = operation.produces if operation.produces is not None else list(content)
    accept = context.request_headers.get("accept") or "application/json"
    content_type = matching_type(accept, produced) or (
        produced[0] if produced else "application/json"
    )
    schema = resolved.get("schema")
    if schema is None:
        media = content.get(matching_type(content_type, list(content)) or "")
        schema = media.get("schema") if isinstance(media, dict) else None
    if only_default:
        found.append(
            context.finding(
                "response.status.default",
                "warning",
                f"Only the spec's default response covers status {status}.",
                mock_location=f"{context.mock}.response.status",
                mock_value=status,
                spec_location=status_at,
                spec_value=responses,
            )
        )
    body = interaction.response_body
    verdict = body_status(content_type, body is not UNSET, VALIDATABLE_TYPES)
    content_at = f"{status_at}.{status}.content"
    if verdict == "warn":
        found.append(
            context.finding(
                "response.body.unvalidatable",
                "warning",
                f"The engine cannot check a response body of type '{content_type}'.",
                mock_location=f"{context.mock}.response.body",
                mock_value=body,
                spec_location=content_at,
                spec_value=response.get("content", UNSET),
            )
        )
    elif verdict == "validate" and is_truthy(body):
        if schema is None:
            found.append(
                context.finding(
                    "response.body.unknown",
                    "error",
                    "The spec has no schema for this response body.",
                    mock_location=f"{context.mock}.response.body",
                    mock_value=body,
                    spec_location=content_at,
                    spec_value=response.get("content", UNSET),
                )
            )
        else:
            schema_id = f"{content_at}.{content_type}"
            compiled = spec.compiled(schema_id, schema, "response")
            found.extend(
                context.finding(
                    "response.body.incompatible",
                    "error",
                    f"The response body does not match the spec's schema: {error.message}.",
                    mock_location=f"{context.mock}.response.body{dotted(error.instance_path)}",
                    mock_value=get_path(body, [str(p) for p in error.instance_path])
                    if error.instance_path
                    else body,
                    spec_location=f"{schema_id}.schema{dotted(error.schema_path)}",
                    spec_value=error.schema_value,
                )
                for error in compiled.errors(body)
            )
    return found


def closed_schema_errors(  # a response is found by all of these
    spec: Spec, *, method: str, path: str, status: int, content_type: str, body: Any
) -> list[SchemaError] | None:
    """Every way a response body fails its closed schema (the schema `check_response_body` uses).

    Every object schema without `oneOf`/`anyOf`/`allOf` whose `additionalProperties` is
    absent or `true` admits only its `properties` and `patternProperties` (`allOf` merged
    first); an error for a property it does not declare names it in `undeclared`. The response
    is found by method, path, status and its own Content-Type.

    Args:
        spec: The provider's document.
        method: The request's method.
        path: The request's path, without its query string.
        status: The response's status.
        content_type: The response's Content-Type.
        body: The response's body, decoded from JSON.

    Returns:
        The errors (empty when the body fits), or None when the document has no operation,
        response or schema for the response (other checks say so).

    Raises:
        SpecError: A `$ref` of the schema leads nowhere.
    """
    route = spec.router.find(method, path)
    if route is None:
        return None
    operation = route[0]
    responses = operation.operation.get("responses") or {}
    for key in (str(status), f"{status // 100}XX", "default"):
        if responses.get(key):
            break
    else:
        return None
    resolved = spec.resolve(responses[key]) or {}
    content = resolved.get("content") or {}
    media_type = matching_type(content_type, list(content)) if content else None
    schema = resolved.get("schema")
    if media_type is not None:
        media = content.get(media_type)
        schema = media.get("schema") if isinstance(media, dict) else None
    if schema is None:
        return None
    schema_id = f"[root].paths.{operation.path}.{operation.method}.responses.{key}.content"
    return spec.compiled(f"{schema_id}.{media_type}", schema, "response").errors(body)
