"""Pact documents: a typed view of a received pact, and the hash that names its content.

The broker keeps each pact as received; `parse_pact` reads just what the broker needs from it
(who it is between, its specification version, its interactions) and keeps the decoded document
beside that view, so fields Accord does not model survive. `canonical_sha` names the content the
way the Pact Broker's pact versions do (pact-broker-api §5.3). The verifier reads pacts with
its own, stricter reader (`verifier/_pact.py` says why they stay apart).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
from collections.abc import Iterator
from typing import Any, Literal, TypeAlias

import msgspec

from broker.domain.errors import FieldError, InvalidInputError
from broker.domain.model import JSONValue
from verifier.comparison.documents import MAX_DEPTH
from verifier.pact_validation import (
    SpecificationMajor,
    json_pointer,
    major_of,
    specification_of,
)

__all__ = [
    "INTERACTION_TYPES",
    "Interaction",
    "InteractionType",
    "JSONObject",
    "PactDocument",
    "ProviderState",
    "SpecificationMajor",
    "canonical_sha",
    "decode_pact",
    "json_pointer",
    "parse_pact",
    "read_pact",
    "specification_of",
]

InteractionType: TypeAlias = Literal[
    "Synchronous/HTTP", "Asynchronous/Messages", "Synchronous/Messages"
]
INTERACTION_TYPES: tuple[InteractionType, ...] = (
    "Synchronous/HTTP",
    "Asynchronous/Messages",
    "Synchronous/Messages",
)
JSONObject: TypeAlias = dict[str, JSONValue]

_UTF8_BOM = b"\xef\xbb\xbf"
# How deep a pact may nest (objects and arrays, the pact's own levels included): the bound the
# verifier and the comparison read pacts with, so a pact the broker takes is never refused by
# them for its depth. Diffs and merges recurse too; real bodies nest a few dozen levels.
MAX_PACT_DEPTH = MAX_DEPTH


class ProviderState(msgspec.Struct, frozen=True, kw_only=True):
    """A state the provider is put in before an interaction, with its parameters (V3+)."""

    name: str
    params: JSONObject = msgspec.field(default_factory=dict)


class Interaction(msgspec.Struct, frozen=True, kw_only=True):
    """One interaction (or V3 message) of a pact.

    Attributes:
        index: position in its list (`interactions` or `messages`).
        section: the top-level list holding it: V3 message pacts use `messages`.
        description: what the consumer wrote to describe it.
        type: the V4 interaction type; V1 to V3 interactions are HTTP, V3 messages asynchronous.
        provider_states: the states, in the order the consumer gave them.
        key: the V4 `key` when the pact has one, else `identity`.
        identity: a hash of type, description and provider states: the same interaction in
            two versions of a pact has the same identity even when its content changed.
    """

    index: int
    section: Literal["interactions", "messages"]
    description: str
    type: InteractionType
    provider_states: tuple[ProviderState, ...] = ()
    key: str
    identity: str

    @property
    def pointer(self) -> str:
        """Where the interaction sits in the document, as a JSON pointer."""
        return f"/{self.section}/{self.index}"


class PactDocument(msgspec.Struct, frozen=True, kw_only=True):
    """A parsed pact.

    Attributes:
        consumer: the consumer's name as written in the pact.
        provider: the provider's name as written in the pact.
        specification: the major specification version ("1", "1.1", "2", "3" or "4"), read
            from the metadata or, when that has none, inferred from the document's shape.
        specification_version: the version string as the pact declares it, if it does.
        interactions: `interactions` then `messages`, in document order.
        document: the whole decoded document, unknown fields included.
    """

    consumer: str
    provider: str
    specification: SpecificationMajor
    specification_version: str | None
    interactions: tuple[Interaction, ...]
    document: JSONObject


def parse_pact(raw: bytes) -> PactDocument:
    """Decode a pact file and read what the broker needs from it.

    Reading is lenient, as the Pact specification asks of readers: unknown members are kept,
    and old spellings (`providerState`, `pact-specification`) are understood. Only what the
    broker cannot do without is required.

    Args:
        raw: the document as received, UTF-8 JSON (a leading byte order mark is ignored, as
            RFC 8259 §8.1 allows).

    Returns:
        The parsed view, holding the decoded document.

    Raises:
        InvalidInputError: the bytes are not a JSON object, or the consumer, provider or
            interactions cannot be read; `errors` lists every such place.
    """
    return read_pact(decode_pact(raw))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def decode_pact(raw: bytes) -> JSONObject:
    """The JSON object a pact file holds (the first half of `parse_pact`).

    Raises:
        InvalidInputError: the bytes are not UTF-8 JSON, or not an object.
    """
    try:
        # Decoding a large pact allocates hundreds of thousands of containers, and each
        # collection the allocations trigger scans them all again: pausing the collector
        # makes decoding a 5 MB pact several times faster (benchmarks/pact_documents.py).
        # Decoded JSON holds no reference cycles, so nothing is left for the collector.
        with _collector_paused():
            value: JSONValue = msgspec.json.decode(raw.removeprefix(_UTF8_BOM))
    except RecursionError:
        value = None  # deeper than msgspec goes: refused below with the depth limit
    except msgspec.DecodeError as error:
        raise InvalidInputError(
            "The pact is not valid JSON", [FieldError("", f"is not valid JSON: {error}")]
        ) from None
    except UnicodeDecodeError as error:
        raise InvalidInputError(
            "The pact is not UTF-8", [FieldError("", f"is not UTF-8 text: {error.reason}")]
        ) from None
    if value is None or json_depth(value, MAX_PACT_DEPTH) > MAX_PACT_DEPTH:
        raise InvalidInputError(
            "The pact nests too deeply",
            [FieldError("", f"nests deeper than {MAX_PACT_DEPTH} levels of objects and arrays")],
        )
    if not isinstance(value, dict):
        raise InvalidInputError(
            "The pact is not a JSON object", [FieldError("", "must be a JSON object")]
        )
    return value


def json_depth(value: JSONValue, limit: int) -> int:
    """How deep the objects and arrays of decoded JSON nest (0 for a scalar), up to `limit` + 1.

    Walked level by level over the decoded value, which holds no shared container: a 5 MB
    pact takes a few hundredths of a second and no memory beyond one level's list (reading
    the text with its strings cut out took as much again as the decoded pact, ~90 MB).
    """
    depth = 0
    level: list[dict[str, Any] | list[Any]] = [value] if isinstance(value, dict | list) else []
    while level and depth <= limit:
        depth += 1
        below: list[dict[str, Any] | list[Any]] = []
        for node in level:
            children = node.values() if isinstance(node, dict) else node
            below += [child for child in children if isinstance(child, dict | list)]
        level = below
    return depth


def read_pact(document: JSONObject) -> PactDocument:
    """Read a decoded pact (the second half of `parse_pact`).

    Raises:
        InvalidInputError: the consumer, provider or interactions cannot be read.
    """
    problems: list[FieldError] = []
    consumer = _pacticipant_name(document, "consumer", problems)
    provider = _pacticipant_name(document, "provider", problems)
    major, declared = specification_of(document)
    interactions: list[Interaction] = []
    for section in ("interactions", "messages"):
        interactions += _interactions(document, section, major, problems)
    if problems:
        raise InvalidInputError("The pact cannot be read", problems)
    return PactDocument(
        consumer=consumer,
        provider=provider,
        specification=major,
        specification_version=declared,
        interactions=tuple(interactions),
        document=document,
    )


def canonical_sha(document: JSONValue) -> str:
    """The SHA-256 (hex) of a pact's content, the same for every spelling of that content.

    What counts as "the same content" follows the Pact Broker (pact-broker-api §5.3,
    `base_equality_only_on_content_that_affects_verification_results`): two documents that
    a provider would verify identically share a pact version, so a client that re-serialises
    a pact (the Rust CLI publishes compact JSON) or a tool upgrade does not create a new one.

    - Key order and whitespace do not count: the form is msgspec's JSON with sorted keys and
      no whitespace, and strings are compared decoded (an escaped `é` equals a literal one).
    - Interaction order does not count: interactions and messages are each sorted by their
      canonical form (§5.3, "reordering interactions ... is same content"). Arrays *inside*
      an interaction keep their order: a body `[1, 2]` is a different expectation from `[2, 1]`,
      and provider states are set up in the order given.
    - Of the top level only the consumer and provider names, the major specification version
      and the interaction lists count. `metadata` is written by tools (`pactRust`, `pact-jvm`,
      `pactJs` versions) and `_links`, `_embedded`, `createdAt`, `updatedAt` are added by a
      broker serving the pact (§6); none of them changes what a provider verifies. The
      specification version does (V2 and V3 read matching rules differently), so its major is
      kept, whichever key spells it.
    - Inside an interaction `_id` is added by a broker (§5.3) and the V4 `key` is a hash the
      writing tool computes over the rest of the interaction, so neither counts; everything
      else (request, response, contents, matching rules, generators, provider states,
      `pending`, comments) does.

    Args:
        document: a decoded pact, as `PactDocument.document` holds it.

    Returns:
        64 lowercase hex digits.
    """
    top = document if isinstance(document, dict) else {}
    canonical: JSONObject = {
        "consumer": _name_of(top.get("consumer")),
        "provider": _name_of(top.get("provider")),
        "specification": _hashed_major(top),
    }
    for section in ("interactions", "messages"):
        items = top.get(section)
        if isinstance(items, list):
            encoded = sorted(_canonical_interaction(item) for item in items)
            canonical[section] = [msgspec.Raw(item) for item in encoded]
    return hashlib.sha256(msgspec.json.encode(canonical, order="sorted")).hexdigest()


def _canonical_interaction(item: JSONValue) -> bytes:
    if isinstance(item, dict):
        item = {k: v for k, v in item.items() if k not in ("_id", "key")}
    return msgspec.json.encode(item, order="sorted")


def _name_of(pacticipant: JSONValue) -> JSONValue:
    return pacticipant.get("name") if isinstance(pacticipant, dict) else None


def _pacticipant_name(document: JSONObject, role: str, problems: list[FieldError]) -> str:
    pacticipant = document.get(role)
    if not isinstance(pacticipant, dict):
        problems.append(FieldError(json_pointer(role), "must be an object with a name"))
        return ""
    name = pacticipant.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(FieldError(json_pointer(role, "name"), "must be a non-blank string"))
        return ""
    return name


def _hashed_major(document: JSONObject) -> str:
    """The major version `canonical_sha` hashes: the declared one, else a fixed reading of shape.

    For a pact that declares no readable version this is the reading Accord used before it
    inferred V1 and V2 (V4 if typed, V2 with V2 spellings, else V3), not `specification_of`:
    that reading is a function of the interactions, which are hashed anyway, so it names the
    same contents, and it keeps the names of contents stored before inference changed.
    """
    major, declared = specification_of(document)
    if declared is not None and major_of(declared) is not None:
        return major
    items = document.get("interactions")
    interactions = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    if any("type" in i for i in interactions):
        return "4"
    if any(_has_v2_spellings(i) for i in interactions):
        return "2"
    return "3"


def _has_v2_spellings(interaction: JSONObject) -> bool:
    request = interaction.get("request")
    if isinstance(request, dict) and isinstance(request.get("query"), str):
        return True
    for part in (request, interaction.get("response")):
        rules = part.get("matchingRules") if isinstance(part, dict) else None
        if isinstance(rules, dict) and any(key.startswith("$") for key in rules):
            return True
    return False


def _interactions(
    document: JSONObject,
    section: Literal["interactions", "messages"],
    major: SpecificationMajor,
    problems: list[FieldError],
) -> list[Interaction]:
    items = document.get(section)
    if items is None:
        return []
    if not isinstance(items, list):
        problems.append(FieldError(json_pointer(section), "must be an array"))
        return []
    parsed = []
    for index, item in enumerate(items):
        where = json_pointer(section, index)
        if not isinstance(item, dict):
            problems.append(FieldError(where, "must be an object"))
            continue
        description = item.get("description")
        if not isinstance(description, str):
            problems.append(FieldError(f"{where}/description", "must be a string"))
            description = ""
        kind = _interaction_type(item, section, major, where, problems)
        states = _provider_states(item, where, problems)
        identity = _identity(kind, description, states)
        key = item.get("key")
        parsed.append(
            Interaction(
                index=index,
                section=section,
                description=description,
                type=kind,
                provider_states=states,
                key=key if isinstance(key, str) and key else identity,
                identity=identity,
            )
        )
    return parsed


def _interaction_type(
    item: JSONObject,
    section: str,
    major: SpecificationMajor,
    where: str,
    problems: list[FieldError],
) -> InteractionType:
    if section == "messages":
        return "Asynchronous/Messages"
    declared = item.get("type")
    if declared is None:
        # A V4 interaction without `type` is read by its shape, as pact-jvm does.
        if major == "4" and "contents" in item and "request" not in item:
            return "Asynchronous/Messages"
        return "Synchronous/HTTP"
    for known in INTERACTION_TYPES:
        if declared == known:
            return known
    problems.append(FieldError(f"{where}/type", f"must be one of {', '.join(INTERACTION_TYPES)}"))
    return "Synchronous/HTTP"


def _provider_states(
    item: JSONObject, where: str, problems: list[FieldError]
) -> tuple[ProviderState, ...]:
    """V3+ `providerStates`, or the single V1/V2 `providerState` (`provider_state` in old JVM)."""
    states = item.get("providerStates")
    if states is None:
        for key in ("providerState", "provider_state"):
            single = item.get(key)
            if isinstance(single, str) and single:
                return (ProviderState(name=single),)
            if single is not None and not isinstance(single, str):
                problems.append(FieldError(f"{where}/{key}", "must be a string"))
        return ()
    if not isinstance(states, list):
        problems.append(FieldError(f"{where}/providerStates", "must be an array"))
        return ()
    parsed = []
    for index, state in enumerate(states):
        name = state.get("name") if isinstance(state, dict) else None
        params = state.get("params") if isinstance(state, dict) else None
        if not isinstance(name, str):
            problems.append(FieldError(f"{where}/providerStates/{index}/name", "must be a string"))
        elif params is not None and not isinstance(params, dict):
            problems.append(
                FieldError(f"{where}/providerStates/{index}/params", "must be an object")
            )
        else:
            parsed.append(ProviderState(name=name, params=params or {}))
    return tuple(parsed)


def _identity(kind: InteractionType, description: str, states: tuple[ProviderState, ...]) -> str:
    # Provider states are compared in order, parameters with sorted keys.
    encoded = msgspec.json.encode(
        [kind, description, [[s.name, s.params] for s in states]], order="sorted"
    )
    return hashlib.sha256(encoded).hexdigest()[:16]
