"""Verification results: what a provider version found when it verified some pact content.

A result belongs to the pact *content* (the pact version), so it counts for every consumer
version that published the same content (pact-broker-api §8). Publishing a result creates the
provider version if it is new.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from urllib.parse import urlsplit

import msgspec

from broker.domain.errors import FieldError, InvalidInputError, NotFoundError
from broker.domain.model import Pacticipant, PactVersion, Verification, Version
from broker.domain.names import check_name
from broker.domain.pact_metadata import is_wip_metadata
from broker.services.audit import audit, fields_hash
from broker.services.clock import Clock, system_clock
from broker.services.doorbell import Doorbell
from broker.services.pacticipants import require_pacticipant
from broker.services.versions import ensure_version, require_version
from broker.services.webhook_events import Events
from broker.services.webhook_triggers import verification_events
from broker.storage.interface import Pacticipants, Pacts, Storage, Versions


class _Roles(Pacticipants, Pacts, Versions, Protocol):
    """The storage roles this module's helpers use."""


class ResultToPublish(msgspec.Struct, frozen=True, kw_only=True):
    """A verifier's report, as JSON texts where the shape is the verifier's own."""

    success: bool
    provider_version: str
    build_url: str | None = None
    test_results: str | None = None
    verified_by: str | None = None
    metadata: str | None = None


class VerificationDetails(msgspec.Struct, frozen=True, kw_only=True):
    """A result with the pacticipants, provider version and pact content it joins."""

    verification: Verification
    consumer: Pacticipant
    provider: Pacticipant
    provider_version: Version
    pact_version: PactVersion


class VerificationService:
    """Publishing and reading verification results."""

    def __init__(
        self, storage: Storage, clock: Clock = system_clock, *, doorbell: Doorbell | None = None
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._doorbell = doorbell

    async def _content(
        self, tx: _Roles, provider_name: str, consumer_name: str, sha: str
    ) -> tuple[Pacticipant, Pacticipant, PactVersion]:
        provider = await require_pacticipant(tx, provider_name)
        consumer = await require_pacticipant(tx, consumer_name)
        content = await tx.find_pact_version(consumer.id, provider.id, sha)
        if content is None:
            raise NotFoundError(
                f"No pact between {consumer.name} and {provider.name} with content {sha}"
            )
        return consumer, provider, content

    async def _details(self, tx: _Roles, verification: Verification) -> VerificationDetails:
        consumer = await tx.find_pacticipant_by_id(verification.consumer_id)
        provider = await tx.find_pacticipant_by_id(verification.provider_id)
        version = await tx.find_version_by_id(verification.provider_version_id)
        content = await tx.find_pact_version_by_id(verification.pact_version_id)
        assert consumer and provider and version and content, "kept by foreign keys"
        return VerificationDetails(
            verification=verification,
            consumer=consumer,
            provider=provider,
            provider_version=version,
            pact_version=content,
        )

    async def publish(
        self, provider_name: str, consumer_name: str, sha: str, result: ResultToPublish
    ) -> VerificationDetails:
        """Store a result for the pact content `sha`; creates the provider version if new."""
        check_name(result.provider_version, "/providerApplicationVersion", "provider version")
        if result.build_url is not None and not _is_http_url(result.build_url):
            raise InvalidInputError(
                "The build URL is not valid", [FieldError("/buildUrl", "must be an http(s) URL")]
            )
        async with self._storage.transaction() as tx:
            consumer, provider, content = await self._content(tx, provider_name, consumer_name, sha)
            version, _ = await ensure_version(tx, provider, result.provider_version, self._clock)
            stored = await tx.insert_verification(
                Verification(
                    id=0,
                    pact_version_id=content.id,
                    consumer_id=consumer.id,
                    provider_id=provider.id,
                    provider_version_id=version.id,
                    success=result.success,
                    build_url=result.build_url,
                    test_results=result.test_results,
                    verified_by=result.verified_by,
                    metadata=result.metadata,
                    wip=is_wip_metadata(result.metadata),
                    created_at=self._clock(),
                )
            )
            subject = f"verification:{consumer.name}->{provider.name}#{sha}@{version.number}"
            after, names = fields_hash(stored), (consumer.name, provider.name)
            await audit(tx, stored.created_at, "verification.publish", subject, None, after, *names)
            events = Events(tx, stored.created_at)
            await verification_events(tx, events, consumer, provider, content, version, stored)
            await events.flush()
        events.ring(self._doorbell)
        return VerificationDetails(
            verification=stored,
            consumer=consumer,
            provider=provider,
            provider_version=version,
            pact_version=content,
        )

    async def get(
        self, provider_name: str, consumer_name: str, sha: str, number: int
    ) -> VerificationDetails:
        """A result of the pact content by its number."""
        async with self._storage.transaction() as tx:
            _, _, content = await self._content(tx, provider_name, consumer_name, sha)
            found = await tx.find_verification(number)
            if found is None or found.pact_version_id != content.id:
                raise NotFoundError(f"No verification result {number} for pact content {sha}")
            return await self._details(tx, found)

    async def latest(self, provider_name: str, consumer_name: str, sha: str) -> VerificationDetails:
        """The newest result of the pact content."""
        async with self._storage.transaction() as tx:
            _, _, content = await self._content(tx, provider_name, consumer_name, sha)
            found = await tx.latest_verification(content.id)
            if found is None:
                raise NotFoundError(f"The pact content {sha} has no verification results yet")
            return await self._details(tx, found)

    async def latest_of_contents(
        self, pact_version_ids: Sequence[int]
    ) -> dict[int, tuple[Verification, Version]]:
        """The newest result of each pact content, with the provider version that made it.

        Keyed by pact content id; a content nobody verified yet is left out. Two queries for
        them all (the home page asks for every integration's latest pact at once).
        """
        async with self._storage.browse() as tx:
            latest = {
                v.pact_version_id: v
                for v in await tx.latest_verifications(sorted(set(pact_version_ids)))
            }
            versions = {
                v.id: v
                for v in await tx.versions_by_ids(
                    sorted({v.provider_version_id for v in latest.values()})
                )
            }
        return {key: (found, versions[found.provider_version_id]) for key, found in latest.items()}

    async def of_pact(
        self, provider_name: str, consumer_name: str, sha: str
    ) -> list[VerificationDetails]:
        """Every result of the pact content, newest first."""
        async with self._storage.browse() as tx:
            _, _, content = await self._content(tx, provider_name, consumer_name, sha)
            return [
                await self._details(tx, v)
                for v in await tx.verifications_of_pact_version(content.id)
            ]

    async def latest_for_consumer_version(
        self, consumer_name: str, number: str
    ) -> tuple[list[VerificationDetails], list[Pacticipant]]:
        """The newest result of each pact a consumer version published.

        Also the providers of its pacts that no one has verified yet.
        """
        async with self._storage.transaction() as tx:
            consumer = await require_pacticipant(tx, consumer_name)
            version = await require_version(tx, consumer, number)
            results, unverified = [], []
            for publication in await tx.publications_of_consumer_version(version.id):
                found = await tx.latest_verification(publication.pact_version_id)
                if found is not None:
                    results.append(await self._details(tx, found))
                    continue
                provider = await tx.find_pacticipant_by_id(publication.provider_id)
                assert provider is not None, "kept by foreign keys"
                unverified.append(provider)
            return results, unverified

    async def of_provider_version(
        self, pacticipant_name: str, number: str
    ) -> list[VerificationDetails]:
        """Every result a provider version published, newest first."""
        async with self._storage.browse() as tx:
            provider = await require_pacticipant(tx, pacticipant_name)
            version = await require_version(tx, provider, number)
            return [
                await self._details(tx, v)
                for v in await tx.verifications_of_provider_version(version.id)
            ]


def _is_http_url(url: str) -> bool:
    """An http(s) URL with a host; `urlsplit` raises on an unbalanced `[` or `]`."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.netloc)
