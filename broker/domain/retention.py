"""Retention (`accord broker clean`): which versions to keep, as pure rules over stored facts.

A version is kept when any of these holds; every other version may be deleted, with what only
it holds (its pacts, the results it published, its branch and tag rows):

- **always**: it is deployed (not undeployed) or released (support not ended) in an
  environment; it is named by an open change request; it is the newest version of its
  pacticipant, or the newest carrying some tag (what `latest` and tag targets select); it is the
  consumer version of an integration's latest pact (so a provider keeps seeing that consumer);
- **by policy**: it is among the newest `keep_latest_per_branch` versions added to one of its
  branches (at least 1, so every branch head, the main branch's included, stays); it was
  created at or after `keep_newer_than`.

Pact contents, verification results and provider contracts are not chosen here: the storage
deletes a content or a document once no kept version holds it, and a result goes with its
provider version or its content. The service adds the provider versions whose results keep
pending status as it was (`RetentionService`), see ARCHITECTURE.md, "Retention".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

import msgspec

from broker.domain.errors import FieldError, InvalidInputError


class Reason(StrEnum):
    """Why a version is kept (the first reason found is reported)."""

    DEPLOYED = "deployed"
    RELEASED = "released"
    CHANGE_REQUEST = "open change request"
    LATEST = "latest version"
    LATEST_WITH_TAG = "latest with a tag"
    INTEGRATION = "latest pact of an integration"
    BRANCH = "latest on a branch"
    NEWER = "newer than the cutoff"
    PENDING_WITNESS = "keeps pending status"


class Policy(msgspec.Struct, frozen=True, kw_only=True):
    """What an operator chose to keep, on top of what is always kept."""

    keep_latest_per_branch: int = 10
    keep_newer_than: datetime | None = None
    # Also keep the provider versions whose results pending status reads first (see
    # `RetentionService`); False lets pending status of old contents change, for less kept.
    keep_pending_status: bool = True
    # Webhook events (with their deliveries and attempts) older than this, and no longer
    # pending or running, are deleted; None keeps them all.
    outbox_older_than: datetime | None = None


class VersionFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What the rules read of one pacticipant's versions."""

    versions: list[tuple[int, str, datetime]]  # (id, number, created_at), by id
    # (branch id, version id, seq): each membership of a version in a branch.
    memberships: list[tuple[int, int, int]]
    tags: list[tuple[str, int]]  # (tag name, version id)
    deployed: frozenset[int]  # version ids currently deployed somewhere
    released: frozenset[int]  # version ids released and still supported somewhere
    change_request_numbers: frozenset[str]  # version numbers named by open change requests
    integration_heads: frozenset[int]  # consumer version ids of integrations' latest pacts


class Decision(msgspec.Struct, frozen=True, kw_only=True):
    """The versions of one pacticipant to keep (with why) and to delete, by id."""

    kept: dict[int, Reason]
    doomed: list[int]


def decide(facts: VersionFacts, policy: Policy) -> Decision:
    """Which of the pacticipant's versions the policy keeps, and which it lets go."""
    if policy.keep_latest_per_branch < 1:
        raise ValueError("keep_latest_per_branch must be at least 1")
    kept: dict[int, Reason] = {}

    def keep(ids: Iterable[int], reason: Reason) -> None:
        for version_id in ids:
            kept.setdefault(version_id, reason)

    keep(sorted(facts.deployed), Reason.DEPLOYED)
    keep(sorted(facts.released), Reason.RELEASED)
    keep(
        (i for i, number, _ in facts.versions if number in facts.change_request_numbers),
        Reason.CHANGE_REQUEST,
    )
    if facts.versions:
        keep([max(i for i, _, _ in facts.versions)], Reason.LATEST)
    newest_with_tag: dict[str, int] = {}
    for name, version_id in facts.tags:
        newest_with_tag[name] = max(version_id, newest_with_tag.get(name, version_id))
    keep(sorted(newest_with_tag.values()), Reason.LATEST_WITH_TAG)
    keep(sorted(facts.integration_heads), Reason.INTEGRATION)
    keep(_latest_per_branch(facts.memberships, policy.keep_latest_per_branch), Reason.BRANCH)
    if policy.keep_newer_than is not None:
        cutoff = policy.keep_newer_than
        keep((i for i, _, created in facts.versions if created >= cutoff), Reason.NEWER)
    doomed = [i for i, _, _ in facts.versions if i not in kept]
    return Decision(kept=kept, doomed=doomed)


def _latest_per_branch(memberships: list[tuple[int, int, int]], n: int) -> list[int]:
    """The versions among the `n` added last to each branch (a branch's head is added last)."""
    by_branch: dict[int, list[tuple[int, int]]] = {}
    for branch_id, version_id, seq in memberships:
        by_branch.setdefault(branch_id, []).append((seq, version_id))
    latest: list[int] = []
    for added in by_branch.values():
        added.sort(reverse=True)
        latest += [version_id for _, version_id in added[:n]]
    return latest


class Counts(msgspec.Struct, kw_only=True):
    """Rows a clean deletes (or would), for one pacticipant or in all."""

    versions: int = 0
    pact_publications: int = 0  # which pact a consumer version held with a provider
    pact_versions: int = 0  # distinct pact contents no kept version holds
    verifications: int = 0
    branch_versions: int = 0
    tags: int = 0
    deployments: int = 0  # records of past deployments (undeployed) of deleted versions
    releases: int = 0  # records of past releases (support ended) of deleted versions
    provider_contract_publications: int = 0
    provider_contracts: int = 0  # distinct OpenAPI documents no kept version published
    comparisons: int = 0
    notifications: int = 0
    publish_warnings: int = 0

    def add(self, other: Counts) -> None:
        """Add another count to this one, field by field."""
        for name in self.__struct_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def others(self) -> int:
        """Every row that is not a version, a pact or a verification result."""
        main = self.versions + self.pact_publications + self.pact_versions + self.verifications
        return self.total - main

    @property
    def total(self) -> int:
        """Every row counted."""
        return sum(getattr(self, name) for name in self.__struct_fields__)


class OutboxCounts(msgspec.Struct, kw_only=True):
    """Webhook history deleted: events, with their deliveries and their attempts."""

    webhook_events: int = 0
    webhook_deliveries: int = 0
    webhook_attempts: int = 0

    def add(self, other: OutboxCounts) -> None:
        """Add another count to this one."""
        self.webhook_events += other.webhook_events
        self.webhook_deliveries += other.webhook_deliveries
        self.webhook_attempts += other.webhook_attempts


_AGE = re.compile(r"(?P<amount>[0-9]{1,6})(?P<unit>[hdw])")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def parse_moment(text: str, now: datetime, pointer: str) -> datetime:
    """A cutoff: an age before `now` (`90d`, `12w`, `36h`) or an ISO 8601 date or time.

    A date means its midnight UTC; a time without an offset is UTC. Anything else is an
    `InvalidInputError` naming the field.
    """
    text = text.strip()
    age = _AGE.fullmatch(text)
    if age:
        return now - int(age["amount"]) * _UNITS[age["unit"]]
    try:
        if len(text) == len("2026-01-31"):
            return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(
            "The retention cutoff is not valid",
            [
                FieldError(
                    pointer,
                    f"{text!r} is neither an age such as 90d, 12w or 36h"
                    " nor an ISO 8601 date such as 2026-01-31",
                )
            ],
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
