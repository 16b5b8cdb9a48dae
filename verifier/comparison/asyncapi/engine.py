"""Comparing a pact's message interactions with an AsyncAPI document, as the comparator does.

For each message interaction: the operation its `comments.references.AsyncAPI.operationId`
names must exist; then its messages are tried in order, and the first whose payload and
headers schemas accept the interaction's payload and metadata matches (`message.matched`,
with the warnings of that message). When none does, one `message.no.match` error carries the
errors of every message tried as its `causes`. An asynchronous message is checked as what the
provider sends (closed schemas, nothing required); a synchronous one's request as what it
receives, and each of its responses against the operation's `reply` messages.

A payload is validated when its content type is JSON, a form or multipart (the comparator's
`VALIDATABLE_TYPES`); a payload of another type gets a `message.payload.unvalidatable`
warning, and one with no content type is not checked at all (openapi-pact-comparator 2.3.1
reads the type from the pact only, never from the message's `contentType`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from verifier.comparison.asyncapi.document import AsyncApi, Candidate, Direction, Operation
from verifier.comparison.asyncapi.interactions import MessageInteraction, Side
from verifier.comparison.context import dotted
from verifier.comparison.findings import UNSET, Finding, FindingType, MockDetails, SpecDetails
from verifier.comparison.media import VALIDATABLE_TYPES, body_status
from verifier.comparison.schemas import get_path


def _finding(
    interaction: MessageInteraction,
    code: str,
    kind: FindingType,
    message: str,
    *,
    mock_location: str,
    mock_value: Any = UNSET,
    spec_location: str,
    spec_value: Any = UNSET,
    causes: tuple[Finding, ...] | Any = UNSET,
) -> Finding:
    return Finding(
        code=code,
        message=message,
        mock_details=MockDetails(
            interaction_description=interaction.description,
            interaction_state=interaction.state,
            location=mock_location,
            value=mock_value,
        ),
        spec_details=SpecDetails(location=spec_location, value=spec_value),
        type=kind,
        causes=causes,
    )


def compare_message(asyncapi: AsyncApi, interaction: MessageInteraction) -> list[Finding]:
    """The findings of one message interaction against the document.

    Raises:
        SpecError: a message schema expands or nests too far through its references.
    """
    operation_or_finding = _operation(asyncapi, interaction)
    if isinstance(operation_or_finding, Finding):
        return [operation_or_finding]
    operation = operation_or_finding
    if interaction.kind == "async":
        return list(
            _match(
                asyncapi,
                interaction,
                operation.messages,
                interaction.request,
                "response",
                operation.messages_location,
                (interaction.location, interaction.description),
            )
        )
    return _compare_sync(asyncapi, interaction, operation)


def _operation(asyncapi: AsyncApi, interaction: MessageInteraction) -> Operation | Finding:
    kind = "Async" if interaction.kind == "async" else "Sync"
    references_at = f"{interaction.location}.comments.references.AsyncAPI"
    references = interaction.references
    if references is None:
        return _finding(
            interaction,
            "message.references.missing",
            "error",
            f"{kind} interaction has no AsyncAPI references in comments.references.AsyncAPI.",
            mock_location=references_at,
            spec_location="[root]",
        )
    name = references.get("operationId")
    if name is None or name is False or name in ("", 0):
        return _finding(
            interaction,
            "message.references.missing",
            "error",
            f"{kind} interaction has a malformed AsyncAPI reference in"
            ' comments.references.AsyncAPI: expected an "operationId" property.',
            mock_location=references_at,
            mock_value=references,
            spec_location="[root]",
        )
    operation = asyncapi.operations.get(str(name))
    if operation is None:
        return _finding(
            interaction,
            "message.operation.unknown",
            "error",
            f"The AsyncAPI document defines no operation {name}.",
            mock_location=f"{references_at}.operationId",
            mock_value=name,
            spec_location=asyncapi.operations_location,
        )
    return operation


def _compare_sync(
    asyncapi: AsyncApi, interaction: MessageInteraction, operation: Operation
) -> list[Finding]:
    named = (f"{interaction.location}.comments.references.AsyncAPI.operationId", operation.id)
    found = list(
        _match(
            asyncapi,
            interaction,
            operation.messages,
            interaction.request,
            "request",
            operation.messages_location,
            named,
        )
    )
    if not any(f.code == "message.matched" for f in found):
        return found
    references_at = f"{interaction.location}.comments.references.AsyncAPI"
    if not operation.has_reply:
        return [
            *found,
            _finding(
                interaction,
                "message.reply.missing",
                "error",
                f'Operation "{operation.id}" has no reply in the AsyncAPI document.',
                mock_location=references_at,
                mock_value=operation.id,
                spec_location=operation.location,
                spec_value=operation.raw,
            ),
        ]
    reply_at = f"{operation.location}.reply.messages"
    if not isinstance(operation.reply_value, list) or not operation.reply_value:
        return [
            *found,
            _finding(
                interaction,
                "message.reply.missing",
                "error",
                f'Operation "{operation.id}" has a reply with no messages in the AsyncAPI'
                " document.",
                mock_location=references_at,
                mock_value=operation.id,
                spec_location=reply_at,
                spec_value=UNSET if operation.reply_value is None else operation.reply_value,
            ),
        ]
    if not interaction.responses:
        return [
            *found,
            _finding(
                interaction,
                "message.response.missing",
                "warning",
                "The synchronous interaction has no response to check against the reply.",
                mock_location=f"{interaction.location}.response",
                mock_value=[],
                spec_location=reply_at,
                spec_value=operation.reply_value,
            ),
        ]
    for response in interaction.responses:
        found += _match(
            asyncapi, interaction, operation.reply_messages, response, "response", reply_at, named
        )
    return found


def _match(  # noqa: PLR0917 - the comparator's own parts of a match
    asyncapi: AsyncApi,
    interaction: MessageInteraction,
    candidates: list[Candidate],
    side: Side,
    direction: Direction,
    spec_location: str,
    unmatched: tuple[str, Any],
) -> Iterator[Finding]:
    causes: list[Finding] = []
    for candidate in candidates:
        results = [
            *_payload(asyncapi, interaction, candidate, side, direction),
            *_headers(asyncapi, interaction, candidate, side, direction),
        ]
        errors = [f for f in results if f.is_error]
        if not errors:
            yield from results
            yield Finding(
                code="message.matched",
                message=f"Matched message at {candidate.location}",
                spec_details=SpecDetails(location=candidate.location, value=candidate.message),
                type="info",
            )
            return
        causes += errors
    location, value = unmatched
    yield _finding(
        interaction,
        "message.no.match",
        "error",
        "No message of the operation matches the interaction.",
        mock_location=location,
        mock_value=value,
        spec_location=spec_location,
        causes=tuple(causes),
    )


def _payload(
    asyncapi: AsyncApi,
    interaction: MessageInteraction,
    candidate: Candidate,
    side: Side,
    direction: Direction,
) -> list[Finding]:
    verdict = body_status(side.content_type, side.payload is not UNSET, VALIDATABLE_TYPES)
    if verdict == "warn":
        return [
            _finding(
                interaction,
                "message.payload.unvalidatable",
                "warning",
                f"The engine cannot check a payload of type '{side.content_type}'.",
                mock_location=side.payload_location,
                mock_value=side.payload,
                spec_location=candidate.location,
            )
        ]
    if verdict == "skip":
        return []
    foreign = asyncapi.foreign_format(candidate)
    if foreign is not None:
        return [
            _finding(
                interaction,
                "message.payload.unvalidatable",
                "warning",
                f"The engine cannot check a payload against a schema of format '{foreign}'.",
                mock_location=side.payload_location,
                mock_value=side.payload,
                spec_location=f"{candidate.location}.schemaFormat",
            )
        ]
    compiled = asyncapi.schema(candidate, "payload", direction)
    if compiled is None:
        if side.payload is UNSET:
            return []
        return [
            _finding(
                interaction,
                "message.payload.unknown",
                "warning",
                "The message declares no payload schema.",
                mock_location=side.payload_location,
                mock_value=side.payload,
                spec_location=candidate.location,
            )
        ]
    payload = None if side.payload is UNSET else side.payload
    return [
        _finding(
            interaction,
            "message.payload.incompatible",
            "error",
            f"The payload does not match the message's schema: {error.message}.",
            mock_location=f"{side.payload_location}{dotted(error.instance_path)}",
            mock_value=get_path(payload, [str(p) for p in error.instance_path])
            if error.instance_path
            else side.payload,
            spec_location=f"{candidate.location}.payload{dotted(error.schema_path)}",
            spec_value=error.schema_value,
        )
        for error in asyncapi.errors(compiled, candidate, "payload", payload)
    ]


def _headers(
    asyncapi: AsyncApi,
    interaction: MessageInteraction,
    candidate: Candidate,
    side: Side,
    direction: Direction,
) -> list[Finding]:
    if side.metadata is None:
        return []
    compiled = asyncapi.schema(candidate, "headers", direction)
    if compiled is None:
        return []
    return [
        _finding(
            interaction,
            "message.headers.incompatible",
            "error",
            f"The metadata does not match the message's headers schema: {error.message}.",
            mock_location=f"{side.metadata_location}{dotted(error.instance_path)}",
            mock_value=get_path(side.metadata, [str(p) for p in error.instance_path])
            if error.instance_path
            else side.metadata,
            spec_location=f"{candidate.location}.headers{dotted(error.schema_path)}",
            spec_value=error.schema_value,
        )
        for error in asyncapi.errors(compiled, candidate, "headers", side.metadata)
    ]
