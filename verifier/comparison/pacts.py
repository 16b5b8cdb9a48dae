"""The HTTP interactions of a V1 to V4 pact, in the one shape the checks read.

Header and query values that are lists (V3, V4) are joined with commas, V4 bodies are decoded
from their `{content, contentType, encoded}` form, and message interactions are left out: an
OpenAPI document says nothing about them. Interactions keep their index in the pact, which
every location names.

The verifier's reader (`verifier/_pact.py`) refuses what this one tolerates (no consumer name
or description, an unknown interaction type) and keeps the messages this one drops; its
docstring says why the two stay apart.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from verifier._errors import ComparisonPactError
from verifier.comparison.findings import UNSET

_HTTP_TYPES = {"synchronous/http"}
_V4 = 4  # V4 pacts wrap bodies in {content, contentType, encoded}


@dataclass(frozen=True, slots=True)
class Interaction:
    """One HTTP interaction; `UNSET` marks what the pact leaves out."""

    index: int
    description: Any
    state: str
    method: str
    path: str
    query: Any
    request_headers: Any
    request_body: Any
    status: int
    response_headers: Any
    response_body: Any


def state_of(raw: dict[str, Any]) -> str:
    """The provider state of an interaction as findings show it (`[none]` when it has none)."""
    if isinstance(raw.get("providerState"), str) and raw["providerState"]:
        return str(raw["providerState"])
    states = raw.get("providerStates")
    if isinstance(states, list):
        names = [
            s["name"] for s in states if isinstance(s, dict) and isinstance(s.get("name"), str)
        ]
        if names:
            return ", ".join(names)
    return "[none]"


def _flatten(values: Any, where: str) -> Any:
    if values is None or values is UNSET or isinstance(values, str):
        return values
    if not isinstance(values, dict):
        raise ComparisonPactError(f"{where} must be an object of strings.")
    flat: dict[str, str] = {}
    for name, value in values.items():
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(item, str) for item in items):
            raise ComparisonPactError(f"{where}.{name} must be a string or a list of strings.")
        flat[name] = ",".join(
            item.replace("\r", "").replace("\n", "").replace("\0", "") for item in items
        )
    return flat


def _v4_body(body: Any) -> Any:
    if not body or not isinstance(body, dict):
        return UNSET
    content = body.get("content", "")
    encoded = body.get("encoded")
    if not encoded or not isinstance(content, str):
        return content
    if str(encoded).upper() == "JSON":
        try:
            return json.loads(content)
        except ValueError:
            return content
    try:
        return base64.b64decode(content, validate=False).decode()
    except (binascii.Error, UnicodeDecodeError):
        return content


def _spec_version(metadata: Any) -> int:
    if not isinstance(metadata, dict):
        return 0
    for key in ("pactSpecification", "pact-specification"):
        if isinstance(metadata.get(key), dict) and metadata[key].get("version"):
            text = str(metadata[key]["version"])
            break
    else:
        text = str(metadata.get("pactSpecificationVersion") or "0")
    digits = text.split(".")[0]
    return int(digits) if digits.isdigit() else 0


def _interaction(index: int, raw: dict[str, Any], version: int) -> Interaction:
    where = f"Interaction {index}"
    request, response = raw.get("request"), raw.get("response")
    if not isinstance(request, dict) or not isinstance(response, dict):
        raise ComparisonPactError(f"{where} must have a request and a response.")
    if not isinstance(request.get("method"), str) or not isinstance(request.get("path"), str):
        raise ComparisonPactError(f"{where} must have a request method and path.")
    status = response.get("status")
    if not isinstance(status, int | float) or isinstance(status, bool):
        raise ComparisonPactError(f"{where} must have a numeric response status.")
    query = request.get("query", UNSET)
    if query is not UNSET and query is not None and not isinstance(query, str | dict):
        raise ComparisonPactError(f"{where}: the request query must be a string or an object.")
    request_body = _v4_body(request.get("body")) if version >= _V4 else request.get("body", UNSET)
    response_body = (
        _v4_body(response.get("body")) if version >= _V4 else response.get("body", UNSET)
    )
    return Interaction(
        index=index,
        description=raw.get("description", UNSET),
        state=state_of(raw),
        method=request["method"],
        path=request["path"],
        query=_flatten(query, f"{where}: request.query"),
        request_headers=_flatten(request.get("headers", UNSET), f"{where}: request.headers"),
        request_body=request_body,
        status=int(status),
        response_headers=_flatten(response.get("headers", UNSET), f"{where}: response.headers"),
        response_body=response_body,
    )


def is_http(raw: dict[str, Any]) -> bool:
    """Whether an entry of `interactions` is HTTP (untyped, or V4 `Synchronous/HTTP`): compared.

    `uncovered` reports every other entry, so the two never disagree on what was checked.
    """
    kind = raw.get("type")
    return kind is None or (isinstance(kind, str) and kind.lower() in _HTTP_TYPES)


def http_interactions(pact: Any) -> list[Interaction]:
    """The HTTP interactions of a pact document, each with its index.

    Raises:
        ComparisonPactError: the document is not a pact, or an HTTP interaction is malformed.
    """
    if not isinstance(pact, dict):
        raise ComparisonPactError("The pact is not a JSON object.")
    interactions = pact.get("interactions", [])
    if not isinstance(interactions, list):
        raise ComparisonPactError("The pact's interactions are not a list.")
    version = _spec_version(pact.get("metadata"))
    found = []
    for index, raw in enumerate(item for item in interactions if isinstance(item, dict)):
        if is_http(raw):
            found.append(_interaction(index, raw, version))
    return found
