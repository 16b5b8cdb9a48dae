"""`accord broker clean`: delete old versions and what only they hold, keeping what is needed.

A run plans first (reading each pacticipant's facts in its own short transaction and asking
`domain/retention.py::decide`), then deletes in bounded batches, each its own transaction, so
a clean of a large history never holds locks for long: versions (with their publications,
results, branch and tag rows), then the pact contents and OpenAPI documents no remaining
version holds (with their results and comparisons), then the webhook history past its
retention. A dry run walks the same batches and counts without deleting, so it reports what
the real run then deletes. A real run ends with one audit entry carrying the counts.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Sequence

import msgspec

from broker.domain.audit import state_hash
from broker.domain.retention import Counts, OutboxCounts, Policy, Reason, decide
from broker.services.audit import audit
from broker.services.clock import Clock, system_clock
from broker.storage.interface import Storage

BATCH_SIZE = 500


class CleanReport(msgspec.Struct, kw_only=True):
    """What a clean deleted (or, in a dry run, would delete), per pacticipant."""

    dry_run: bool
    policy: Policy
    versions_kept: dict[str, int]  # by the first reason found (`Reason`)
    by_pacticipant: dict[str, Counts]
    outbox: OutboxCounts

    @property
    def totals(self) -> Counts:
        """Every pacticipant's counts added up."""
        total = Counts()
        for counts in self.by_pacticipant.values():
            total.add(counts)
        return total

    def summary(self) -> str:
        """One line of counts, as the audit entry's subject holds it."""
        t, o = self.totals, self.outbox
        return (
            f"clean:versions={t.versions},pacts={t.pact_publications},"
            f"pact_contents={t.pact_versions},verifications={t.verifications},"
            f"other={t.others},webhook_events={o.webhook_events},"
            f"webhook_deliveries={o.webhook_deliveries},webhook_attempts={o.webhook_attempts}"
        )


class _Plan(msgspec.Struct, kw_only=True):
    names: dict[int, str]
    doomed: dict[int, list[int]]  # pacticipant id -> version ids, oldest first
    kept: Counter[str]


class RetentionService:
    """Plans and runs a clean."""

    def __init__(
        self, storage: Storage, clock: Clock = system_clock, *, batch_size: int = BATCH_SIZE
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._storage = storage
        self._clock = clock
        self._batch = batch_size

    async def clean(self, policy: Policy, *, dry_run: bool) -> CleanReport:
        """Delete (or count, in a dry run) what the policy does not keep."""
        plan = await self._plan(policy)
        report = CleanReport(
            dry_run=dry_run,
            policy=policy,
            versions_kept=dict(plan.kept),
            by_pacticipant={name: Counts() for name in plan.names.values()},
            outbox=OutboxCounts(),
        )
        delete = not dry_run
        try:
            # In a dry run nothing is gone yet, so what the real run will have deleted before
            # a step is left out of that step's counts by hand.
            gone = set() if delete else {i for ids in plan.doomed.values() for i in ids}
            gone_contents = await self._versions_then_contents(plan, report, gone, delete=delete)
            await self._documents(plan, report, gone, gone_contents, delete=delete)
            if policy.outbox_older_than is not None:
                await self._outbox(policy, report, delete=delete)
        except (Exception, asyncio.CancelledError):
            if delete:  # what was deleted before the failure is on record all the same
                with contextlib.suppress(Exception):
                    await self._audit(report, interrupted=True)
            raise
        report.by_pacticipant = {n: c for n, c in report.by_pacticipant.items() if c.total}
        if delete:
            await self._audit(report, interrupted=False)
        return report

    async def _plan(self, policy: Policy) -> _Plan:
        async with self._storage.transaction() as tx:
            pacticipants = await tx.retention_pacticipants()
        doomed: dict[int, list[int]] = {}
        kept: Counter[str] = Counter()
        for pacticipant_id, _ in pacticipants:
            async with self._storage.transaction() as tx:
                facts = await tx.version_facts(pacticipant_id)
            decision = decide(facts, policy)
            doomed[pacticipant_id] = decision.doomed
            kept.update(reason.value for reason in decision.kept.values())
        if not policy.keep_pending_status:
            return _Plan(names=dict(pacticipants), doomed=doomed, kept=kept)
        # The provider versions whose results pending status reads first, for the contents
        # the kept versions hold, stay too (with those results).
        all_doomed = {i for ids in doomed.values() for i in ids}
        kept_contents: set[int] = set()
        for pacticipant_id, _ in pacticipants:
            async with self._storage.transaction() as tx:
                held = await tx.held_contents(pacticipant_id)
            kept_contents.update(c for c, v in held if v not in all_doomed)
        async with self._storage.transaction() as tx:
            witnesses = await tx.first_success_versions(sorted(kept_contents)) & all_doomed
        if witnesses:
            for pacticipant_id, ids in doomed.items():
                doomed[pacticipant_id] = [i for i in ids if i not in witnesses]
            kept[Reason.PENDING_WITNESS.value] += len(witnesses)
        return _Plan(names=dict(pacticipants), doomed=doomed, kept=kept)

    def _batches(self, ids: Sequence[int]) -> list[Sequence[int]]:
        return [ids[start : start + self._batch] for start in range(0, len(ids), self._batch)]

    async def _versions_then_contents(
        self, plan: _Plan, report: CleanReport, gone: set[int], *, delete: bool
    ) -> set[int]:
        for pacticipant_id, name in plan.names.items():
            for batch in self._batches(plan.doomed[pacticipant_id]):
                async with self._storage.transaction() as tx:
                    counts = await tx.clean_versions(pacticipant_id, name, batch, delete=delete)
                report.by_pacticipant[name].add(counts)
        gone_contents: set[int] = set()
        for consumer_id, name in plan.names.items():
            async with self._storage.transaction() as tx:
                held = await tx.held_contents(consumer_id)
                contents = await tx.pact_contents_of(consumer_id)
            still_held = {c for c, v in held if v not in gone}
            doomed = [c for c in contents if c not in still_held]
            if not delete:
                gone_contents.update(doomed)
            for batch in self._batches(doomed):
                async with self._storage.transaction() as tx:
                    took = await tx.clean_pact_contents(batch, delete=delete)
                report.by_pacticipant[name].pact_versions += took.deleted
                report.by_pacticipant[name].comparisons += sum(n for _, n in took.comparisons)
                for provider_id, provider_version_id, n in took.results:
                    if provider_version_id not in gone:
                        report.by_pacticipant[plan.names[provider_id]].verifications += n
        return gone_contents

    async def _documents(
        self,
        plan: _Plan,
        report: CleanReport,
        gone: set[int],
        gone_contents: set[int],
        *,
        delete: bool,
    ) -> None:
        for provider_id, name in plan.names.items():
            async with self._storage.transaction() as tx:
                published = await tx.published_documents(provider_id)
                documents = await tx.documents_of(provider_id)
            still_published = {d for d, v in published if v not in gone}
            doomed = [d for d in documents if d not in still_published]
            for batch in self._batches(doomed):
                async with self._storage.transaction() as tx:
                    took = await tx.clean_documents(batch, delete=delete)
                report.by_pacticipant[name].provider_contracts += took.deleted
                report.by_pacticipant[name].comparisons += sum(
                    n for content, n in took.comparisons if content not in gone_contents
                )

    async def _outbox(self, policy: Policy, report: CleanReport, *, delete: bool) -> None:
        assert policy.outbox_older_than is not None
        after: int | None = 0
        while after is not None:
            async with self._storage.transaction() as tx:
                counts, after = await tx.clean_webhook_events(
                    policy.outbox_older_than, after, self._batch, delete=delete
                )
            report.outbox.add(counts)

    async def _audit(self, report: CleanReport, *, interrupted: bool) -> None:
        subject = report.summary() + (",interrupted" if interrupted else "")
        before = state_hash(msgspec.to_builtins(report.policy))
        after = state_hash(msgspec.to_builtins(report.by_pacticipant))
        async with self._storage.transaction() as tx:
            await audit(tx, self._clock(), "retention.clean", subject, before, after)
