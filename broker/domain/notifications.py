"""Consumer notifications: what a consumer is told when its provider's contract changes.

When a provider publishes an OpenAPI document that differs from its previous one, every
consumer with a pact against it hears of every change, each marked with the consumer's
interactions that use the changed part (none for a change it does not use). Pure rules: the
service gathers the changes and stores what `notification_for` says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

import msgspec

BREAKING = "ERR"  # oasdiff's level of a change that breaks clients


class ContractChange(Protocol):
    """One change of a provider's document, as the diff reports it."""

    @property
    def id(self) -> str:
        """The oasdiff-style change id (`response-property-removed`…)."""
        ...

    @property
    def level(self) -> str:
        """ERR, WARN or INFO."""
        ...

    @property
    def operation(self) -> str:
        """`GET /users/{id}`, or "" for a change of the whole API."""
        ...

    @property
    def location(self) -> str:
        """Where in the document the change is."""
        ...

    @property
    def text(self) -> str:
        """The change in one sentence."""
        ...

    @property
    def interactions(self) -> Mapping[str, Sequence[str]]:
        """For each consumer it touches, the descriptions of the interactions that touch it."""
        ...


class NotifiedChange(msgspec.Struct, frozen=True, kw_only=True):
    """A change as one consumer hears of it: with its own interactions the change affects."""

    id: str
    level: str
    operation: str
    location: str
    text: str
    interactions: tuple[str, ...] = ()


class NotificationDraft(msgspec.Struct, frozen=True, kw_only=True):
    """What a notification says, before it is stored."""

    consumer: str
    provider: str
    provider_version: str
    summary: str
    changes: tuple[NotifiedChange, ...]


class Notification(msgspec.Struct, frozen=True, kw_only=True):
    """A stored notification; `change_request_id` links it to a change request when one opened."""

    id: int
    consumer: str
    provider: str
    provider_version: str
    created_at: datetime
    summary: str
    changes: tuple[NotifiedChange, ...]
    change_request_id: int | None = None

    @property
    def affected_interactions(self) -> tuple[str, ...]:
        """The consumer's interactions any change affects, each once, in order of appearance."""
        return affected_interactions(self.changes)


def notifies(has_previous_document: bool, changes: Sequence[ContractChange]) -> bool:
    """Whether a publication notifies consumers: it changed a previous document.

    A provider's first document changes nothing for anyone, and republishing the same content
    (an empty diff) neither.
    """
    return has_previous_document and bool(changes)


def notification_for(
    consumer: str, provider: str, provider_version: str, changes: Sequence[ContractChange]
) -> NotificationDraft:
    """What `consumer` is told of the changes `provider_version` of `provider` made.

    Every change is listed, each with the consumer's interactions it affects (none when the
    consumer does not use the changed part): a consumer hears of a change before it uses it.
    """
    notified = tuple(
        NotifiedChange(
            id=change.id,
            level=change.level,
            operation=change.operation,
            location=change.location,
            text=change.text,
            interactions=tuple(change.interactions.get(consumer, ())),
        )
        for change in changes
    )
    return NotificationDraft(
        consumer=consumer,
        provider=provider,
        provider_version=provider_version,
        summary=summary(consumer, provider, provider_version, notified),
        changes=notified,
    )


def summary(
    consumer: str, provider: str, provider_version: str, changes: Sequence[NotifiedChange]
) -> str:
    """One sentence: how many changes, how many breaking, and what they do to the consumer.

    Examples:
        "Version 2 of Orders changed its OpenAPI document: 3 changes, 1 breaking; the breaking
        change affects 2 interactions of Web."
    """
    breaking = [c for c in changes if c.level == BREAKING]
    made = f"Version {provider_version} of {provider} changed its OpenAPI document: " + (
        f"{_count(len(changes), 'change')}, {len(breaking) or 'none'} breaking"
    )
    affected = affected_interactions(changes)
    if not affected:
        return f"{made}; no interaction of {consumer} uses what changed."
    broken = affected_interactions(breaking)
    if broken:
        which = "the breaking change affects" if len(breaking) == 1 else "breaking changes affect"
        return f"{made}; {which} {_count(len(broken), 'interaction')} of {consumer}."
    return (
        f"{made}; {_count(len(affected), 'interaction')} of {consumer}"
        f" {'uses' if len(affected) == 1 else 'use'} what changed, none broken."
    )


def affected_interactions(changes: Sequence[NotifiedChange]) -> tuple[str, ...]:
    """The interactions the changes affect, each once, in order of appearance."""
    return tuple(dict.fromkeys(i for change in changes for i in change.interactions))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
