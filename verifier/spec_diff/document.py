"""One shape for the operations of OpenAPI 3.x and Swagger 2.0 documents, ready to be compared.

Swagger 2.0 keeps a parameter's type on the parameter, the request body in an `in: body` (or
`formData`) parameter and a response's schema beside its headers; here every parameter has a
`schema`, every body a `content` map and every response `content` and `headers`, as in
OpenAPI 3. Operations are keyed by method and path template with the parameter names left out,
so `/pets/{id}` and `/pets/{petId}` are the same operation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from verifier.comparison import Spec, load_spec
from verifier.comparison.shape import METHODS

_PARAMETER_NAME = re.compile(r"\{[^}]*\}")
_SCHEMA_KEYS = (
    "type", "format", "items", "enum", "default", "pattern", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems",
    "uniqueItems", "multipleOf",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class OperationView:
    """One operation, with its parameters, request body and responses in OpenAPI 3 form."""

    method: str
    path: str
    location: str
    raw: dict[str, Any]
    parameters: dict[tuple[str, str], dict[str, Any]]
    body: dict[str, Any] | None
    responses: dict[str, dict[str, Any]]
    security: list[Any] | None

    @property
    def name(self) -> str:
        """`METHOD /path`, as a change names its operation."""
        return f"{self.method} {self.path}"


def spec_of(source: Spec | bytes | str) -> Spec:
    """`source` as a loaded spec (bytes and text are parsed, once per content)."""
    return source if isinstance(source, Spec) else load_spec(source)


def path_key(template: str) -> str:
    """`template` with its parameter names left out: `/pets/{id}` -> `/pets/{}`."""
    return _PARAMETER_NAME.sub("{}", template)


def operations(spec: Spec) -> dict[tuple[str, str], OperationView]:
    """The spec's operations keyed by (upper-case method, path key)."""
    found: dict[tuple[str, str], OperationView] = {}
    document = spec.document
    for template, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method, raw in item.items():
            if method.lower() not in METHODS or not isinstance(raw, dict):
                continue
            view = _view(spec, str(template), method.lower(), item, raw)
            found.setdefault((view.method, path_key(view.path)), view)
    return found


def _view(
    spec: Spec, template: str, method: str, item: dict[str, Any], raw: dict[str, Any]
) -> OperationView:
    parameters: dict[tuple[str, str], dict[str, Any]] = {}
    body: dict[str, Any] | None = None
    form: list[dict[str, Any]] = []
    for parameter in [*(raw.get("parameters") or []), *(item.get("parameters") or [])]:
        resolved = spec.resolve(parameter)
        if not isinstance(resolved, dict) or not isinstance(resolved.get("name"), str):
            continue
        where = str(resolved.get("in", ""))
        if where == "body":
            if body is None:
                body = _swagger_body(spec, raw, resolved)
            continue
        if where == "formData":
            form.append(resolved)
            continue
        if "schema" not in resolved and spec.is_swagger2:
            resolved = {
                **resolved,
                "schema": {k: resolved[k] for k in _SCHEMA_KEYS if k in resolved},
            }
        # header names are case-insensitive (RFC 9110 §5.1)
        name = resolved["name"].lower() if where == "header" else resolved["name"]
        parameters.setdefault((where, name), resolved)
    if spec.is_swagger2 and form:
        body = _form_body(form)
    elif not spec.is_swagger2 and raw.get("requestBody") is not None:
        resolved_body = spec.resolve(raw["requestBody"])
        body = resolved_body if isinstance(resolved_body, dict) else None
    responses: dict[str, dict[str, Any]] = {}
    for status, response in (raw.get("responses") or {}).items():
        resolved = spec.resolve(response)
        if isinstance(resolved, dict):
            responses[str(status)] = _response(spec, raw, resolved)
    security = raw.get("security")
    return OperationView(
        method=method.upper(),
        path=template,
        location=f"paths.{template}.{method}",
        raw=raw,
        parameters=parameters,
        body=body,
        responses=responses,
        security=spec.document.get("security") if security is None else security,
    )


def _media_types(spec: Spec, raw: dict[str, Any], key: str) -> list[str]:
    declared = raw.get(key) if raw.get(key) is not None else spec.document.get(key)
    return [str(m) for m in declared] if isinstance(declared, list) and declared else ["*/*"]


def _swagger_body(spec: Spec, raw: dict[str, Any], parameter: dict[str, Any]) -> dict[str, Any]:
    schema = parameter.get("schema", {})
    return {
        "required": bool(parameter.get("required")),
        "content": {mt: {"schema": schema} for mt in _media_types(spec, raw, "consumes")},
    }


def _form_body(form: list[dict[str, Any]]) -> dict[str, Any]:
    schema = {
        "type": "object",
        "properties": {p["name"]: {k: p[k] for k in _SCHEMA_KEYS if k in p} for p in form},
        "required": [p["name"] for p in form if p.get("required")],
    }
    return {
        "required": any(p.get("required") for p in form),
        "content": {"application/x-www-form-urlencoded": {"schema": schema}},
    }


def _response(spec: Spec, raw: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    for name, header in (response.get("headers") or {}).items():
        resolved = spec.resolve(header)
        if not isinstance(resolved, dict):
            continue
        if spec.is_swagger2 and "schema" not in resolved:
            resolved = {
                **resolved,
                "schema": {k: resolved[k] for k in _SCHEMA_KEYS if k in resolved},
            }
        headers[str(name).lower()] = resolved
    if spec.is_swagger2:
        content = (
            {mt: {"schema": response["schema"]} for mt in _media_types(spec, raw, "produces")}
            if "schema" in response
            else {}
        )
    else:
        content = response.get("content") or {}
    return {"headers": headers, "content": content}
