"""The CPU-heavy checks of uploaded documents, as plain functions a worker process runs.

Each takes and returns plain values (text, bytes, tuples, the engines' result types), so it
pickles to a worker and back (`broker.services.work`). None raises for a bad document: a
document that cannot be read, or that nests too deeply for the engines, comes back as one
sentence saying why.
"""

from __future__ import annotations

import json
from datetime import date

import msgspec

from broker.domain.errors import ConflictError, FieldError, InvalidInputError, Notice
from broker.domain.pact_diff import PactDiff, diff_pacts, render_text
from broker.domain.pact_merge import merge_pacts
from broker.domain.pacts import canonical_sha, parse_pact
from broker.services.pact_validation import check_notices, check_pact
from verifier.comparison import (
    AsyncApi,
    ComparisonError,
    SpecError,
    compare_with,
    encode,
    load_asyncapi,
    load_document,
    uncovered,
)
from verifier.spec_diff import Impact, diff_specs, impact

TOO_DEEP = "it nests too deeply to be processed"


def checked_pact(
    raw: bytes, consumer: str, provider: str, strict: bool
) -> tuple[str | None, list[FieldError], list[Notice]]:
    """A received pact validated (`check_pact`), or why not.

    (its content's SHA, [], the notices of what the lenient profile let through), or
    (None, the faults, []).
    """
    try:
        received = check_pact(raw, consumer, provider, strict=strict)
    except InvalidInputError as error:
        return None, error.errors, []
    return canonical_sha(received.pact.document), [], check_notices(received)


def check_spec(content: bytes, specification: str = "oas") -> str | None:
    """Why the document in `content` cannot be used as a `specification` contract, or None.

    `oas` is an OpenAPI 3 or Swagger 2.0 document, `asyncapi` an AsyncAPI 2.x or 3.x one (whose
    message schemas are inlined now, so one too large through its references is refused).
    """
    try:
        if specification == "asyncapi":
            load_asyncapi(content).check_schemas()
        elif isinstance(load_document(content), AsyncApi):
            return "The document is AsyncAPI: publish it with the specification asyncapi."
    except SpecError as error:
        return str(error)
    except RecursionError:
        return f"The spec cannot be read: {TOO_DEEP}."
    return None


def compare_contract(document: str, pact: str) -> tuple[bool, str]:
    """Compare a pact content with a document: (no error found, findings as JSON).

    An OpenAPI document is compared with the HTTP interactions, an AsyncAPI one with the
    message interactions; interactions of the other kinds are errors here: the document cannot
    speak for them, and a comparison must not pass a pact whose interactions were never checked.
    """
    try:
        parsed = json.loads(pact)
        loaded = load_document(document.encode())
        if isinstance(loaded, AsyncApi):
            findings = compare_with(parsed, asyncapi=loaded) + uncovered(
                parsed, openapi=False, asyncapi=True
            )
        else:
            findings = compare_with(parsed, openapi=loaded) + uncovered(parsed)
    except ComparisonError as error:
        return False, failed_findings(str(error))
    except RecursionError:
        return False, failed_findings(f"The comparison cannot run: {TOO_DEEP}.")
    return not any(f.is_error for f in findings), encode(findings)


def failed_findings(reason: str, code: str = "comparison.failed") -> str:
    """The findings of a comparison that could not be made: one error saying why."""
    return json.dumps([{"code": code, "type": "error", "message": reason}])


def spec_impacts(
    previous: str, current: str, pacts: list[str], today: date
) -> tuple[list[Impact], str | None]:
    """The changes from `previous` to `current` and whom they touch, or why they cannot be had."""
    try:
        if any(isinstance(load_document(text.encode()), AsyncApi) for text in (previous, current)):
            return [], "changes between AsyncAPI documents are not computed yet"
        changes = diff_specs(previous, current, today=today)
        return impact(previous, changes, pacts), None
    except ComparisonError as error:
        return [], str(error)
    except RecursionError:
        return [], f"The documents cannot be compared: {TOO_DEEP}."


def pact_diff(base: str | None, new: str) -> PactDiff:
    """The diff of two stored pact contents; from `new` without interactions when no `base`."""
    new_document = json.loads(new)
    old_document = (
        {**new_document, "interactions": [], "messages": []} if base is None else json.loads(base)
    )
    return diff_pacts(old_document, new_document)


def pact_diff_text(base: str | None, new: str) -> str:
    """`pact_diff` as the text a person reads."""
    return render_text(pact_diff(base, new))


def merged_pact(stored: str, received: str) -> tuple[str, str] | ConflictError:
    """A received pact merged into the stored one: (the merged content's SHA, its JSON).

    Two interactions that cannot merge come back as the `ConflictError` to raise (exceptions
    do not cross to the broker with their fields).
    """
    try:
        merged = merge_pacts(parse_pact(stored.encode()), parse_pact(received.encode()))
    except ConflictError as error:
        return error
    return canonical_sha(merged), msgspec.json.encode(merged).decode()


# The operations a document outline lists at most: enough for any real API, bounded for one
# built to be slow to show.
MAX_OUTLINED_OPERATIONS = 500
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class OutlinedOperation(msgspec.Struct, frozen=True, kw_only=True):
    """One operation of an OpenAPI document, as a reader scans for it."""

    method: str  # upper case
    path: str
    summary: str
    operation_id: str
    deprecated: bool
    responses: tuple[str, ...]  # the response status codes it declares


class DocumentOutline(msgspec.Struct, frozen=True, kw_only=True):
    """What an OpenAPI document is about: its title, versions and operations.

    `operation_total` counts every operation; `operations` holds the first
    `MAX_OUTLINED_OPERATIONS`. `problem` says why the document could not be read (then the
    rest is empty).
    """

    title: str = ""
    api_version: str = ""
    openapi: str = ""
    asyncapi: str = ""
    operations: tuple[OutlinedOperation, ...] = ()
    operation_total: int = 0
    problem: str | None = None


def _text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def outline_document(document: str) -> DocumentOutline:
    """The outline of a stored OpenAPI or AsyncAPI document (read as the comparisons read it)."""
    try:
        loaded = load_document(document.encode())
    except SpecError as error:
        return DocumentOutline(problem=str(error))
    except RecursionError:
        return DocumentOutline(problem=f"The spec cannot be read: {TOO_DEEP}.")
    root = loaded.document
    found_info = root.get("info")
    info: dict[str, object] = found_info if isinstance(found_info, dict) else {}
    if isinstance(loaded, AsyncApi):
        operations, total = _asyncapi_operations(loaded)
    else:
        operations, total = _openapi_operations(root)
    return DocumentOutline(
        title=_text(info.get("title")),
        api_version=_text(info.get("version")),
        openapi=_text(root.get("openapi") or root.get("swagger")),
        asyncapi=_text(root.get("asyncapi")),
        operations=tuple(operations),
        operation_total=total,
    )


def _openapi_operations(root: dict[str, object]) -> tuple[list[OutlinedOperation], int]:
    operations: list[OutlinedOperation] = []
    total = 0
    paths = root.get("paths")
    for path, item in paths.items() if isinstance(paths, dict) else ():
        if not isinstance(item, dict):
            continue
        for method in _METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            total += 1
            if len(operations) >= MAX_OUTLINED_OPERATIONS:
                continue
            responses = operation.get("responses")
            operations.append(
                OutlinedOperation(
                    method=method.upper(),
                    path=_text(path),
                    summary=_text(operation.get("summary")),
                    operation_id=_text(operation.get("operationId")),
                    deprecated=operation.get("deprecated") is True,
                    responses=tuple(
                        _text(code) for code in (responses if isinstance(responses, dict) else ())
                    ),
                )
            )
    return operations, total


def _asyncapi_operations(document: AsyncApi) -> tuple[list[OutlinedOperation], int]:
    """Each operation: its action (or 2.x verb), its channel, and its messages' locations."""
    operations: list[OutlinedOperation] = []
    for operation in list(document.operations.values())[:MAX_OUTLINED_OPERATIONS]:
        raw = operation.raw if isinstance(operation.raw, dict) else {}
        if document.is_v2:
            action, channel = operation.location.rsplit(".", 1)[1], operation.location
            channel = channel.removeprefix("[root].channels.").rsplit(".", 1)[0]
        else:
            action = _text(raw.get("action"))
            reference = raw.get("channel")
            channel = _text(reference.get("$ref") if isinstance(reference, dict) else reference)
        operations.append(
            OutlinedOperation(
                method=action.upper(),
                path=channel.removeprefix("#/channels/"),
                summary=_text(raw.get("summary") or raw.get("title")),
                operation_id=operation.id,
                deprecated=False,
                responses=tuple(
                    message.location.removeprefix("[root].") for message in operation.messages
                ),
            )
        )
    return operations, len(document.operations)
