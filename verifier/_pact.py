"""Pact documents (V1 to V4) read into the interactions the verifier replays.

HTTP interactions keep their request and response as the pact writes them (the matching
engine reads that shape); messages are kept too, marked by kind, for the producers that verify
them. V2 names one `providerState`, V3 and V4 a list of `providerStates` with `params`.

Pacts are read in three places, each taking what it needs: here, strictly (the first fault
refuses the pact, which cannot be replayed); in the broker (`broker/domain/pacts.py`: every
fault collected for the publisher, the version read by `verifier.pact_validation`); and in the
comparison (`verifier/comparison/pacts.py`: HTTP interactions only, read the way
openapi-pact-comparator reads them). They share the nesting bound (`MAX_DEPTH`). They read
unusual metadata differently (a bare-string `pact-specification`, both spellings at once, no
declared version), so reading the version once for all three would change verdicts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal, TypeAlias

import msgspec

from verifier._errors import PactError
from verifier._matching.interactions import Spec
from verifier._matching.values import JSONObject, JSONValue
from verifier.comparison.documents import (
    MAX_DEPTH,
    DocumentError,
    check_bounds,
    check_tree_bounds,
)

# A pact holds no aliases: its node count is its size, which its bytes already bound.
_MAX_PACT_NODES = 50_000_000

InteractionKind: TypeAlias = Literal["http", "message", "synchronous-message"]

_V4_KINDS: dict[str, InteractionKind] = {
    "Synchronous/HTTP": "http",
    "Asynchronous/Messages": "message",
    "Synchronous/Messages": "synchronous-message",
}


class ProviderState(msgspec.Struct, frozen=True, kw_only=True):
    """A state the provider must be in before an interaction, with its parameters."""

    name: str
    params: JSONObject = msgspec.field(default_factory=dict)


class Interaction(msgspec.Struct, frozen=True, kw_only=True):
    """One interaction of a pact.

    Attributes:
        description: What the consumer called it; unique within the pact.
        kind: HTTP request/response, asynchronous message or synchronous message.
        provider_states: The states to set up first, in order.
        request: The HTTP request (HTTP interactions), as the pact writes it.
        response: The HTTP response the consumer expects.
        message: The whole interaction object, for message kinds.
        interaction_id: The `_id` a broker adds; echoed when results are published.
        is_pending: V4's per-interaction `pending` flag.
    """

    description: str
    kind: InteractionKind
    provider_states: tuple[ProviderState, ...] = ()
    request: JSONObject = msgspec.field(default_factory=dict)
    response: JSONObject = msgspec.field(default_factory=dict)
    message: JSONObject = msgspec.field(default_factory=dict)
    interaction_id: str | None = None
    is_pending: bool = False


class Pact(msgspec.Struct, frozen=True, kw_only=True):
    """A pact between one consumer and one provider."""

    consumer: str
    provider: str
    spec: Spec
    interactions: tuple[Interaction, ...]
    links: JSONObject = msgspec.field(default_factory=dict)


def spec_of(document: Mapping[str, JSONValue]) -> Spec:
    """The specification version a pact's metadata declares; "3" when it declares none."""
    metadata = document.get("metadata")
    declared: JSONValue = None
    if isinstance(metadata, dict):
        for key in ("pactSpecification", "pact-specification"):
            found = metadata.get(key)
            if isinstance(found, dict):
                declared = found.get("version")
        declared = declared or metadata.get("pactSpecificationVersion")
    if not isinstance(declared, str):
        return "3"
    parts = declared.split(".")
    if parts[0] == "1" and len(parts) > 1 and parts[1] == "1":
        return "1.1"
    major = parts[0]
    if major in {"1", "2", "3", "4"}:
        return major  # type: ignore[return-value]  # one of the Spec literals, checked above
    raise PactError(f"unknown pact specification version {declared!r}")


def _states(raw: Mapping[str, JSONValue]) -> tuple[ProviderState, ...]:
    listed = raw.get("providerStates")
    if isinstance(listed, list):
        states = []
        for item in listed:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                params = item.get("params")
                states.append(
                    ProviderState(
                        name=str(item["name"]), params=params if isinstance(params, dict) else {}
                    )
                )
        return tuple(states)
    single = raw.get("providerState") or raw.get("provider_state")
    return (ProviderState(name=single),) if isinstance(single, str) and single else ()


def _name(document: Mapping[str, JSONValue], role: str) -> str:
    party = document.get(role)
    name = party.get("name") if isinstance(party, dict) else None
    if not isinstance(name, str) or not name:
        raise PactError(f"the pact has no {role} name")
    return name


def _interaction(raw: JSONValue, spec: Spec, is_message_list: bool) -> Interaction:
    if not isinstance(raw, dict):
        raise PactError("an interaction is not a JSON object")
    description = raw.get("description")
    if not isinstance(description, str):
        raise PactError("an interaction has no description")
    declared = raw.get("type")
    if is_message_list:
        kind: InteractionKind = "message"
    elif isinstance(declared, str):
        if declared not in _V4_KINDS:
            raise PactError(f"the interaction {description!r} has an unknown type {declared!r}")
        kind = _V4_KINDS[declared]
    else:
        kind = "http"
    request, response = raw.get("request"), raw.get("response")
    if kind == "http" and not (isinstance(request, dict) and isinstance(response, dict)):
        raise PactError(f"the interaction {description!r} lacks a request or a response")
    identifier = raw.get("_id") or raw.get("key")
    return Interaction(
        description=description,
        kind=kind,
        provider_states=_states(raw),
        request=request if kind == "http" and isinstance(request, dict) else {},
        response=response if kind == "http" and isinstance(response, dict) else {},
        message=dict(raw) if kind != "http" else {},
        interaction_id=identifier if isinstance(identifier, str) else None,
        is_pending=spec == "4" and raw.get("pending") is True,
    )


def read_pact(document: JSONValue) -> Pact:
    """Read a decoded pact document.

    Raises:
        PactError: When it is not a pact: no consumer or provider, unreadable interactions,
            or nesting deeper than the matching engine and the generators may recurse.
    """
    return _read_bounded(document, check_bounds)


def _read_bounded(document: JSONValue, bounds: Callable[..., None]) -> Pact:
    """`read_pact`, measuring the document with `bounds` (`check_bounds` or its tree form)."""
    if not isinstance(document, dict):
        raise PactError("a pact is a JSON object")
    try:
        bounds(document, max_nodes=_MAX_PACT_NODES, max_depth=MAX_DEPTH)
    except DocumentError as error:
        raise PactError(str(error)) from None
    spec = spec_of(document)
    listed = document.get("interactions")
    messages = document.get("messages")
    interactions: list[Interaction] = []
    if isinstance(listed, list):
        interactions += [_interaction(item, spec, is_message_list=False) for item in listed]
    if isinstance(messages, list):
        interactions += [_interaction(item, spec, is_message_list=True) for item in messages]
    if listed is None and messages is None:
        raise PactError("the pact has no interactions")
    links = document.get("_links")
    return Pact(
        consumer=_name(document, "consumer"),
        provider=_name(document, "provider"),
        spec=spec,
        interactions=tuple(interactions),
        links=links if isinstance(links, dict) else {},
    )


def decode_pact(content: bytes | str) -> Pact:
    """Decode and read a pact's JSON text.

    Raises:
        PactError: When it is not JSON or not a pact.
    """
    try:
        document: JSONValue = msgspec.json.decode(content)
    except msgspec.DecodeError as error:
        raise PactError(f"it is not JSON ({error})") from error
    except RecursionError:
        raise PactError(f"it nests deeper than {MAX_DEPTH} levels") from None
    return _read_bounded(document, check_tree_bounds)  # JSON shares no node
