"""Which consumers a change touches: their pacts' interactions routed through the base spec.

An interaction touches a change when it calls the changed operation (routed by the base spec,
as `compare-spec` routes it) and, for a narrower change, uses the changed part: sends the
parameter, carries the body field, expects the response status and reads the field. Changes
that hurt those who leave something out (a new required parameter or property) touch the
interactions that leave it out. A breaking change no consumer touches breaks nobody today.
Each impact also names, per consumer, the descriptions of the interactions that touch it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from verifier.comparison import ComparisonPactError, Spec
from verifier.comparison.documents import DocumentError, read_document
from verifier.comparison.findings import UNSET
from verifier.comparison.pacts import Interaction, http_interactions
from verifier.spec_diff.document import spec_of
from verifier.spec_diff.model import Change, Target


@dataclass(frozen=True, slots=True)
class Impact:
    """A change and the consumers (pact consumer names) whose interactions touch it.

    `interactions` maps each of those consumers to the descriptions of its interactions that
    touch the change, in the pact's order.
    """

    change: Change
    consumers: tuple[str, ...]
    interactions: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)

    @property
    def breaks_consumers(self) -> bool:
        """True for an ERR change that at least one consumer touches."""
        return self.change.is_breaking and bool(self.consumers)


@dataclass(frozen=True, slots=True)
class _Call:
    consumer: str
    operation: tuple[str, str]
    declared: frozenset[str]
    interaction: Interaction


def impact(
    base: Spec | bytes | str, changes: Iterable[Change], pacts: Sequence[Any]
) -> list[Impact]:
    """For each change, the consumers whose pacts touch it (and how), in the order of `changes`.

    Args:
        base: the spec the changes start from; the pacts' paths are routed through it.
        changes: what `diff_specs` returned.
        pacts: pact documents, parsed (dicts) or as JSON text.

    Raises:
        ComparisonPactError: a pact cannot be read or its interactions are malformed.
    """
    spec = spec_of(base)
    calls = [call for pact in pacts for call in _calls(spec, pact)]
    found = []
    for change in changes:
        touching = _touching(change.target, calls)
        consumers = tuple(sorted({call.consumer for call in touching}))
        by_consumer = {
            consumer: tuple(
                dict.fromkeys(_description(c) for c in touching if c.consumer == consumer)
            )
            for consumer in consumers
        }
        found.append(Impact(change, consumers, by_consumer))
    return found


def breaking_for_consumers(impacts: Iterable[Impact]) -> list[Impact]:
    """The impacts whose change is breaking (ERR) for at least one consumer."""
    return [hit for hit in impacts if hit.breaks_consumers]


def _calls(spec: Spec, pact: Any) -> list[_Call]:
    if isinstance(pact, bytes | str):
        try:
            pact = read_document(pact)
        except DocumentError as error:
            raise ComparisonPactError(f"The pact cannot be read: {error}.") from error
    consumer = pact.get("consumer") if isinstance(pact, dict) else None
    name = consumer.get("name") if isinstance(consumer, dict) else None
    found = []
    for interaction in http_interactions(pact):
        routed = spec.router.find(interaction.method, interaction.path.split("?")[0])
        if routed is None:
            continue
        operation = routed[0]
        declared = frozenset(str(s) for s in (operation.operation.get("responses") or {}))
        found.append(
            _Call(
                consumer=str(name or "unnamed consumer"),
                operation=(operation.method.upper(), operation.path),
                declared=declared,
                interaction=interaction,
            )
        )
    return found


def _touching(target: Target, calls: list[_Call]) -> list[_Call]:
    return [
        call
        for call in calls
        if target.kind == "api"
        or (call.operation == (target.method, target.path) and _touches(target, call))
    ]


def _description(call: _Call) -> str:
    """The interaction's description; its position when the pact gives none."""
    description = call.interaction.description
    if isinstance(description, str) and description:
        return description
    return f"interaction {call.interaction.index + 1}"


def _touches(target: Target, call: _Call) -> bool:
    interaction = call.interaction
    if target.kind == "operation":
        return True
    if target.kind == "parameter":
        return _parameter(target, interaction)
    fields = (target.field, *target.also)
    if target.kind == "request":
        return any(_field(interaction.request_body, f, absent=target.absent) for f in fields)
    if not _status_matches(target.status, interaction.status, call.declared):
        return False
    if target.name:
        headers = interaction.response_headers
        return isinstance(headers, dict) and target.name.lower() in {h.lower() for h in headers}
    return any(_field(interaction.response_body, f, absent=False) for f in fields)


def _parameter(target: Target, interaction: Interaction) -> bool:
    if target.where == "path":
        return True
    if target.where == "query":
        sent = _query_names(interaction.query)
    elif target.where == "header":
        headers = interaction.request_headers
        sent = {h.lower() for h in headers} if isinstance(headers, dict) else set()
        return (target.name.lower() not in sent) if target.absent else target.name.lower() in sent
    else:
        headers = interaction.request_headers
        cookie = (
            headers.get("Cookie", headers.get("cookie", "")) if isinstance(headers, dict) else ""
        )
        sent = {part.split("=")[0].strip() for part in str(cookie).split(";")}
    return (target.name not in sent) if target.absent else target.name in sent


def _query_names(query: Any) -> set[str]:
    if isinstance(query, dict):
        return set(query)
    if isinstance(query, str):
        return {part.split("=")[0] for part in query.split("&") if part}
    return set()


def _status_matches(declared_status: str, status: int, declared: frozenset[str]) -> bool:
    if declared_status == "default":
        return str(status) not in declared and f"{str(status)[0]}XX" not in declared
    if declared_status.upper().endswith("XX"):
        return str(status)[0] == declared_status[0]
    return declared_status == str(status)


def _field(body: Any, path: tuple[str, ...], *, absent: bool) -> bool:
    """Whether `body` carries the field at `path`.

    With `absent`, whether it lacks the field where the field's parent is present instead.
    """
    if body is UNSET or body is None:
        return absent and not path
    if not path:
        return not absent
    parents = _values(body, path[:-1])
    last = path[-1]
    if absent:
        return any(isinstance(p, dict) and last not in p for p in parents)
    return bool(_values(parents, (last,), many=True))


def _values(body: Any, path: tuple[str, ...], *, many: bool = False) -> list[Any]:
    current = list(body) if many else [body]
    for segment in path:
        following: list[Any] = []
        for value in current:
            if segment == "[]" and isinstance(value, list):
                following.extend(value)
            elif segment == "*" and isinstance(value, dict):
                following.extend(value.values())
            elif isinstance(value, dict) and segment in value:
                following.append(value[segment])
        current = following
    return current
