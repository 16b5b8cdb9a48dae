"""Planning the event checks of a consumer's message pacts: pure, nothing is delivered here.

Each asynchronous message of a pact (a V3 `messages` entry, a V4 `Asynchronous/Messages`
interaction) is built as the consumer would receive it: its contents and metadata with the
pact's generators applied (the verifier's own generator code, from a seeded random source and
a given clock, so a plan is repeatable). Then four checks are planned per message:

- `event.format`: the message as the contract gives it is acknowledged.
- `event.idempotency`: the same message (same id, same sequence number) delivered twice.
- `event.ordering`: the messages of one **group** delivered in the pact's order, then in reverse
  (sequence numbers staying with their messages). A group is the messages of one pact on one
  channel (`channel`, `topic`, `destination`, `queue`, `exchange`, `subject` or `routingKey`
  in the metadata) with one key (`partitionKey`, `key`, `messageKey` or `messageGroupId`), in
  the pact's order. A message alone in its group is delivered as two versions, the second with
  every number and boolean that a type matcher lets change (outside identifiers: `id`, `…Id`,
  `…_id`, `key`, `…Key`) changed; without such a value the check is skipped.
- `event.dead-letter`: messages that break the contract: the field the matching rules name
  first (else the example's first field) removed, then given a value of another JSON type.

Synchronous messages are a request and its reply, not a delivered event: their checks are
planned as skipped, with that reason.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import random
from collections.abc import Iterable, Sequence

import msgspec

from verifier._errors import GeneratorError
from verifier._generators.values import Context
from verifier._matching import ruleset
from verifier._matching.values import JSONObject, JSONValue
from verifier._message_verify import expected_part, request_message
from verifier._pact import Interaction, Pact

CHECKS = ("event.format", "event.idempotency", "event.ordering", "event.dead-letter")
CHANNEL_KEYS = ("channel", "topic", "destination", "queue", "exchange", "subject", "routingKey")
GROUP_KEYS = ("partitionKey", "key", "messageKey", "messageGroupId")
MAX_GROUP = 50  # messages of one group delivered by the ordering check
_TYPE_MATCHERS = {"type", "integer", "decimal", "number", "boolean"}

EXPECTED = {
    "event.format": "acknowledged",
    "event.idempotency": "both deliveries acknowledged, the duplicate leaving the state as it was",
    "event.ordering": "the state of in-order delivery, or stale messages leaving the state as is",
    "event.dead-letter": "refused (4xx, a rejection or a dead letter), the state left as it was",
}


class EventMessage(msgspec.Struct, frozen=True, kw_only=True):
    """One message as the checks deliver it to the consumer.

    Attributes:
        interaction: The description of the pact's interaction it comes from.
        contents: The payload: a JSON value, text, or bytes.
        metadata: The message's metadata (destination, keys, headers…).
        content_type: The contents' media type.
        message_id: A stable id; a redelivery carries the same one.
        sequence: Its place among the messages of its group, from 1; a later version of a
            message carries a higher number.
        label: How reports name this delivery ("the message", "version 2", "without `id`").
    """

    interaction: str
    contents: JSONValue | bytes
    metadata: JSONObject = msgspec.field(default_factory=dict)
    content_type: str | None = None
    message_id: str
    sequence: int = 1
    label: str = "the message"


class PlannedCheck(msgspec.Struct, frozen=True, kw_only=True):
    """One check of one message interaction, with the messages it delivers.

    Attributes:
        provider: The pact's provider (the message's publisher).
        interaction: The interaction's description.
        check: One of `CHECKS`.
        messages: format and idempotency: the message; ordering: the group in order;
            dead-letter: the malformed messages, each delivered from a fresh state.
        out_of_order: ordering only: the same messages in the order they are delivered the
            second time.
        group: ordering only: the interactions of the group (one result each, one run).
        skip_reason: Why the check cannot run (it is then reported skipped).
    """

    provider: str
    interaction: str
    check: str
    messages: tuple[EventMessage, ...] = ()
    out_of_order: tuple[EventMessage, ...] = ()
    group: tuple[str, ...] = ()
    skip_reason: str = ""

    @property
    def expected(self) -> str:
        """What the check expects of the consumer, in words."""
        return EXPECTED[self.check]


def _seed(*parts: str) -> int:
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def message_id(pact: Pact, description: str, role: str) -> str:
    """A stable message id: the same pact, interaction and role always give the same id."""
    digest = hashlib.sha256(
        "\x00".join((pact.consumer, pact.provider, description)).encode("utf-8")
    ).hexdigest()
    return f"accord-{digest[:16]}-{role}"


def build_message(
    pact: Pact, interaction: Interaction, *, now: datetime.datetime, seed: int = 0
) -> EventMessage:
    """The interaction's message, generators applied, with the message id of its first delivery.

    Raises:
        GeneratorError: When a generator cannot make a value.
    """
    raw = interaction.message
    part = expected_part(raw)
    if isinstance(raw.get("generators"), dict):
        part["generators"] = raw["generators"]
    rng = random.Random(_seed(str(seed), pact.consumer, pact.provider, interaction.description))  # noqa: S311 - repeatable test data, not secrets
    made = request_message(part, Context(now=now, rng=rng))
    return EventMessage(
        interaction=interaction.description,
        contents=made.contents,
        metadata=dict(made.metadata),
        content_type=made.content_type,
        message_id=message_id(pact, interaction.description, "1"),
    )


def _body_rules(interaction: Interaction, spec: str) -> ruleset.Category:
    return ruleset.read(expected_part(interaction.message), spec).get("body", {})


def _rule_names(rules: ruleset.Category, path: Sequence[str | int]) -> set[str]:
    selected = ruleset.select(rules, path)
    if selected is None:
        return set()
    return {str(matcher.get("match", "")) for matcher in selected.rules.matchers}


def is_identifier(key: str) -> bool:
    """Whether a field's name says it identifies something (`id`, `orderId`, `order_id`, `key`)."""
    lowered = key.lower()
    return lowered in {"id", "key"} or key.endswith(("Id", "ID", "Key")) or lowered.endswith("_id")


def _varied(  # noqa: PLR0911 - one return per kind of JSON value
    value: JSONValue, path: list[str | int], rules: ruleset.Category
) -> tuple[JSONValue, int]:
    """The value with each changeable number and boolean changed, and how many changed."""
    if isinstance(value, dict):
        changed = 0
        out: JSONObject = {}
        for key, item in value.items():
            if is_identifier(key):
                out[key] = item
                continue
            out[key], count = _varied(item, [*path, key], rules)
            changed += count
        return out, changed
    if isinstance(value, list):
        items = []
        changed = 0
        for index, item in enumerate(value):
            new, count = _varied(item, [*path, index], rules)
            items.append(new)
            changed += count
        return items, changed
    names = _rule_names(rules, path)
    if not names or not names <= _TYPE_MATCHERS:
        return value, 0  # no rule means equality in Pact: the value must stay the example's
    if isinstance(value, bool):
        return (not value), 1
    if isinstance(value, int):
        return value + 1, 1
    if isinstance(value, float):
        return value + 1.5, 1
    return value, 0


def second_version(message: EventMessage, rules: ruleset.Category) -> EventMessage | None:
    """A later version of a message (sequence 2), or None when the contract lets nothing change."""
    if not isinstance(message.contents, dict):
        return None
    contents, changed = _varied(message.contents, [], rules)
    if not changed:
        return None
    return msgspec.structs.replace(
        message,
        contents=contents,
        message_id=message.message_id.rsplit("-", 1)[0] + "-2",
        sequence=2,
        label="version 2",
    )


def _wrong_type(value: JSONValue) -> JSONValue:
    if isinstance(value, str):
        return 12345
    if value is None:
        return {"unexpected": True}
    return "a value of the wrong type"


def malformed(message: EventMessage, rules: ruleset.Category) -> list[EventMessage]:
    """The messages that break the contract: a required field removed, then of the wrong type.

    The field is the first top-level one a matching rule names (the contract checks it), else
    the example's first. Empty when the contents are not a non-empty JSON object.
    """
    contents = message.contents
    if not isinstance(contents, dict) or not contents:
        return []
    named = [key for key in contents if _rule_names(rules, [key])]
    field = named[0] if named else next(iter(contents))
    without = {key: value for key, value in contents.items() if key != field}
    retyped = {**copy.deepcopy(contents), field: _wrong_type(contents[field])}
    stem = message.message_id.rsplit("-", 1)[0]
    return [
        msgspec.structs.replace(
            message,
            contents=without,
            message_id=f"{stem}-malformed-1",
            label=f"without `{field}`",
        ),
        msgspec.structs.replace(
            message,
            contents=retyped,
            message_id=f"{stem}-malformed-2",
            label=f"`{field}` as {type(retyped[field]).__name__}",
        ),
    ]


def group_of(message: EventMessage) -> tuple[str, str]:
    """The channel and key a message is delivered on (empty strings when none is named)."""
    metadata = message.metadata

    def first(keys: Iterable[str]) -> str:
        for key in keys:
            value = metadata.get(key)
            if isinstance(value, str | int) and not isinstance(value, bool):
                return str(value)
        return ""

    return first(CHANNEL_KEYS), first(GROUP_KEYS)


def _skipped(pact: Pact, interaction: Interaction, reason: str) -> list[PlannedCheck]:
    return [
        PlannedCheck(
            provider=pact.provider,
            interaction=interaction.description,
            check=check,
            skip_reason=reason,
        )
        for check in CHECKS
    ]


def _ordering(
    pact: Pact, members: list[tuple[Interaction, EventMessage]]
) -> dict[str, PlannedCheck]:
    """The ordering check of each interaction of one group."""
    if len(members) == 1:
        interaction, message = members[0]
        later = second_version(message, _body_rules(interaction, pact.spec))
        if later is None:
            reason = (
                "the message is alone in its group and its contract lets no number or boolean"
                " outside an identifier change (no type matcher), so two versions cannot differ"
            )
            return {
                interaction.description: PlannedCheck(
                    provider=pact.provider,
                    interaction=interaction.description,
                    check="event.ordering",
                    skip_reason=reason,
                )
            }
        first = msgspec.structs.replace(message, label="version 1")
        return {
            interaction.description: PlannedCheck(
                provider=pact.provider,
                interaction=interaction.description,
                check="event.ordering",
                messages=(first, later),
                out_of_order=(later, first),
                group=(interaction.description,),
            )
        }
    kept = members[:MAX_GROUP]
    ordered = tuple(
        msgspec.structs.replace(message, sequence=index, label=f"{message.interaction!r}")
        for index, (_, message) in enumerate(kept, start=1)
    )
    names = tuple(message.interaction for message in ordered)
    return {
        interaction.description: PlannedCheck(
            provider=pact.provider,
            interaction=interaction.description,
            check="event.ordering",
            messages=ordered,
            out_of_order=tuple(reversed(ordered)),
            group=names,
        )
        for interaction, _ in kept
    } | {
        interaction.description: PlannedCheck(
            provider=pact.provider,
            interaction=interaction.description,
            check="event.ordering",
            skip_reason=f"its group holds more than {MAX_GROUP} messages; the first are checked",
        )
        for interaction, _ in members[MAX_GROUP:]
    }


def plan_pact(pact: Pact, *, now: datetime.datetime, seed: int = 0) -> list[PlannedCheck]:
    """The checks of one pact's message interactions, in the pact's order (HTTP ones ignored)."""
    planned: dict[str, list[PlannedCheck]] = {}
    built: list[tuple[Interaction, EventMessage]] = []
    for interaction in pact.interactions:
        if interaction.kind == "http" or interaction.description in planned:
            continue
        if interaction.kind == "synchronous-message":
            reason = "a synchronous message is a request and its reply, not a delivered event"
            planned[interaction.description] = _skipped(pact, interaction, reason)
            continue
        try:
            message = build_message(pact, interaction, now=now, seed=seed)
        except GeneratorError as error:
            reason = f"a generator of the message cannot make a value: {error}"
            planned[interaction.description] = _skipped(pact, interaction, reason)
            continue
        built.append((interaction, message))
        rules = _body_rules(interaction, pact.spec)
        broken = malformed(message, rules)
        dead_letter = PlannedCheck(
            provider=pact.provider,
            interaction=interaction.description,
            check="event.dead-letter",
            messages=tuple(broken),
            skip_reason=""
            if broken
            else "the contents are not a JSON object with a field to remove or retype",
        )
        planned[interaction.description] = [
            PlannedCheck(
                provider=pact.provider,
                interaction=interaction.description,
                check=check,
                messages=(message,),
            )
            for check in ("event.format", "event.idempotency")
        ] + [dead_letter]
    groups: dict[tuple[str, str], list[tuple[Interaction, EventMessage]]] = {}
    for interaction, message in built:
        groups.setdefault(group_of(message), []).append((interaction, message))
    for members in groups.values():
        for description, check in _ordering(pact, members).items():
            checks = planned[description]
            checks.insert(2, check)
    return [check for checks in planned.values() for check in checks]


def plan(
    pacts: Sequence[Pact], *, now: datetime.datetime | None = None, seed: int = 0
) -> list[PlannedCheck]:
    """The checks of every pact's message interactions, pact by pact."""
    moment = now or datetime.datetime.now(datetime.UTC)
    return [check for pact in pacts for check in plan_pact(pact, now=moment, seed=seed)]
