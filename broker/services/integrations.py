"""Integrations: the consumer/provider pairs with pacts, their status badges, and clean-up.

Deleting an integration removes what the Pact Broker removes: the pair's pacts, their contents
and verification results, the webhooks naming exactly that consumer and provider, then the two
pacticipants' versions nothing names any more (no pact, no result, no provider contract), then
either pacticipant left with nothing. Deleting every
integration removes every pacticipant with all recorded about it (environments, teams, users
and the audit log stay).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Protocol

import msgspec

from broker.domain.audit import state_hash
from broker.domain.badges import PactStatus, pact_status
from broker.domain.model import Pacticipant, Verification
from broker.services.audit import audit
from broker.services.auth import ensure_may_change
from broker.services.clock import Clock, system_clock
from broker.services.pacticipants import require_pacticipant
from broker.storage.interface import (
    AuditLog,
    Auth,
    Integrations,
    Pacticipants,
    Pacts,
    Storage,
    Webhooks,
)

VerificationStatus = Literal["success", "failed", "never"]


class _Roles(AuditLog, Auth, Integrations, Pacticipants, Pacts, Webhooks, Protocol):
    """The storage roles this module's helpers use."""


class Integration(msgspec.Struct, frozen=True, kw_only=True):
    """A consumer/provider pair with the status of its latest pact."""

    consumer: str
    provider: str
    created_at: datetime
    verification_status: VerificationStatus
    last_activity: datetime  # the latest pact's or result's publication, for the order


class BadgeFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What a pact badge shows: whether the pact exists, and its status."""

    found: bool
    status: PactStatus


_NOT_FOUND = BadgeFacts(found=False, status="unknown")


class IntegrationService:
    """Listing and deleting integrations, and the pact and matrix badges."""

    def __init__(self, storage: Storage, clock: Clock = system_clock) -> None:
        self._storage = storage
        self._clock = clock

    async def pairs(self) -> list[tuple[str, str, datetime]]:
        """Every integration's consumer and provider names and when it began, in one query.

        By consumer name, then provider name; `list` adds each one's status and activity.
        """
        async with self._storage.browse() as tx:
            return [
                (row.consumer_name, row.provider_name, row.created_at)
                for row in await tx.list_integrations()
            ]

    async def list(self) -> list[Integration]:
        """Every integration, the most recently active first (as the Pact Broker orders them)."""
        async with self._storage.browse() as tx:
            found = []
            for row in await tx.list_integrations():
                latest = await tx.latest_publication(row.consumer_id, row.provider_id)
                status: VerificationStatus = "never"
                activity = row.created_at
                if latest is not None:
                    activity = max(activity, latest.created_at)
                    result = await tx.latest_verification(latest.pact_version_id)
                    if result is not None:
                        status = "success" if result.success else "failed"
                        activity = max(activity, result.created_at)
                found.append(
                    Integration(
                        consumer=row.consumer_name,
                        provider=row.provider_name,
                        created_at=row.created_at,
                        verification_status=status,
                        last_activity=activity,
                    )
                )
        return sorted(found, key=lambda i: i.last_activity, reverse=True)

    async def delete(self, provider_name: str, consumer_name: str) -> None:
        """Remove an integration; the caller must be let change both pacticipants.

        The route checks the consumer's owners; the provider's are checked here.
        """
        async with self._storage.transaction() as tx:
            consumer = await require_pacticipant(tx, consumer_name)
            provider = await require_pacticipant(tx, provider_name)
            await ensure_may_change(tx, provider.name)
            await _delete_pair(tx, consumer, provider)
            subject = f"integration:{consumer.name}->{provider.name}"
            before = state_hash({"consumer": consumer.name, "provider": provider.name})
            await audit(
                tx,
                self._clock(),
                "integration.delete",
                subject,
                before,
                None,
                consumer.name,
                provider.name,
            )

    async def delete_all(self) -> int:
        """Remove every pacticipant and all recorded about it; how many there were."""
        async with self._storage.transaction() as tx:
            count = await tx.delete_all_pacticipants()
            before = state_hash({"pacticipants": count})
            await audit(tx, self._clock(), "integration.delete-all", "integrations", before, None)
            return count

    async def pact_badge(
        self,
        provider_name: str,
        consumer_name: str,
        *,
        tag: str | None = None,
        untagged: bool = False,
    ) -> BadgeFacts:
        """The status of the latest pact (with a tag, or untagged); never raises for names."""
        async with self._storage.browse() as tx:
            consumer = await tx.find_pacticipant(consumer_name)
            provider = await tx.find_pacticipant(provider_name)
            if consumer is None or provider is None:
                return _NOT_FOUND
            latest = await tx.latest_publication(
                consumer.id, provider.id, tag=tag, untagged=untagged
            )
            if latest is None:
                return _NOT_FOUND
            result = await tx.latest_integration_result(
                consumer.id, provider.id, tag=tag, untagged=untagged
            )
            return _facts(latest.pact_version_id, result)

    async def matrix_badge(
        self, provider_name: str, provider_tag: str, consumer_name: str, consumer_tag: str
    ) -> BadgeFacts:
        """The latest pact with `consumer_tag`, as verified by provider versions with a tag."""
        async with self._storage.browse() as tx:
            consumer = await tx.find_pacticipant(consumer_name)
            provider = await tx.find_pacticipant(provider_name)
            if consumer is None or provider is None:
                return _NOT_FOUND
            latest = await tx.latest_publication(consumer.id, provider.id, tag=consumer_tag)
            if latest is None:
                return _NOT_FOUND
            result = await tx.latest_integration_result(
                consumer.id, provider.id, tag=consumer_tag, provider_tag=provider_tag
            )
            return _facts(latest.pact_version_id, result)


def _facts(latest_pact_version_id: int, result: Verification | None) -> BadgeFacts:
    if result is None:
        return BadgeFacts(found=True, status="unknown")
    same = result.pact_version_id == latest_pact_version_id
    return BadgeFacts(found=True, status=pact_status(result.success, of_latest_content=same))


async def _delete_pair(tx: _Roles, consumer: Pacticipant, provider: Pacticipant) -> None:
    await tx.delete_integration(consumer.id, provider.id)
    await tx.delete_webhooks_of_integration(consumer.id, provider.id)
    await tx.delete_orphan_versions([consumer.id, provider.id])
    await tx.delete_pacticipant_if_orphan(consumer.id)
    if provider.id != consumer.id:
        await tx.delete_pacticipant_if_orphan(provider.id)
