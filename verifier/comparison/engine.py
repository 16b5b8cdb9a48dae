"""Comparing a pact with a spec: each HTTP interaction routed to its operation and checked.

The checks run in the comparator's order and with its short cuts: a path parameter the schema
refuses ends the interaction's checks (the path names no operation), a request Content-Type the
operation does not accept skips the request body, and a response Content-Type it does not
produce skips the response body.
"""

from __future__ import annotations

from typing import Any

from verifier._errors import ComparisonPactError
from verifier.comparison import headers, requests, responses
from verifier.comparison.asyncapi import AsyncApi, compare_message, message_interactions
from verifier.comparison.context import Context
from verifier.comparison.documents import DocumentError, read_document
from verifier.comparison.findings import Finding, MockDetails, SpecDetails
from verifier.comparison.pacts import Interaction, http_interactions
from verifier.comparison.spec import Spec


def compare(spec: Spec, pact: Any) -> list[Finding]:
    """Every finding of `pact` (a parsed document, or its JSON text) against `spec`, in order.

    Raises:
        ComparisonPactError: the pact cannot be read or an HTTP interaction in it is malformed.
    """
    found: list[Finding] = []
    for interaction in http_interactions(read_pact(pact)):
        found += compare_interaction(spec, interaction)
    return found


def read_pact(pact: Any) -> Any:
    """A pact given as a parsed document or as its JSON text, parsed.

    Raises:
        ComparisonPactError: the text is neither JSON nor YAML.
    """
    if isinstance(pact, str | bytes):
        try:
            return read_document(pact)
        except DocumentError as error:
            raise ComparisonPactError(f"The pact cannot be read: {error}.") from error
    return pact


def compare_with(
    pact: Any, *, openapi: Spec | None = None, asyncapi: AsyncApi | None = None
) -> list[Finding]:
    """Every finding of `pact` against an OpenAPI document, an AsyncAPI one, or both.

    As `opc --oas X --asyncapi Y`: HTTP interactions are compared with `openapi` and message
    interactions with `asyncapi`, in the pact's order; an interaction of a kind whose document
    is not given is left out (`uncovered` names them, for a caller that needs every one).

    Raises:
        ComparisonPactError: the pact cannot be read or an interaction in it is malformed.
        SpecError: a message schema expands or nests too far through its references.
    """
    pact = read_pact(pact)
    ordered: list[tuple[int, int, list[Finding]]] = []
    if openapi is not None:
        ordered += [(0, i.index, compare_interaction(openapi, i)) for i in http_interactions(pact)]
    if asyncapi is not None:
        ordered += [
            (int(m.location.startswith("[root].messages")), m.index, compare_message(asyncapi, m))
            for m in message_interactions(pact)
        ]
    ordered.sort(key=lambda entry: entry[:2])
    return [finding for *_, findings in ordered for finding in findings]


def _query_string(query: Any) -> str:
    if isinstance(query, str):
        return query
    if not isinstance(query, dict):
        return ""
    return "&".join(f"{name}={value or ''}" for name, value in query.items())


def compare_interaction(spec: Spec, interaction: Interaction) -> list[Finding]:
    """The findings of one HTTP interaction against the spec."""
    path = interaction.path if interaction.path.startswith("/") else f"/{interaction.path}"
    route = None if "?" in path else spec.router.find(interaction.method, path)
    if route is None:
        return [_unknown_path(interaction)]
    operation, parameters = route
    context = Context(spec, operation, interaction, parameters, _query_string(interaction.query))
    unknown = requests.check_path(context)
    if unknown:
        return unknown
    found = headers.check_security(context)
    request_headers = headers.check_request_headers(context)
    found += request_headers
    found += requests.check_query(context)
    if not any(f.code == "request.content-type.incompatible" for f in request_headers):
        found += requests.check_body(context)
    response_headers = responses.check_response_headers(context)
    found += response_headers
    if not any(f.code == "response.content-type.incompatible" for f in response_headers):
        found += responses.check_response_body(context)
    return found


def _unknown_path(interaction: Interaction) -> Finding:
    return Finding(
        code="request.path-or-method.unknown",
        message=f"The spec has no operation for {interaction.method} {interaction.path}.",
        mock_details=MockDetails(
            interaction_description=interaction.description,
            interaction_state=interaction.state,
            location=f"[root].interactions[{interaction.index}].request.path",
            value=interaction.path,
        ),
        spec_details=SpecDetails(location="[root].paths", path_method=None, path_name=None),
        type="error",
    )
