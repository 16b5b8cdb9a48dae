"""Governance rules: modes, change requests, who must approve them, and what approving does.

Pure values and functions; `broker.services.governance` gathers the facts (modes, owners,
policies, what is approved) and stores the outcome.

- A pacticipant's **mode** says when its contract changes take effect: at once (`greenfield`),
  at once but flagged when they drop or alter what is verified today (`brownfield-polish`), or
  only once approved (`brownfield-enterprise`).
- In enterprise mode, content that differs from every approved content of its subject (a
  consumer's pact with one provider, or a provider's OpenAPI document) opens a **change
  request**, bound to that content's hash.
- A request lists its **requirements**: groups of teams, each needing approvals from `needed`
  distinct teams of the group (or, for a group with no teams, from `needed` approvers of any
  team). By default a consumer's change needs one member of the provider's teams, and a
  provider's change one member of each consumer's teams; a pacticipant's policy replaces the
  default with one group ("N of these M teams").
- Counting approvals, holds and deciding a request are in `broker.domain.approvals`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum

import msgspec

from broker.domain.errors import (
    FieldError,
    InvalidInputError,
    Notice,
)
from broker.domain.matrix import Decision


class Mode(StrEnum):
    """When a pacticipant's contract changes take effect."""

    GREENFIELD = "greenfield"
    POLISH = "brownfield-polish"
    ENTERPRISE = "brownfield-enterprise"


MODES = tuple(mode.value for mode in Mode)


class Kind(StrEnum):
    """What a change request changes."""

    PACT = "pact"  # a consumer's pact with one provider
    PROVIDER_CONTRACT = "provider-contract"  # a provider's OpenAPI document


class Status(StrEnum):
    """Where a change request stands."""

    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"
    OVERRIDDEN = "overridden"  # an admin let the content take effect without approval


STATUSES = tuple(status.value for status in Status)
DECIDED = (Status.APPROVED, Status.REJECTED, Status.SUPERSEDED, Status.OVERRIDDEN)
"""The statuses a change request ends in: it no longer waits for anyone."""


def parse_mode(text: object, pointer: str = "/mode") -> Mode:
    """The mode named by `text`, or `InvalidInputError` naming the field."""
    if isinstance(text, str) and text in MODES:
        return Mode(text)
    raise InvalidInputError(
        "The mode is not valid",
        [FieldError(pointer, f"must be one of {', '.join(MODES)}, not {text!r}")],
    )


def parse_status(text: str, pointer: str = "/status") -> Status:
    """The status named by `text`, or `InvalidInputError` naming the field."""
    if text in STATUSES:
        return Status(text)
    raise InvalidInputError(
        "The status is not valid",
        [FieldError(pointer, f"must be one of {', '.join(STATUSES)}, not {text!r}")],
    )


class Requirement(msgspec.Struct, frozen=True, kw_only=True):
    """Approvals from `needed` distinct teams among `teams` (any approvers when no teams)."""

    name: str  # whom the group speaks for: a pacticipant, or "the policy of P"
    teams: tuple[str, ...]
    needed: int = 1


class Approval(msgspec.Struct, frozen=True, kw_only=True):
    """One person's sign-off, with the teams they belonged to when they gave it.

    `requirement` and `team` say what it counts for (`team` None for a requirement without
    teams); both are None for an approval given before approvals were counted once.
    """

    approver: str
    teams: tuple[str, ...]
    at: datetime
    requirement: str | None = None
    team: str | None = None


class Affected(msgspec.Struct, frozen=True, kw_only=True):
    """A pacticipant on the other side of a change, and its interactions the change touches."""

    pacticipant: str
    interactions: tuple[str, ...] = ()


class Policy(msgspec.Struct, frozen=True, kw_only=True):
    """A pacticipant's own approval rule: `required` of `teams` must approve its changes."""

    pacticipant: str
    teams: tuple[str, ...]
    required: int


class ChangeRequest(msgspec.Struct, frozen=True, kw_only=True):
    """A contract change and its sign-off."""

    id: int
    kind: Kind
    pacticipant: str  # whose contract changed: the consumer of a pact, or the provider
    provider: str | None  # the pact's provider; None for a provider contract
    content_sha: str
    base_sha: str | None  # the last approved content, the diff's left side
    author: str
    status: Status
    requirements: tuple[Requirement, ...]
    affected: tuple[Affected, ...]
    created_at: datetime
    approvals: tuple[Approval, ...] = ()
    versions: tuple[str, ...] = ()
    decided_at: datetime | None = None
    decided_by: str | None = None
    rejection_reason: str | None = None
    superseded_by: int | None = None
    override_reason: str | None = None

    @property
    def subject(self) -> str:
        """What changed, in words: "the pact of Web with Orders", "the contract of Orders"."""
        if self.kind is Kind.PACT:
            return f"the pact of {self.pacticipant} with {self.provider}"
        return f"the provider contract of {self.pacticipant}"


class Unapproved(msgspec.Struct, frozen=True, kw_only=True):
    """Content a version published that is not in effect for its subject."""

    kind: Kind
    pacticipant: str
    provider: str | None
    sha: str


class NewRequest(msgspec.Struct, frozen=True, kw_only=True):
    """What storage needs to open a change request (it assigns the id)."""

    kind: Kind
    pacticipant: str
    provider: str | None
    content_sha: str
    base_sha: str | None
    author: str
    requirements: tuple[Requirement, ...]
    affected: tuple[Affected, ...]
    created_at: datetime
    version: str


# Rules


def needs_request(mode: Mode, *, approved: bool) -> bool:
    """Whether publishing content opens (or joins) a change request: unapproved, in enterprise.

    Content once approved (or published outside enterprise mode) stays in effect.
    """
    return mode is Mode.ENTERPRISE and not approved


def requirements_for(
    policy: Policy | None, owners: Mapping[str, frozenset[str]]
) -> tuple[Requirement, ...]:
    """Who must approve a change: one member of each counterpart's teams, or the policy.

    Args:
        policy: the changing pacticipant's own policy; it replaces the default.
        owners: each counterpart's owning teams (an empty set: no team owns it), in order: a
            pact change's provider, or the consumers with pacts against a changed provider.
    """
    if policy is not None:
        return (
            Requirement(
                name=f"the policy of {policy.pacticipant}",
                teams=policy.teams,
                needed=policy.required,
            ),
        )
    if not owners:
        # A provider contract with no consumer yet: any approver signs it off.
        return (Requirement(name="any approver", teams=()),)
    return tuple(
        Requirement(name=name, teams=tuple(sorted(teams))) for name, teams in owners.items()
    )


def check_policy(teams: Sequence[str], required: object) -> None:
    """A policy must name teams and need between one and all of them."""
    problems = []
    if not teams:
        problems.append(FieldError("/teams", "must name at least one team"))
    elif len(set(teams)) != len(teams):
        problems.append(FieldError("/teams", "must not name a team twice"))
    if not isinstance(required, int) or isinstance(required, bool):
        problems.append(FieldError("/required", "must be a whole number"))
    elif teams and not 1 <= required <= len(teams):
        problems.append(
            FieldError("/required", f"must be between 1 and {len(teams)}, the number of teams")
        )
    if problems:
        raise InvalidInputError("The approval policy is not valid", problems)


def governed(decision: Decision, holds: Sequence[str], warnings: Sequence[str]) -> Decision:
    """can-i-deploy's decision once governance has spoken.

    A hold (an unapproved change of a selected version) makes the answer no, whatever the
    verifications say, and becomes the reason; warnings (brownfield-polish) only add notices.
    """
    if not holds and not warnings:
        return decision
    notices = [Notice("warning", text) for text in warnings]
    if not holds:
        return msgspec.structs.replace(decision, notices=[*decision.notices, *notices])
    held = [Notice("error", text) for text in holds]
    others = [n for n in decision.notices if n.text != decision.reason]
    reason = " ".join(h if h.endswith(".") else f"{h}." for h in holds)
    return msgspec.structs.replace(
        decision,
        deployable=False,
        reason=reason,
        notices=[Notice("error", reason), *held, *others, *notices]
        if len(holds) > 1
        else [*held, *others, *notices],
    )
