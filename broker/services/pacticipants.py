"""Pacticipants: create, read, update, list, and label them."""

from __future__ import annotations

from typing import Protocol

import msgspec

from broker.domain.audit import state_hash
from broker.domain.errors import FieldError, InvalidInputError, NotFoundError
from broker.domain.model import Pacticipant, PacticipantChanges, Page
from broker.domain.names import check_name, name_problems
from broker.services.audit import audit, fields_hash
from broker.services.auth import ensure_may_change
from broker.services.clock import Clock, system_clock
from broker.services.races import find_or_insert
from broker.storage.interface import Pacticipants, Pacts, Storage, Versions


class _Roles(Pacticipants, Pacts, Versions, Protocol):
    """The storage roles this module's helpers use."""


class PacticipantDetails(msgspec.Struct, frozen=True, kw_only=True):
    """A pacticipant with what its resource shows beside it."""

    pacticipant: Pacticipant
    labels: list[str]
    latest_version_number: str | None


def check_changes(changes: PacticipantChanges) -> None:
    """Refuse a main branch with spaces or over-long attributes."""
    problems: list[FieldError] = []
    if isinstance(changes.main_branch, str):
        problems += name_problems(changes.main_branch, "/mainBranch", spaces=False)
    if problems:
        raise InvalidInputError("The pacticipant's attributes are not valid", problems)


async def require_pacticipant(tx: Pacticipants, name: str) -> Pacticipant:
    """The named pacticipant, or `NotFoundError`."""
    found = await tx.find_pacticipant(name)
    if found is None:
        raise NotFoundError(f"No pacticipant named {name!r} exists")
    return found


async def ensure_pacticipant(tx: Pacticipants, name: str, clock: Clock) -> Pacticipant:
    """The named pacticipant, created on the spot if new (publishing and tagging do this)."""
    check_name(name, "/pacticipant", "pacticipant name")
    pacticipant, _ = await find_or_insert(
        lambda: tx.find_pacticipant(name),
        lambda: tx.insert_pacticipant(name, PacticipantChanges(), clock()),
    )
    return pacticipant


class PacticipantService:
    """Pacticipant use cases."""

    def __init__(self, storage: Storage, clock: Clock = system_clock) -> None:
        self._storage = storage
        self._clock = clock

    async def _details(self, tx: _Roles, pacticipant: Pacticipant) -> PacticipantDetails:
        latest = await tx.latest_version(pacticipant.id)
        return PacticipantDetails(
            pacticipant=pacticipant,
            labels=await tx.labels_of(pacticipant.id),
            latest_version_number=latest.number if latest else None,
        )

    async def get(self, name: str) -> PacticipantDetails:
        """The named pacticipant."""
        async with self._storage.transaction() as tx:
            return await self._details(tx, await require_pacticipant(tx, name))

    async def create(self, name: str, changes: PacticipantChanges) -> PacticipantDetails:
        """A new pacticipant; `ConflictError` if the name is taken.

        The name comes in the body, so the permission table cannot check it: a team may own a
        name before it is published, and creating it is a write to that team's pacticipant.
        """
        check_name(name, "/name", "pacticipant name")
        check_changes(changes)
        async with self._storage.transaction() as tx:
            await ensure_may_change(tx, name)
            now = self._clock()
            created = await tx.insert_pacticipant(name, changes, now)
            await audit(
                tx,
                now,
                "pacticipant.create",
                f"pacticipant:{name}",
                None,
                fields_hash(created),
                name,
            )
            return await self._details(tx, created)

    async def update(
        self, name: str, changes: PacticipantChanges, *, create_if_missing: bool
    ) -> tuple[PacticipantDetails, bool]:
        """Apply `changes`; with `create_if_missing` a missing pacticipant is created.

        Returns:
            The pacticipant and whether it was created.
        """
        check_changes(changes)
        async with self._storage.transaction() as tx:
            if not create_if_missing:
                current = await require_pacticipant(tx, name)
            else:
                check_name(name, "/name", "pacticipant name")
                current, created = await find_or_insert(
                    lambda: tx.find_pacticipant(name),
                    lambda: tx.insert_pacticipant(name, changes, self._clock()),
                )
                if created:
                    after = fields_hash(current)
                    await audit(
                        tx,
                        current.created_at,
                        "pacticipant.create",
                        f"pacticipant:{name}",
                        None,
                        after,
                        name,
                    )
                    return await self._details(tx, current), True
            now = self._clock()
            updated = await tx.update_pacticipant(current, changes, now)
            before, after = fields_hash(current), fields_hash(updated)
            await audit(tx, now, "pacticipant.update", f"pacticipant:{name}", before, after, name)
            return await self._details(tx, updated), False

    async def list_pacticipants(self, page: Page) -> tuple[list[Pacticipant], int]:
        """Pacticipants ordered by name, and the total count."""
        async with self._storage.browse() as tx:
            return await tx.list_pacticipants(page)

    async def delete(self, name: str) -> None:
        """Remove a pacticipant and everything recorded about it."""
        async with self._storage.transaction() as tx:
            pacticipant = await require_pacticipant(tx, name)
            await tx.delete_pacticipant(pacticipant)
            before = fields_hash(pacticipant)
            await audit(
                tx, self._clock(), "pacticipant.delete", f"pacticipant:{name}", before, None, name
            )

    async def add_label(self, name: str, label: str) -> bool:
        """Label the pacticipant; True if the label is new."""
        problems = name_problems(label, "/label")
        if problems:
            raise InvalidInputError("The label is not valid", problems)
        async with self._storage.transaction() as tx:
            pacticipant = await require_pacticipant(tx, name)
            now = self._clock()
            added = await tx.add_label(pacticipant.id, label, now)
            if added:
                subject = f"label:{name}#{label}"
                await audit(tx, now, "label.add", subject, None, state_hash({"label": label}), name)
            return added

    async def has_label(self, name: str, label: str) -> bool:
        """Whether the pacticipant carries the label."""
        async with self._storage.transaction() as tx:
            pacticipant = await require_pacticipant(tx, name)
            return label in await tx.labels_of(pacticipant.id)

    async def labels(self, name: str) -> list[str]:
        """The labels a pacticipant carries, by name; `NotFoundError` if it does not exist."""
        async with self._storage.transaction() as tx:
            pacticipant = await require_pacticipant(tx, name)
            return await tx.labels_of(pacticipant.id)

    async def remove_label(self, name: str, label: str) -> None:
        """Remove a label; `NotFoundError` if the pacticipant did not carry it."""
        async with self._storage.transaction() as tx:
            pacticipant = await require_pacticipant(tx, name)
            if not await tx.remove_label(pacticipant.id, label):
                raise NotFoundError(f"Pacticipant {name!r} has no label {label!r}")
            before = state_hash({"label": label})
            await audit(
                tx, self._clock(), "label.remove", f"label:{name}#{label}", before, None, name
            )

    async def with_label(self, label: str) -> list[Pacticipant]:
        """Pacticipants carrying a label."""
        async with self._storage.browse() as tx:
            return await tx.pacticipants_with_label(label)
