"""Can-i-deploy as a pure function: facts about pairs of versions in, a `Decision` out.

The rules are those of the Pact Broker's matrix (pact-broker-api §12.2), with the fixes for its
reported pitfalls (§16): every version of the other side that is live in the target is checked,
not only the newest, and nothing is truncated.

How the storage layer feeds `decide`:

1. Resolve the version being asked about (by number, branch head, latest with a tag…) into a
   `Candidate`. If the selector matches no version, pass `exists=False`; the answer is "no".
2. Find the integrations of that version:

   * as a consumer: every provider its version published a pact with (the pact belongs to
     *that* consumer version, through its pact publication);
   * as a provider: every consumer that has a pact with this provider.

3. For each integration, list the versions of the other side that are live in the `Target`:
   for an environment, every version currently deployed (any application instance) or released
   and still supported there, possibly several; for a tag, the latest version with that tag;
   for the main branch, its head; for "latest", the latest version.
4. Give one `Pairing` per (consumer version, provider version) found this way:

   * `pact_sha`: the content sha of the pact that consumer version published for that provider,
     or None if it published none (a pairing without a pact is not an integration, and
     storage may leave it out);
   * `verification`: the newest verification of that pact content by that provider version
     (`latestby=cvpv`), or None. Match on the content (pact version), not on the publication,
     so a result for identical content published by another consumer version counts, as in the
     Pact Broker;
   * `provider_version_created_automatically`: the provider version exists only because the
     broker made it (record-deployment, a tag or a branch for an unknown version);
   * `is_pending` and `is_wip`: the pact's status for that provider version's branch (§7.5,
     §7.6). They change only the wording: a failure is a failure.

   A consumer's provider with no live version in the target gives one `Pairing` with
   `provider_version=None` (or nothing at all): the consumer may deploy first, and a notice says
   so. Give every pairing; `decide` never drops or truncates any.
5. Pass the `ignore[]` selectors as `IgnoreSelector` values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import msgspec

from broker.domain.errors import Notice

# "versions": no target; the matrix between the versions the query names.
TargetKind = Literal["environment", "tag", "main_branch", "latest", "versions"]
RowStatus = Literal["success", "failed", "unknown"]


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    """The version a pipeline asks about; `exists` is False when its selector matched none."""

    pacticipant: str
    version: str
    exists: bool = True


class Target(msgspec.Struct, frozen=True, kw_only=True):
    """Where the candidate would go: an environment, a tag, the main branch or "latest".

    `name` is the environment or tag name; it is None for `main_branch` and `latest`.
    """

    kind: TargetKind
    name: str | None = None

    def versions_of(self, pacticipant: str) -> str:
        """The versions of `pacticipant` this target selects, as a phrase for a sentence."""
        if self.kind == "environment":
            return f"version of {pacticipant} currently in {self.name}"
        if self.kind == "tag":
            return f"version of {pacticipant} with tag {self.name}"
        if self.kind == "main_branch":
            return f"version of {pacticipant} on its main branch"
        return f"version of {pacticipant}"


class Verified(msgspec.Struct, frozen=True, kw_only=True):
    """The newest verification result of a pact content by one provider version.

    `kind` is "CDCT" for a result the provider's verifier published after replaying the pact,
    "BDCT" for a bi-directional one: the pact compared with the OpenAPI document the provider
    version published, with the provider's own tests (`id` is then the comparison's, and
    `problem` says what failed).
    """

    id: int
    success: bool
    kind: Literal["CDCT", "BDCT"] = "CDCT"
    problem: str | None = None


class Pairing(msgspec.Struct, frozen=True, kw_only=True):
    """What storage knows about one consumer version and one provider version.

    `provider_version` is None when the consumer's provider has no version live in the target.
    """

    consumer: str
    consumer_version: str
    provider: str
    provider_version: str | None
    pact_sha: str | None
    verification: Verified | None = None
    provider_version_created_automatically: bool = False
    is_pending: bool = False
    is_wip: bool = False
    unverified_because: str | None = None  # why a missing verification is missing, if known


class IgnoreSelector(msgspec.Struct, frozen=True, kw_only=True):
    """`ignore[][pacticipant]` with an optional `ignore[][version]` (None: every version)."""

    pacticipant: str
    version: str | None = None

    def matches(self, pacticipant: str, version: str) -> bool:
        """Whether this selector names that version of that pacticipant."""
        return self.pacticipant == pacticipant and self.version in {None, version}


class Row(msgspec.Struct, frozen=True, kw_only=True):
    """One line of the matrix: a pact between two versions and its verification, judged."""

    consumer: str
    consumer_version: str
    provider: str
    provider_version: str
    pact_sha: str
    verification: Verified | None
    status: RowStatus
    is_ignored: bool
    reason: str


class Decision(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to can-i-deploy, shaped like the matrix `summary`, rows and `notices`.

    `deployable` is None when it is unknown (a verification is missing); the CLIs exit 1
    unless it is True. The counts leave ignored rows out; `ignored` counts them.
    """

    deployable: bool | None
    reason: str
    rows: list[Row]
    success: int
    failed: int
    unknown: int
    ignored: int
    notices: list[Notice]


def decide(
    candidate: Candidate,
    target: Target,
    pairings: Iterable[Pairing],
    ignore: Sequence[IgnoreSelector] = (),
) -> Decision:
    """Whether the candidate version can be deployed to the target (pact-broker-api §12.2).

    A row fails when its verification failed, pending or WIP alike (pending spares only the
    provider's build), and is unknown when the pact has no verification by that provider
    version. A pact of the candidate whose provider has no version in the target is unknown
    too (deploy the provider first, or ignore it). The decision is "no" when the candidate does
    not exist or a row failed, unknown when a row is unknown, and "yes" otherwise, including
    when there is no integration at all.

    Args:
        candidate: the version asked about.
        target: where it would be deployed; it only shapes the sentences here, since storage
            has already chosen the live versions of the other side.
        pairings: every pairing of the candidate with a live version of the other side.
        ignore: pacticipants (or single versions of them) whose rows do not count.

    Returns:
        The decision, with every row and one notice per row that is not a success.
    """
    notices = _target_warnings(target, candidate, ignore)
    if not candidate.exists:
        reason = f"The version {candidate.version} of {candidate.pacticipant} does not exist"
        notices.insert(0, Notice("error", reason))
        return Decision(
            deployable=False,
            reason=reason,
            rows=[],
            success=0,
            failed=0,
            unknown=0,
            ignored=0,
            notices=notices,
        )

    rows: list[Row] = []
    seen: set[tuple[str, str, str, str]] = set()
    missing = 0  # required integrations whose provider has no version in the target
    for pairing in pairings:
        if pairing.pact_sha is None:
            continue  # no pact between these versions: not an integration
        if pairing.provider_version is None:
            # The candidate's pact needs a provider in the target: without one it is unknown
            # (§12.2.6), unless that provider is ignored.
            sentence = _not_live(pairing, target)
            if any(s.pacticipant == pairing.provider and s.version is None for s in ignore):
                notices.append(Notice("info", f"Ignoring: {sentence}"))
            else:
                missing += 1
                notices.append(Notice("error", sentence))
            continue
        key = (
            pairing.consumer,
            pairing.consumer_version,
            pairing.provider,
            pairing.provider_version,
        )
        if key in seen:
            continue  # one version deployed as several application instances counts once
        seen.add(key)
        row = _judge(pairing, pairing.provider_version, pairing.pact_sha, candidate, ignore)
        rows.append(row)
        if row.status != "success":
            notices.append(
                Notice("info", f"Ignoring: {row.reason}")
                if row.is_ignored
                else Notice("error", row.reason)
            )

    considered = [row for row in rows if not row.is_ignored]
    success = sum(row.status == "success" for row in considered)
    failed = sum(row.status == "failed" for row in considered)
    unknown = sum(row.status == "unknown" for row in considered) + missing
    deployable: bool | None = False if failed else (None if unknown else True)
    reason = _summary(deployable, failed, unknown, has_rows=bool(considered or missing))
    notices.insert(0, Notice("success" if deployable else "error", reason))
    return Decision(
        deployable=deployable,
        reason=reason,
        rows=rows,
        success=success,
        failed=failed,
        unknown=unknown,
        ignored=len(rows) - len(considered),
        notices=notices,
    )


def _judge(
    pairing: Pairing,
    provider_version: str,
    pact_sha: str,
    candidate: Candidate,
    ignore: Sequence[IgnoreSelector],
) -> Row:
    versions = (
        f"the version {pairing.consumer_version} of {pairing.consumer} "
        f"and the version {provider_version} of {pairing.provider}"
    )
    status: RowStatus
    if pairing.verification is None:
        status = "unknown"
        reason = f"There is no verified pact between {versions}"
        if pairing.unverified_because:
            reason += f": {pairing.unverified_because}"
        if pairing.provider_version_created_automatically:
            # The broker made this provider version (record-deployment of an unknown number,
            # a tag…); it has never verified anything, so it cannot count as a success.
            reason += (
                f": the version {provider_version} of {pairing.provider} was created by the "
                "broker and has no verification results"
            )
    elif pairing.verification.success:
        status = "success"
        reason = f"The verification for the pact between {versions} passed"
    elif pairing.verification.kind == "BDCT":
        status = "failed"
        reason = (
            f"The pact between {versions} does not fit the OpenAPI document the provider"
            f" published: {pairing.verification.problem}"
        )
    else:
        status = "failed"
        reason = f"The verification for the pact between {versions} failed"
        # Pending and WIP spare the provider's build, never the deployment (§7.5, §7.6).
        if pairing.is_wip:
            reason += " (it was a work in progress pact, which spares only the provider's build)"
        elif pairing.is_pending:
            reason += " (the pact is pending, which spares only the provider's build)"
    other, other_version = (
        (pairing.provider, provider_version)
        if pairing.consumer == candidate.pacticipant
        else (pairing.consumer, pairing.consumer_version)
    )
    return Row(
        consumer=pairing.consumer,
        consumer_version=pairing.consumer_version,
        provider=pairing.provider,
        provider_version=provider_version,
        pact_sha=pact_sha,
        verification=pairing.verification,
        status=status,
        is_ignored=any(s.matches(other, other_version) for s in ignore),
        reason=reason,
    )


def _not_live(pairing: Pairing, target: Target) -> str:
    return (
        f"There is no verified pact between the version {pairing.consumer_version} of "
        f"{pairing.consumer} and a {target.versions_of(pairing.provider)}: there is no such "
        f"version of {pairing.provider} yet"
    )


def _target_warnings(
    target: Target, candidate: Candidate, ignore: Sequence[IgnoreSelector]
) -> list[Notice]:
    notices: list[Notice] = []
    if target.kind in {"tag", "latest"}:
        notices.append(
            Notice(
                "warning",
                "WARN: It is recommended to specify the environment into which you are "
                "deploying, so that every version running there is checked",
            )
        )
    notices.extend(
        Notice(
            "warning",
            f"WARN: Cannot ignore {s.pacticipant}: it is the pacticipant being deployed",
        )
        for s in ignore
        if s.pacticipant == candidate.pacticipant
    )
    return notices


def _summary(deployable: bool | None, failed: int, unknown: int, *, has_rows: bool) -> str:
    if deployable:
        if has_rows:
            return "All required verification results are published and successful"
        return "There are no missing dependencies"
    parts = []
    if failed:
        parts.append(f"{failed} verification{'s' if failed > 1 else ''} failed")
    if unknown:
        parts.append(f"{unknown} verification result{'s are' if unknown > 1 else ' is'} missing")
    return " and ".join(parts)  # starts with a count, so there is nothing to capitalise
