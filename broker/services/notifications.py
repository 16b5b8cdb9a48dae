"""Consumer notifications: made when a provider publishes a changed contract, and read back.

`notify_consumers` runs inside the publication's transaction, so the notifications commit with
the document or not at all. It is the same in every mode; in enterprise mode the caller passes
the change request the document opened.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from broker.domain.errors import Notice
from broker.domain.model import Pacticipant, Page, ProviderContract, Version
from broker.domain.notifications import Notification, notification_for, notifies
from broker.services.pacticipants import require_pacticipant
from broker.services.spec_changes import SpecChanges
from broker.storage.interface import Contracts, Notifications, Pacticipants, Pacts, Storage


class _Roles(Contracts, Notifications, Pacticipants, Pacts, Protocol):
    """The storage roles this module's helpers use."""


async def notify_consumers(
    tx: _Roles,
    provider: Pacticipant,
    version: Version,
    changes: SpecChanges,
    now: datetime,
    *,
    replaced: ProviderContract | None = None,
    change_request_id: int | None = None,
) -> list[Notification]:
    """Tell each consumer with a latest pact against `provider` what `version` changed.

    Call it once `version`'s document is saved, with `changes` from `changes_since_previous`.
    Nobody hears of a provider's first document, nor of one whose diff from the previous is
    empty, nor of the document in effect published again: by the next provider build (a new
    version) or by the same version (`replaced`: what the version held before). The
    notifications come back in consumer name order.
    """
    if not notifies(changes.base_version is not None, changes.changes):
        return []
    if not await _changes_the_contract(tx, provider, version, replaced):
        return []
    consumers: dict[str, Pacticipant] = {}
    for latest in await tx.latest_publications(provider.id):
        consumer = await tx.find_pacticipant_by_id(latest.consumer_id)
        assert consumer is not None, "kept by foreign keys"
        consumers[consumer.name] = consumer
    made = []
    for name in sorted(consumers):
        draft = notification_for(name, provider.name, version.number, changes.changes)
        made.append(
            await tx.insert_notification(
                consumer_id=consumers[name].id,
                provider_id=provider.id,
                provider_version=version.number,
                summary=draft.summary,
                changes=draft.changes,
                change_request_id=change_request_id,
                now=now,
            )
        )
    return made


async def _changes_the_contract(
    tx: _Roles, provider: Pacticipant, version: Version, replaced: ProviderContract | None
) -> bool:
    """Whether the version's document differs from the provider's document just before it."""
    mine = await tx.find_contract_publication(version.id)
    assert mine is not None, "the version published a document"
    before = (
        replaced.id
        if replaced is not None
        else await tx.contract_published_before(provider.id, mine.id)
    )
    return before is not None and before != mine.contract_version_id


def notified_notices(notified: list[Notification]) -> list[Notice]:
    """The publication's notice of whom it notified; none when it notified nobody."""
    if not notified:
        return []
    names = ", ".join(n.consumer for n in notified)
    count = "1 consumer" if len(notified) == 1 else f"{len(notified)} consumers"
    return [Notice("info", f"Notified {count} of the change to the contract: {names}")]


class NotificationService:
    """Reading a consumer's notifications."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def list_notifications(
        self, pacticipant_name: str, page: Page
    ) -> tuple[Pacticipant, list[Notification], int]:
        """One page of the pacticipant's notifications, newest first; `NotFoundError` if unknown."""
        async with self._storage.browse() as tx:
            pacticipant = await require_pacticipant(tx, pacticipant_name)
            items, total = await tx.list_notifications(pacticipant.id, page)
            return pacticipant, items, total

    async def list_team_notifications(
        self, teams: tuple[str, ...] | None, page: Page
    ) -> tuple[list[Notification], int]:
        """One page of the notifications to the consumers `teams` own, newest first.

        None: every consumer's (for a caller who belongs to no team).
        """
        async with self._storage.browse() as tx:
            return await tx.list_team_notifications(teams, page)
