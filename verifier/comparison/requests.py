"""The checks of an interaction's request: path parameters, credentials, headers, query, body.

Each check returns findings in the order the comparator reports them. Parameters are text in a
request, so their values are coerced to the types their schemas name before validation; bodies
are not. A request the consumer expects to fail (a 4xx or 5xx response) need not be valid, so
most request checks skip it.
"""

from __future__ import annotations

from typing import Any

from verifier.comparison.context import Context, dotted, is_truthy
from verifier.comparison.findings import UNSET, Finding
from verifier.comparison.media import VALIDATABLE_TYPES, body_status
from verifier.comparison.media import find_matching_type as matching_type
from verifier.comparison.queries import parse_body, parse_query, parse_value
from verifier.comparison.routing import parameter_key
from verifier.comparison.schemas import get_path
from verifier.comparison.validation import coerce

_SEPARATORS = {"ssv": " ", "tsv": "\t", "pipes": "|"}
_PARAMETER_KEYS = {"name", "in", "description", "required"}


def parameter_schema(parameter: dict[str, Any]) -> Any:
    """A parameter's schema: `schema` in OpenAPI 3, the parameter itself in Swagger 2.0."""
    if "schema" in parameter:
        return parameter["schema"]
    return {key: value for key, value in parameter.items() if key not in _PARAMETER_KEYS}


def is_string_schema(schema: Any) -> bool:
    """Whether a parameter's value stays text: its schema (or one branch of it) is a string."""
    if not isinstance(schema, dict):
        return False
    if schema.get("type") == "string":
        return True
    return any(
        isinstance(branch, dict) and branch.get("type") == "string"
        for key in ("anyOf", "oneOf")
        for branch in schema.get(key) or []
    )


def validate_parameter(
    context: Context, code: str, *, schema_id: str, schema: Any, value: Any, mock_location: str
) -> list[Finding]:
    """Findings `code` for a parameter or header `value` its (coerced-to) schema refuses."""
    compiled = context.spec.compiled(schema_id, schema, "request")
    coerced = coerce(value, compiled.root, compiled.root)
    return [
        context.finding(
            code,
            "error",
            f"The value does not match the parameter in the spec: {error.message}.",
            mock_location=mock_location + dotted(error.instance_path),
            # Ajv coerces nested values in place but not the value itself.
            mock_value=get_path(coerced, [str(p) for p in error.instance_path])
            if error.instance_path
            else value,
            spec_location=f"{schema_id}.schema{dotted(error.schema_path)}",
            spec_value=error.schema_value,
        )
        for error in compiled.errors(coerced)
    ]


def check_path(context: Context) -> list[Finding]:
    """Path parameters: a value the schema refuses means the path names no operation."""
    found: list[Finding] = []
    for index, parameter in enumerate(context.operation.parameters):
        key = parameter_key(str(parameter.get("name", "")))
        if parameter.get("in") != "path" or key not in context.path_parameters:
            continue
        schema = parameter_schema(parameter)
        raw = context.path_parameters[key]
        value: Any = (
            raw if isinstance(schema, dict) and schema.get("type") == "string" else parse_value(raw)
        )
        if isinstance(schema, dict) and schema.get("type") == "array" and isinstance(value, str):
            style, explode = str(parameter.get("style", "")).lower(), parameter.get("explode")
            separator = (
                "."
                if style == "label" and explode
                else ";"
                if style == "matrix" and explode
                else ","
            )
            value = value.split(separator)
        schema_id = f"{context.at}.parameters[{index}]"
        compiled = context.spec.compiled(schema_id, schema, "request")
        for _ in compiled.errors(coerce(value, compiled.root, compiled.root)):
            found.append(unknown_path(context, spec_value=context.operation.operation))
    return found


def unknown_path(context: Context, *, spec_value: Any = UNSET) -> Finding:
    """The finding for a method and path no operation of the spec takes."""
    interaction = context.interaction
    return context.finding(
        "request.path-or-method.unknown",
        "error",
        f"The spec has no operation for {interaction.method.upper()} {interaction.path}.",
        mock_location=f"{context.mock}.request.path",
        mock_value=interaction.path,
        spec_location="[root].paths",
        spec_value=spec_value,
        names_operation=False,
    )


def check_query(context: Context) -> list[Finding]:
    """Query parameters against their declarations; undeclared ones are warnings."""
    operation, found = context.operation, []
    parsed = parse_query(context.query_string)
    unparsed = parse_query(context.query_string, dots_and_commas=False)
    for index, parameter in enumerate(operation.parameters):
        if parameter.get("in") != "query":
            continue
        name = str(parameter.get("name"))
        schema = parameter_schema(parameter)
        if (
            isinstance(parameter.get("schema"), dict)
            and parameter["schema"].get("type") == "string"
        ):
            parsed[name] = unparsed.get(name, UNSET)
        value = parsed.get(name, UNSET)
        if (value is not UNSET or parameter.get("required")) and context.is_successful:
            if (
                isinstance(schema, dict)
                and schema.get("type") == "array"
                and isinstance(value, str)
            ):
                separator = (
                    ","
                    if not context.spec.is_swagger2
                    else _SEPARATORS.get(str(schema.get("collectionFormat")), ",")
                )
                value = value.split(separator)
            found += validate_parameter(
                context,
                "request.query.incompatible",
                schema_id=f"{context.at}.parameters[{index}]",
                schema=schema,
                value=value,
                mock_location=f"{context.mock}.request.query.{name}",
            )
        parsed.pop(name, None)
    if not context.is_successful:
        return found
    credentials = _credential_names(context, "query")
    found.extend(
        context.finding(
            "request.query.unknown",
            "warning",
            f"The spec declares no query parameter {name}.",
            mock_location=f"{context.mock}.request.query.{name}",
            mock_value=value,
            spec_value=operation.operation,
        )
        for name, value in parsed.items()
        if name not in credentials
    )
    return found


def _credential_names(context: Context, where: str) -> set[str]:
    names: set[str] = set()
    for requirement in context.operation.security or []:
        for scheme_name in requirement if isinstance(requirement, dict) else ():
            scheme = context.spec.security_schemes.get(scheme_name)
            if (
                isinstance(scheme, dict)
                and scheme.get("type") == "apiKey"
                and scheme.get("in") == where
            ):
                names.add(
                    str(scheme.get("name")).lower()
                    if where == "header"
                    else str(scheme.get("name"))
                )
    return names


def _body_schema(context: Context, content_type: str) -> tuple[Any, bool, Any]:
    """The schema for a request body of `content_type`, whether a body is required, the content."""
    operation, spec = context.operation, context.spec
    request_body = spec.resolve(operation.operation.get("requestBody") or {})
    content = request_body.get("content") if isinstance(request_body, dict) else None
    parameter = next((spec.resolve(p) for p in operation.parameters if p.get("in") == "body"), None)
    media = (
        content.get(matching_type(content_type, list(content)) or "")
        if isinstance(content, dict)
        else None
    )
    schema = media.get("schema") if isinstance(media, dict) else None
    if schema is None and isinstance(parameter, dict):
        schema = parameter.get("schema")
    required = (isinstance(request_body, dict) and request_body.get("required")) or (
        isinstance(parameter, dict) and parameter.get("required")
    )
    return schema, bool(required), get_path(operation.operation, ["requestBody", "content"])


def check_body(context: Context) -> list[Finding]:
    """The request body against the schema of the media type it is sent as."""
    operation, body = context.operation, context.interaction.request_body
    request_body = context.spec.resolve(operation.operation.get("requestBody") or {})
    content = request_body.get("content") if isinstance(request_body, dict) else None
    available = operation.consumes if operation.consumes is not None else list(content or {})
    header = context.request_headers.get("content-type", "")
    content_type = (matching_type(header, available) or header) if header else "application/json"
    schema, required, declared = _body_schema(context, content_type)
    if not required and body is UNSET:
        return []
    status = body_status(content_type, body is not UNSET, VALIDATABLE_TYPES)
    if status == "skip" or not context.is_successful:
        return []
    where = f"{context.at}.requestBody.content"
    if status == "warn" or schema is None:
        if status != "warn" and not is_truthy(body):
            return []
        return [
            context.finding(
                "request.body.unvalidatable" if status == "warn" else "request.body.unknown",
                "warning",
                f"The engine cannot check a request body of type '{content_type}'."
                if status == "warn"
                else "The spec has no schema for this request body.",
                mock_location=f"{context.mock}.request.body",
                mock_value=body,
                spec_location=where,
                spec_value=declared if declared is not None else UNSET,
            )
        ]
    value = parse_body(body, header)
    schema_id = f"{where}.{content_type}"
    compiled = context.spec.compiled(schema_id, schema, "request")
    return [
        context.finding(
            "request.body.incompatible",
            "error",
            f"The request body does not match the spec's schema: {error.message}.",
            mock_location=f"{context.mock}.request.body{dotted(error.instance_path)}",
            mock_value=get_path(value, [str(p) for p in error.instance_path])
            if error.instance_path
            else value,
            spec_location=f"{schema_id}.schema{dotted(error.schema_path)}",
            spec_value=error.schema_value,
        )
        for error in compiled.errors(value)
    ]
