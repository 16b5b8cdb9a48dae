"""What a verification found, as data: per interaction, per pact, and for the whole run.

A failed interaction is a result with findings, not an exception. A finding says where (path),
what was expected and what came; its `source` names the check that made it (`pact` for the
consumer's expectations; other checks, such as an OpenAPI validation, add their own), so a
report groups them and the verdict counts them alike. The verdicts here are pure: the run
passes when every interaction that is not pending passed. An interaction that was not verified
(`skipped`: no producer for a message, a provider state nothing sets up when states are
required) is not a pass: it fails the run and its pact's published result, with its reason.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import msgspec

from verifier._matching.mismatch import Mismatch
from verifier._matching.values import JSONValue
from verifier._pact import ProviderState

Status: TypeAlias = Literal["passed", "failed", "error", "skipped"]


class Finding(msgspec.Struct, frozen=True, kw_only=True):
    """One way the provider's behaviour differs from what a check expects.

    Attributes:
        source: The check that found it: `pact` (matching), or another check's name.
        kind: The part that differs: `status`, `header`, `body`… (a `MismatchKind` for pacts).
        path: Where: `$.body.items[0].id`, a header name, `status`.
        expected: What was expected (a value, or the rule's description).
        actual: What came.
        description: One sentence naming all of the above.
    """

    source: str
    kind: str
    path: str
    expected: JSONValue
    actual: JSONValue
    description: str

    @classmethod
    def from_mismatch(cls, mismatch: Mismatch) -> Finding:
        """The finding of a pact matching mismatch."""
        return cls(
            source="pact",
            kind=mismatch.kind,
            path=mismatch.path,
            expected=mismatch.expected,
            actual=mismatch.actual,
            description=mismatch.description,
        )


class InteractionResult(msgspec.Struct, frozen=True, kw_only=True):
    """The verdict on one interaction.

    Attributes:
        description: The interaction's description.
        status: `passed`; `failed` when there are findings; `error` when it could not be
            verified (provider unreachable, state setup failed); `skipped` when it was not
            verified at all (a message without a producer, a required provider state nothing
            sets up): never a pass.
        findings: The differences found, in the order of the request's parts.
        error: Why it could not be verified, for `error` and `skipped`.
        provider_states: The states set up before it.
        interaction_id: The broker's `_id` of the interaction, if any.
        is_pending: Whether its failure leaves the run's verdict alone (pending pact or
            V4 pending interaction).
        notes: Warnings, such as a provider state value the setup did not return.
        curl: A command line that sends the request that was sent.
        duration: Seconds spent on it, state setup and teardown included.
    """

    description: str
    status: Status
    findings: tuple[Finding, ...] = ()
    error: str | None = None
    provider_states: tuple[ProviderState, ...] = ()
    interaction_id: str | None = None
    is_pending: bool = False
    notes: tuple[str, ...] = ()
    curl: str | None = None
    duration: float = 0.0

    @property
    def is_ok(self) -> bool:
        """Whether it passed: verified, with nothing found (a skipped one did not pass)."""
        return self.status == "passed"


class PactResult(msgspec.Struct, frozen=True, kw_only=True):
    """The verdicts on one pact's interactions.

    Attributes:
        consumer: The consumer's name.
        provider: The provider's name.
        source: Where the pact came from: a file path or a URL.
        short_description: Why the broker selected it, when it came from one.
        is_pending: The broker said the pact is pending for this provider version.
        is_wip: The broker included it as work in progress.
        notices: What the broker said about it before verification (why it was selected).
        interactions: One result per interaction, in the pact's order.
        published: The URL of the verification result the broker stored, once published.
        publish_error: Why the broker did not take the result, when it refused it.
    """

    consumer: str
    provider: str
    source: str
    interactions: tuple[InteractionResult, ...]
    short_description: str | None = None
    is_pending: bool = False
    is_wip: bool = False
    notices: tuple[str, ...] = ()
    published: str | None = None
    publish_error: str | None = None

    @property
    def is_success(self) -> bool:
        """Whether every interaction was verified and passed: the result to publish."""
        return all(result.is_ok for result in self.interactions)

    def is_pending_for(self, result: InteractionResult) -> bool:
        """Whether `result`'s failure leaves the run alone (pending pact or interaction, WIP)."""
        return self.is_pending or self.is_wip or result.is_pending

    @property
    def is_blocking_failure(self) -> bool:
        """Whether an interaction that is not pending failed: this fails the run."""
        return any(
            not result.is_ok and not self.is_pending_for(result) for result in self.interactions
        )


class VerificationResult(msgspec.Struct, frozen=True, kw_only=True):
    """The whole run: every pact's result, and the verdict.

    Attributes:
        provider: The provider's name.
        pacts: One result per pact, in the order of the sources.
        duration: Seconds the run took.
        notes: What the run says about itself, such as why no result was published.
    """

    provider: str
    pacts: tuple[PactResult, ...]
    duration: float = 0.0
    notes: tuple[str, ...] = ()

    @property
    def is_success(self) -> bool:
        """Whether every interaction not pending was verified and passed (the exit code)."""
        return not any(pact.is_blocking_failure for pact in self.pacts)

    @property
    def publish_errors(self) -> list[str]:
        """Why results were not published, one sentence per refused pact."""
        return [pact.publish_error for pact in self.pacts if pact.publish_error]

    def count(self, status: Status, *, pending: bool | None = None) -> int:
        """How many interactions have `status`; only pending or not when `pending` is given."""
        return sum(
            1
            for pact in self.pacts
            for result in pact.interactions
            if result.status == status
            and (pending is None or pact.is_pending_for(result) == pending)
        )
