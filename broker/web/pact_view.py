"""A pact as people read it, and the verification results of its content.

Each interaction shows its provider states, request and response (or message contents),
matching rules and generators.

Pacts V1 to V4 spell the same things differently (a query string or a map of lists, headers as
strings or lists, a body as JSON or as V4's `{content, contentType, encoded}`); `read_part`
puts them in one shape for the template. Pure, but for `pact_view`, which asks the services.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import msgspec

from broker.domain.model import JSONValue, Page
from broker.domain.pact_diff import PactDiff
from broker.domain.pacts import Interaction, InteractionType, parse_pact
from broker.http.context import Services
from broker.services.contracts import Pact
from broker.services.verifications import VerificationDetails

MAX_VERSIONS = 100

_KINDS: dict[InteractionType, str] = {
    "Synchronous/HTTP": "HTTP request and response",
    "Asynchronous/Messages": "Message",
    "Synchronous/Messages": "Synchronous message",
}


class Part(msgspec.Struct, frozen=True, kw_only=True):
    """A request, a response or a message: what is sent, as text a person reads."""

    title: str
    method: str | None = None
    path: str | None = None
    status: int | None = None
    query: list[tuple[str, str]] = msgspec.field(default_factory=list)
    headers: list[tuple[str, str]] = msgspec.field(default_factory=list)
    body: str | None = None  # pretty JSON, or the text as sent
    content_type: str | None = None
    matching_rules: str | None = None  # pretty JSON
    generators: str | None = None


class InteractionView(msgspec.Struct, frozen=True, kw_only=True):
    """One interaction of the pact, in document order."""

    index: int  # in its list (`interactions` or `messages`), as diffs name it
    type: InteractionType
    number: int
    description: str
    kind: str
    provider_states: list[tuple[str, str | None]]  # name, parameters as pretty JSON
    parts: list[Part]
    pending: bool = False


class DiffRow(msgspec.Struct, frozen=True, kw_only=True):
    """An interaction that differs between two versions, side by side.

    `change` is "changed" (both sides, with the changed places), "added" (only `after`) or
    "removed" (only `before`).
    """

    change: Literal["changed", "added", "removed"]
    before: InteractionView | None = None
    after: InteractionView | None = None
    paths: tuple[str, ...] = ()


class Comparison(msgspec.Struct, frozen=True, kw_only=True):
    """The pact against another consumer version's pact with the same provider."""

    base_version: str
    rows: list[DiffRow]
    unchanged: int
    specification: tuple[str, str] | None


class PactView(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the pact page shows."""

    pact: Pact
    specification: str
    interactions: list[InteractionView]
    verifications: list[VerificationDetails]
    versions: list[str]  # the consumer versions with a pact with this provider, newest first
    comparison: Comparison | None = None


def pretty(value: JSONValue) -> str:
    """JSON indented for reading, with non-ASCII text kept as written."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _pairs(value: Any) -> list[tuple[str, str]]:
    """Headers or a query as (name, value) pairs; a list of values gives a pair each."""
    if isinstance(value, str):  # a V2 query string
        return [(name, val) for name, _, val in (p.partition("=") for p in value.split("&") if p)]
    if not isinstance(value, dict):
        return []
    pairs = []
    for name, values in value.items():
        for one in values if isinstance(values, list) else [values]:
            pairs.append((str(name), _text(one)))
    return pairs


def _body(part: dict[str, Any], key: str) -> tuple[str | None, str | None]:
    """The body (or message contents) as text, and its content type when the pact says it."""
    if key not in part:
        return None, None
    body = part[key]
    if (
        isinstance(body, dict)
        and "content" in body
        and ("contentType" in body or "encoded" in body)
    ):
        # V4: {content, contentType, encoded}; an encoded body is shown as its encoding says.
        content_type = body.get("contentType")
        content = body["content"]
        encoded = body.get("encoded")
        if encoded and isinstance(content, str):
            return f"({encoded} encoded) {content}", _text(content_type) if content_type else None
        text = content if isinstance(content, str) else pretty(content)
        return text, _text(content_type) if content_type else None
    if isinstance(body, str):
        return body, None
    return pretty(body), None


def _rules(part: dict[str, Any], owner: dict[str, Any], prefix: str) -> str | None:
    """A part's matching rules: its own (V3+) or, in V2, the `$.prefix…` ones of the owner."""
    own = part.get("matchingRules")
    if own:
        return pretty(own)
    legacy = owner.get("matchingRules")
    if isinstance(legacy, dict) and prefix:
        picked = {k: v for k, v in legacy.items() if k.startswith(f"$.{prefix}")}
        return pretty(picked) if picked else None
    return None


def read_part(title: str, part: Any, owner: dict[str, Any], prefix: str, body_key: str) -> Part:
    """One request, response or message as a `Part`."""
    if not isinstance(part, dict):
        return Part(title=title)
    body, content_type = _body(part, body_key)
    # A message's metadata stands where a request's headers do (V3 spells it `metaData`).
    headers = _pairs(part.get("headers") or part.get("metadata") or part.get("metaData"))
    if content_type is None:
        content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
    status = part.get("status")
    generators = part.get("generators")
    return Part(
        title=title,
        method=_text(part["method"]).upper() if "method" in part else None,
        path=_text(part["path"]) if "path" in part else None,
        status=status if isinstance(status, int) else None,
        query=_pairs(part.get("query")),
        headers=headers,
        body=body,
        content_type=content_type,
        matching_rules=_rules(part, owner, prefix),
        generators=pretty(generators) if generators else None,
    )


def read_interaction(interaction: Interaction, raw: dict[str, Any]) -> InteractionView:
    """An interaction of a parsed pact, with its raw JSON, as the page shows it."""
    parts: list[Part] = []
    if interaction.type == "Synchronous/HTTP":
        parts.append(read_part("Request", raw.get("request"), raw, "request", "body"))
        parts.append(read_part("Response", raw.get("response"), raw, "response", "body"))
    elif interaction.type == "Asynchronous/Messages":
        parts.append(read_part("Message", raw, raw, "", "contents"))
    else:
        parts.append(read_part("Request message", raw.get("request"), raw, "", "contents"))
        responses = raw.get("response")
        for number, response in enumerate(responses if isinstance(responses, list) else []):
            parts.append(read_part(f"Response message {number + 1}", response, raw, "", "contents"))
    states = [
        (state.name, pretty(state.params) if state.params else None)
        for state in interaction.provider_states
    ]
    return InteractionView(
        index=interaction.index,
        type=interaction.type,
        number=interaction.index + 1,
        description=interaction.description,
        kind=_KINDS[interaction.type],
        provider_states=states,
        parts=parts,
        pending=raw.get("pending") is True,
    )


def read_interactions(text: str) -> tuple[str, list[InteractionView]]:
    """The specification version and the interactions of a pact document."""
    parsed = parse_pact(text.encode())
    views = []
    for interaction in parsed.interactions:
        section = parsed.document.get(interaction.section)
        raw = section[interaction.index] if isinstance(section, list) else {}
        views.append(read_interaction(interaction, raw if isinstance(raw, dict) else {}))
    return parsed.specification_version or parsed.specification, views


def compare(
    base_version: str,
    before: list[InteractionView],
    after: list[InteractionView],
    diff: PactDiff,
) -> Comparison:
    """Pair the interactions a diff names with their views, changed ones first."""

    def find(views: list[InteractionView], index: int, kind: InteractionType) -> InteractionView:
        return next(v for v in views if v.index == index and v.type == kind)

    rows = [
        DiffRow(
            change="changed",
            before=find(before, c.old_index, c.type),
            after=find(after, c.new_index, c.type),
            paths=c.paths,
        )
        for c in diff.changed
    ]
    rows += [DiffRow(change="added", after=find(after, a.index, a.type)) for a in diff.added]
    rows += [DiffRow(change="removed", before=find(before, r.index, r.type)) for r in diff.removed]
    return Comparison(
        base_version=base_version,
        rows=rows,
        unchanged=diff.unchanged,
        specification=diff.specification,
    )


async def pact_view(
    services: Services, provider: str, consumer: str, version: str, base: str | None = None
) -> PactView:
    """The pact consumer `version` holds with `provider`, and the results of its content.

    With `base`, also how it differs from the pact consumer version `base` holds.

    Raises:
        NotFoundError: no such pacticipants, version or pact (or no pact of `base`).
        WorkTimeoutError: the diff took longer than the work's budget.
    """
    pact = await services.contracts.for_version(provider, consumer, version)
    specification, interactions = read_interactions(pact.publication.document(pact.content))
    comparison = None
    if base is not None:
        earlier = await services.contracts.for_version(provider, consumer, base)
        _, before = read_interactions(earlier.publication.document(earlier.content))
        diff = await services.contracts.diff(earlier, pact)
        comparison = compare(earlier.consumer_version.number, before, interactions, diff)
    results = await services.verifications.of_pact(
        pact.provider.name, pact.consumer.name, pact.content.sha
    )
    _, _, pacts, _ = await services.contracts.versions_of(
        pact.provider.name, pact.consumer.name, Page(number=1, size=MAX_VERSIONS)
    )
    return PactView(
        pact=pact,
        specification=specification,
        interactions=interactions,
        verifications=results,
        versions=[p.consumer_version.number for p in pacts],
        comparison=comparison,
    )
