"""Updating a row that another transaction deleted is NotFoundError on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broker.domain.errors import NotFoundError
from broker.domain.model import DeployedVersion, Environment, PacticipantChanges, ReleasedVersion
from broker.storage.interface import Storage

NOW = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


async def test_updates_of_deleted_rows_are_not_found(storage: Storage) -> None:
    async with storage.transaction() as tx:
        pacticipant = await tx.insert_pacticipant("A", PacticipantChanges(), NOW)
        version = await tx.insert_version(pacticipant.id, "1", None, NOW)
        environment = await tx.insert_environment(
            Environment(
                uuid="e1",
                name="test",
                display_name="Test",
                production=False,
                created_at=NOW,
                updated_at=NOW,
            )
        )
        deployed = await tx.insert_deployed_version(
            DeployedVersion(
                uuid="d1",
                version_id=version.id,
                pacticipant_id=pacticipant.id,
                environment_id="e1",
                application_instance=None,
                created_at=NOW,
            )
        )
        released = await tx.insert_released_version(
            ReleasedVersion(
                uuid="r1",
                version_id=version.id,
                pacticipant_id=pacticipant.id,
                environment_id="e1",
                created_at=NOW,
            )
        )
        await tx.delete_pacticipant(pacticipant)
        await tx.delete_environment(environment)
    async with storage.transaction() as tx:
        with pytest.raises(NotFoundError):
            await tx.update_pacticipant(pacticipant, PacticipantChanges(display_name="x"), NOW)
        with pytest.raises(NotFoundError):
            await tx.update_version(version, "https://ci", NOW)
        with pytest.raises(NotFoundError):
            await tx.update_environment(environment)
        with pytest.raises(NotFoundError):
            await tx.mark_undeployed(deployed, NOW)
        with pytest.raises(NotFoundError):
            await tx.set_support_ended(released, NOW)
