"""The message interactions of a pact, in the one shape the AsyncAPI checks read.

V4 `Asynchronous/Messages` and `Synchronous/Messages` interactions are read as
openapi-pact-comparator reads them: the payload from `contents` (decoded by its `encoded`
member), its type from `contents.contentType`, the headers from `metadata`, and the operation
from `comments.references.AsyncAPI`. Their index counts every interaction, HTTP ones too, as
locations do.

V3 `messages` are Accord's addition: the comparator reads no V3 messages and prints nothing for
them, which a gate must not read as success. Their payload is `contents` as written, its type
the metadata's `contentType` (JSON when it says none and the payload is an object or a list),
and they are located under `[root].messages[i]`.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Literal

from verifier._errors import ComparisonPactError
from verifier.comparison.asyncapi.document import is_falsy
from verifier.comparison.findings import UNSET
from verifier.comparison.pacts import state_of

_ASYNC = "asynchronous/messages"
_SYNC = "synchronous/messages"


@dataclass(frozen=True, slots=True)
class Side:
    """One message of an interaction: what was sent, and where the pact holds it."""

    payload: Any  # UNSET when the interaction has no contents
    content_type: str | None
    metadata: dict[str, str] | None
    payload_location: str
    metadata_location: str


@dataclass(frozen=True, slots=True)
class MessageInteraction:
    """One message interaction: asynchronous (one message) or synchronous (request, replies)."""

    index: int
    kind: Literal["async", "sync"]
    location: str
    description: Any
    state: str
    references: Any  # None when the pact names no AsyncAPI operation
    request: Side
    responses: tuple[Side, ...] = ()


def is_message(raw: dict[str, Any]) -> bool:
    """Whether an entry of `interactions` is a V4 message interaction (either kind)."""
    kind = raw.get("type")
    return isinstance(kind, str) and kind.lower() in {_ASYNC, _SYNC}


def _text(content: str, encoded: str) -> Any:
    """Node's `Buffer.from(content, encoded).toString()` for the encodings pacts use."""
    name = encoded.lower().replace("-", "")
    try:
        if name in {"base64", "base64url"}:
            cleaned = "".join(content.split()).replace("-", "+").replace("_", "/").rstrip("=")
            return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4)).decode(errors="replace")
        if name == "hex":
            return bytes.fromhex(content[: len(content) // 2 * 2]).decode(errors="replace")
    except (binascii.Error, ValueError):
        return content
    return content  # utf8, ascii, latin1 keep the text; an unknown encoding fails: as written


def payload_of(contents: Any) -> Any:
    """A V4 message's payload from its `contents`, decoded as the comparator decodes it."""
    if is_falsy(contents):
        return UNSET
    if not isinstance(contents, dict):
        return ""
    content = contents.get("content", "")
    encoded = contents.get("encoded")
    if is_falsy(encoded) or not isinstance(encoded, str) or not isinstance(content, str):
        return content
    if encoded.upper() == "JSON":
        try:
            return json.loads(content)
        except ValueError:
            return content
    return _text(content, encoded)


def _metadata(raw: Any, where: str) -> dict[str, str] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise ComparisonPactError(f"{where} must be an object of strings.")
    return {str(name): value for name, value in raw.items()}


def _references(raw: dict[str, Any]) -> Any:
    comments = raw.get("comments")
    references = comments.get("references") if isinstance(comments, dict) else None
    found = references.get("AsyncAPI") if isinstance(references, dict) else None
    if is_falsy(found):
        return None
    if isinstance(found, dict):
        return dict(found)
    if isinstance(found, list):
        return {str(index): item for index, item in enumerate(found)}
    return {}


def _content_type(contents: Any) -> str | None:
    found = contents.get("contentType") if isinstance(contents, dict) else None
    return found if isinstance(found, str) else None


def _side(raw: Any, where: str, at: str) -> Side:
    if not isinstance(raw, dict):
        raise ComparisonPactError(f"{where} must be an object.")
    return Side(
        payload=payload_of(raw.get("contents")),
        content_type=_content_type(raw.get("contents")),
        metadata=_metadata(raw.get("metadata"), f"{where}: metadata"),
        payload_location=f"{at}.contents.content",
        metadata_location=f"{at}.metadata",
    )


def _v4(index: int, raw: dict[str, Any]) -> MessageInteraction:
    where = f"Interaction {index}"
    at = f"[root].interactions[{index}]"
    common = {
        "index": index,
        "location": at,
        "description": raw["description"] if isinstance(raw.get("description"), str) else UNSET,
        "state": state_of(raw),
        "references": _references(raw),
    }
    if str(raw["type"]).lower() == _ASYNC:
        return MessageInteraction(kind="async", request=_side(raw, where, at), **common)
    responses = raw.get("response")
    if not isinstance(responses, list):
        raise ComparisonPactError(f"{where} must have a list of responses.")
    return MessageInteraction(
        kind="sync",
        request=_side(raw.get("request"), f"{where}: request", f"{at}.request"),
        responses=tuple(
            _side(item, f"{where}: response {number}", f"{at}.response[{number}]")
            for number, item in enumerate(responses)
        ),
        **common,
    )


def _v3(index: int, raw: dict[str, Any]) -> MessageInteraction:
    where = f"Message {index}"
    at = f"[root].messages[{index}]"
    metadata = _metadata(raw.get("metadata"), f"{where}: metadata")
    payload = raw.get("contents", UNSET)
    declared = next(
        (
            value
            for name, value in (metadata or {}).items()
            if name.lower() in {"contenttype", "content-type"}
        ),
        None,
    )
    content_type = declared or ("application/json" if isinstance(payload, dict | list) else None)
    return MessageInteraction(
        index=index,
        kind="async",
        location=at,
        description=raw["description"] if isinstance(raw.get("description"), str) else UNSET,
        state=state_of(raw),
        references=_references(raw),
        request=Side(
            payload=payload,
            content_type=content_type,
            metadata=metadata,
            payload_location=f"{at}.contents",
            metadata_location=f"{at}.metadata",
        ),
    )


def message_interactions(pact: Any) -> list[MessageInteraction]:
    """The message interactions of a pact document, V4 ones first, then V3 `messages`.

    Raises:
        ComparisonPactError: the document is not a pact, or a message interaction is malformed.
    """
    if not isinstance(pact, dict):
        raise ComparisonPactError("The pact is not a JSON object.")
    interactions = pact.get("interactions", [])
    if not isinstance(interactions, list):
        raise ComparisonPactError("The pact's interactions are not a list.")
    found = [
        _v4(index, raw)
        for index, raw in enumerate(item for item in interactions if isinstance(item, dict))
        if is_message(raw)
    ]
    messages = pact.get("messages")
    if isinstance(messages, list):
        found += [_v3(index, raw) for index, raw in enumerate(messages) if isinstance(raw, dict)]
    return found
