"""The shape of an OpenAPI document that the engine relies on, checked once at load.

This is not a full validation of the OpenAPI schema (the comparator does none): it refuses what
is not OpenAPI 3 or Swagger 2.0 at all, and the places where a wrong JSON type would make a
comparison impossible, naming the place in the `[root]…` notation of the findings.
"""

from __future__ import annotations

from typing import Any

from verifier._errors import SpecError

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _expect(value: Any, kind: type, where: str, what: str) -> None:
    if value is not None and not isinstance(value, kind):
        raise SpecError(f"The spec's {where} is not {what}.")


def _check_operation(operation: Any, where: str) -> None:
    _expect(operation, dict, where, "an object")
    _expect(operation.get("parameters"), list, f"{where}.parameters", "a list")
    for index, parameter in enumerate(operation.get("parameters") or []):
        _expect(parameter, dict, f"{where}.parameters[{index}]", "an object")
    _expect(operation.get("responses"), dict, f"{where}.responses", "an object")
    for status, response in (operation.get("responses") or {}).items():
        _expect(response, dict, f"{where}.responses.{status}", "an object")
        _expect(response.get("content"), dict, f"{where}.responses.{status}.content", "an object")
        _expect(response.get("headers"), dict, f"{where}.responses.{status}.headers", "an object")
    body = operation.get("requestBody")
    _expect(body, dict, f"{where}.requestBody", "an object")
    _expect((body or {}).get("content"), dict, f"{where}.requestBody.content", "an object")
    for key in ("consumes", "produces", "security"):
        _expect(operation.get(key), list, f"{where}.{key}", "a list")


def check_shape(document: Any) -> None:
    """Refuse a document the engine cannot compare against.

    Raises:
        SpecError: one sentence naming the first place that is wrong.
    """
    if not isinstance(document, dict):
        raise SpecError("The spec is not a JSON or YAML object.")
    swagger, openapi = document.get("swagger"), document.get("openapi")
    if swagger != "2.0" and not (isinstance(openapi, str) and openapi.startswith("3.")):
        raise SpecError(
            'The spec is neither OpenAPI 3 (openapi: "3.x") nor Swagger (swagger: "2.0").'
        )
    info = document.get("info")
    if not isinstance(info, dict):
        raise SpecError("The spec has no info object.")
    for field in ("title", "version"):
        if not isinstance(info.get(field), str):
            raise SpecError(f"The spec's info.{field} is missing or not a string.")
    _expect(document.get("paths"), dict, "paths", "an object")
    for key in ("consumes", "produces", "security"):
        _expect(document.get(key), list, key, "a list")
    for template, item in (document.get("paths") or {}).items():
        where = f"paths.{template}"
        _expect(item, dict, where, "an object")
        if not str(template).startswith("/"):
            raise SpecError(f"The spec's path {template} does not start with /.")
        _expect(item.get("parameters"), list, f"{where}.parameters", "a list")
        for method, operation in item.items():
            if method.lower() in METHODS and not method.startswith("x-"):
                _check_operation(operation, f"{where}.{method}")
