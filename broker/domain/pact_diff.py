"""What changed between two versions of a pact: interactions added, removed and changed.

Interactions are matched across the versions by their V4 `key` when both versions carry the
same one, and otherwise by type, description and provider states: the Pact Broker's own notion
of "the same interaction" (pact-broker-api §5.2, merging). Matching only by the V4 `key` would
not do: the Rust and JVM implementations compute it as a hash over the whole interaction, so any
change to an interaction gives it a new key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import msgspec

from broker.domain.errors import FieldError, InvalidInputError
from broker.domain.model import JSONValue
from broker.domain.pacts import Interaction, InteractionType, PactDocument, read_pact

_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_NOUNS: dict[InteractionType, str] = {
    "Synchronous/HTTP": "interaction",
    "Asynchronous/Messages": "message",
    "Synchronous/Messages": "synchronous message",
}
_IGNORED = ("_id", "key")  # broker- and tool-added, as in `canonical_sha`


class InteractionSummary(msgspec.Struct, frozen=True, kw_only=True):
    """An interaction as a diff names it."""

    description: str
    type: InteractionType
    provider_states: tuple[str, ...]
    index: int


class ChangedInteraction(msgspec.Struct, frozen=True, kw_only=True):
    """An interaction present in both versions with different content.

    Attributes:
        paths: each changed place inside the interaction, as `response.body.items[0].id`;
            a member present on one side only is named by its own path.
    """

    description: str
    type: InteractionType
    provider_states: tuple[str, ...]
    old_index: int
    new_index: int
    paths: tuple[str, ...]


class PactDiff(msgspec.Struct, frozen=True, kw_only=True):
    """The structural difference between two versions of a pact."""

    added: tuple[InteractionSummary, ...] = ()
    removed: tuple[InteractionSummary, ...] = ()
    changed: tuple[ChangedInteraction, ...] = ()
    unchanged: int = 0
    specification: tuple[str, str] | None = None  # (old, new) when the major version differs

    @property
    def is_empty(self) -> bool:
        """Whether the two versions have the same interactions and specification version."""
        return not (self.added or self.removed or self.changed or self.specification)


def diff_pacts(old_document: JSONValue, new_document: JSONValue) -> PactDiff:
    """Compare two decoded pacts, interaction by interaction.

    Args:
        old_document: the earlier version, as decoded JSON.
        new_document: the later version.

    Returns:
        The interactions added, removed and changed, in document order.

    Raises:
        InvalidInputError: either document cannot be read as a pact.
    """
    old, new = _read(old_document), _read(new_document)
    pairs, removed, added = _match(old.interactions, new.interactions)
    changed = []
    for before, after in pairs:
        old_content, new_content = _content(old, before), _content(new, after)
        if _encoded(old_content) == _encoded(new_content):
            continue  # the common case, decided in C
        paths = tuple(_changed_paths(old_content, new_content, ""))
        if paths:
            changed.append(
                ChangedInteraction(
                    description=after.description,
                    type=after.type,
                    provider_states=_state_names(after),
                    old_index=before.index,
                    new_index=after.index,
                    paths=paths,
                )
            )
    specification = None
    if old.specification != new.specification:
        specification = (old.specification, new.specification)
    return PactDiff(
        added=tuple(_summary(i) for i in added),
        removed=tuple(_summary(i) for i in removed),
        changed=tuple(changed),
        unchanged=len(pairs) - len(changed),
        specification=specification,
    )


def render_text(diff: PactDiff, *, max_paths: int = 20) -> str:
    """A readable summary, one line per interaction, `-` removed, `+` added, `~` changed.

    Args:
        diff: what `diff_pacts` found.
        max_paths: how many changed paths to name per interaction before "and N more".

    Returns:
        Lines ending in a count of each kind, e.g.::

            - interaction 'a request for a user' (given user 1 exists)
            + interaction 'a request for users'
            ~ interaction 'a request to create a user' changed: response.status
            1 removed, 1 added, 1 changed, 4 unchanged
    """
    lines = []
    if diff.specification is not None:
        old, new = diff.specification
        lines.append(f"~ specification version {old} -> {new}")
    lines += [f"- {_title(i.type, i.description, i.provider_states)}" for i in diff.removed]
    lines += [f"+ {_title(i.type, i.description, i.provider_states)}" for i in diff.added]
    for change in diff.changed:
        named = ", ".join(change.paths[:max_paths])
        more = len(change.paths) - max_paths
        if more > 0:
            named += f" and {more} more"
        title = _title(change.type, change.description, change.provider_states)
        lines.append(f"~ {title} changed: {named}")
    lines.append(
        f"{len(diff.removed)} removed, {len(diff.added)} added, {len(diff.changed)} changed, "
        f"{diff.unchanged} unchanged"
    )
    return "\n".join(lines)


def _read(document: JSONValue) -> PactDocument:
    if not isinstance(document, dict):
        raise InvalidInputError(
            "The pact is not a JSON object", [FieldError("", "must be a JSON object")]
        )
    return read_pact(document)


def _match(
    old: Sequence[Interaction], new: Sequence[Interaction]
) -> tuple[list[tuple[Interaction, Interaction]], list[Interaction], list[Interaction]]:
    """Pair interactions by key, then by identity, each in document order.

    Returns:
        The pairs (in the new document's order), the unpaired old and the unpaired new ones.
    """
    pairs: dict[int, tuple[Interaction, Interaction]] = {}  # by position in `new`
    left = dict(enumerate(old))
    for attribute in ("key", "identity"):
        waiting: dict[str, list[int]] = {}
        for position, interaction in left.items():
            waiting.setdefault(getattr(interaction, attribute), []).append(position)
        for position, interaction in enumerate(new):
            candidates = waiting.get(getattr(interaction, attribute))
            if position not in pairs and candidates:
                pairs[position] = (left.pop(candidates.pop(0)), interaction)
    added = [i for position, i in enumerate(new) if position not in pairs]
    return [pairs[p] for p in sorted(pairs)], list(left.values()), added


def _content(pact: PactDocument, interaction: Interaction) -> JSONValue:
    items = pact.document[interaction.section]
    assert isinstance(items, list)  # read_pact found the interaction there
    item = items[interaction.index]
    if isinstance(item, dict):
        return {k: v for k, v in item.items() if k not in _IGNORED}
    return item


def _encoded(value: JSONValue) -> bytes:
    return msgspec.json.encode(value, order="sorted")


def _changed_paths(old: JSONValue, new: JSONValue, path: str) -> Iterator[str]:
    """Every place where `old` and `new` differ, as paths below `path`."""
    if isinstance(old, dict) and isinstance(new, dict):
        for name in [*old, *(k for k in new if k not in old)]:
            below = f"{path}.{name}" if _PLAIN_KEY.match(name) else f"{path}[{name!r}]"
            if name not in old or name not in new:
                yield below.removeprefix(".")
            else:
                yield from _changed_paths(old[name], new[name], below)
    elif isinstance(old, list) and isinstance(new, list):
        for index in range(max(len(old), len(new))):
            below = f"{path}[{index}]"
            if index >= len(old) or index >= len(new):
                yield below.removeprefix(".")
            else:
                yield from _changed_paths(old[index], new[index], below)
    elif type(old) is not type(new) or old != new:
        # `type` keeps `true` apart from `1`, and `1` apart from `1.0` (a matcher may care).
        yield path.removeprefix(".") or "(whole interaction)"


def _state_names(interaction: Interaction) -> tuple[str, ...]:
    return tuple(
        f"{s.name} {msgspec.json.encode(s.params, order='sorted').decode()}" if s.params else s.name
        for s in interaction.provider_states
    )


def _summary(interaction: Interaction) -> InteractionSummary:
    return InteractionSummary(
        description=interaction.description,
        type=interaction.type,
        provider_states=_state_names(interaction),
        index=interaction.index,
    )


def _title(kind: InteractionType, description: str, states: tuple[str, ...]) -> str:
    given = f" (given {', '.join(states)})" if states else ""
    return f"{_NOUNS[kind]} {description!r}{given}"
