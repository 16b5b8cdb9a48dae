"""Running planned event checks against a consumer, and judging what it does.

What each check asks (see `verifier.events.plan` for the messages):

- `event.format`: from a reset, the message is acknowledged (and, with dead letters, not put
  there).
- `event.idempotency`: from a reset, the message is acknowledged, the state read, the same
  message (same id and sequence) acknowledged again; the state must be what it was after the
  first delivery.
- `event.ordering`: from a reset, the group in order (each acknowledged), the state read; from
  a reset again, the group out of order. Passed when the two end states are equal, or when each
  stale message (one whose sequence number is below one already delivered) left the state as
  it was (refused or ignored). A broken delivery fails.
- `event.dead-letter`: for each malformed message, from a reset: refused (a 4xx, a
  `MessageRejected`, or acknowledged and counted in the dead letters) and the state unchanged.
  A broken delivery (5xx, a crash) or an accepted one fails, and so does a changed state.

Idempotency, ordering and dead-letter read the state: without one they are skipped; ordering
also needs a reset. Without a reset the others compare the state before and after, from
whatever state the consumer is in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import msgspec

from verifier._errors import VerifierError
from verifier._matching.values import JSONValue
from verifier.events.consumers import ConsumerError, Delivered, EventConsumer
from verifier.events.plan import EventMessage, PlannedCheck

Outcome = Literal["passed", "failed", "skipped"]
_SHOWN = 300


class EventResult(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome of one check of one message, as `accord event-check --output json` prints it."""

    provider: str
    interaction: str
    check: str
    outcome: Outcome
    expected: str
    actual: str
    detail: str
    deliveries: int = 0


class _Failed(VerifierError):
    """The check failed; `actual` and `detail` say how."""

    def __init__(self, actual: str, detail: str) -> None:
        super().__init__(detail)
        self.actual = actual
        self.detail = detail


def shown(state: JSONValue) -> str:
    """A state as short JSON text for a report."""
    try:
        text = msgspec.json.encode(state).decode()
    except (TypeError, msgspec.EncodeError):
        text = repr(state)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


class EventChecker:
    """Delivers the planned messages to a consumer and judges what it does."""

    def __init__(self, consumer: EventConsumer) -> None:
        self.consumer = consumer
        self._deliveries = 0
        self._groups: dict[tuple[str, tuple[str, ...]], tuple[Outcome, str, str, int]] = {}

    def run(self, planned: list[PlannedCheck]) -> list[EventResult]:
        """The result of each planned check, in the plan's order."""
        return [self.run_check(check) for check in planned]

    def run_check(self, check: PlannedCheck) -> EventResult:
        """Run one planned check (an ordering group runs once for all its interactions)."""
        reason = check.skip_reason or self._missing(check.check)
        if reason:
            return self._result(check, "skipped", "", reason, 0)
        if check.check == "event.ordering":
            key = (check.provider, check.group)
            if key not in self._groups:
                self._groups[key] = self._judged(check, self._ordering)
            outcome, actual, detail, count = self._groups[key]
            return self._result(check, outcome, actual, detail, count)
        judge = {
            "event.format": self._format,
            "event.idempotency": self._idempotency,
            "event.dead-letter": self._dead_letter,
        }[check.check]
        outcome, actual, detail, count = self._judged(check, judge)
        return self._result(check, outcome, actual, detail, count)

    def _missing(self, check: str) -> str:
        if check == "event.format":
            return ""
        if not self.consumer.has_state:
            return "no state endpoint was given, so the state cannot be compared"
        if check == "event.ordering" and not self.consumer.has_reset:
            return "no reset endpoint was given, so both orders cannot start from one state"
        return ""

    def _judged(
        self, check: PlannedCheck, judge: Callable[[PlannedCheck], tuple[str, str]]
    ) -> tuple[Outcome, str, str, int]:
        self._deliveries = 0
        try:
            actual, detail = judge(check)
        except _Failed as failed:
            return "failed", failed.actual, failed.detail, self._deliveries
        except ConsumerError as error:
            return "failed", "consumer unreadable", str(error), self._deliveries
        return "passed", actual, detail, self._deliveries

    def _result(
        self, check: PlannedCheck, outcome: Outcome, actual: str, detail: str, count: int
    ) -> EventResult:
        if outcome == "failed":
            detail = f"{check.interaction} {check.check}: {detail}"
        return EventResult(
            provider=check.provider,
            interaction=check.interaction,
            check=check.check,
            outcome=outcome,
            expected=check.expected,
            actual=actual,
            detail=detail,
            deliveries=count,
        )

    def _deliver(self, message: EventMessage) -> Delivered:
        self._deliveries += 1
        return self.consumer.deliver(message)

    def _reset(self) -> None:
        if self.consumer.has_reset:
            self.consumer.reset()

    def _letters(self) -> int | None:
        return self.consumer.dead_letters() if self.consumer.has_dead_letters else None

    def _format(self, check: PlannedCheck) -> tuple[str, str]:
        message = check.messages[0]
        self._reset()
        before = self._letters()
        delivered = self._deliver(message)
        if delivered.verdict != "acknowledged":
            raise _Failed(
                delivered.verdict,
                f"the message as the contract gives it was {delivered.verdict}: {delivered.detail}",
            )
        after = self._letters()
        if before is not None and after is not None and after > before:
            raise _Failed(
                "dead-lettered",
                "the message as the contract gives it was acknowledged but put in the dead letters",
            )
        return "acknowledged", delivered.detail

    def _idempotency(self, check: PlannedCheck) -> tuple[str, str]:
        message = check.messages[0]
        self._reset()
        first = self._deliver(message)
        if first.verdict != "acknowledged":
            raise _Failed(
                f"first delivery {first.verdict}",
                f"the first delivery was {first.verdict}: {first.detail}",
            )
        once = self.consumer.snapshot()
        again = self._deliver(message)
        if again.verdict != "acknowledged":
            raise _Failed(
                f"duplicate {again.verdict}",
                f"the duplicate (message id {message.message_id}) was {again.verdict}:"
                f" {again.detail}; at-least-once delivery redelivers, so a duplicate must be"
                " acknowledged",
            )
        twice = self.consumer.snapshot()
        if twice != once:
            raise _Failed(
                "state changed by the duplicate",
                f"the duplicate (message id {message.message_id}) changed the state from"
                f" {shown(once)} to {shown(twice)}",
            )
        return (
            "duplicate acknowledged, state unchanged",
            f"message id {message.message_id} delivered twice",
        )

    def _run_order(
        self, messages: tuple[EventMessage, ...], *, judge_stale: bool
    ) -> tuple[JSONValue, list[str]]:
        """Deliver from a reset; the end state and the stale messages that changed the state."""
        self.consumer.reset()
        highest = 0
        changed: list[str] = []
        for message in messages:
            is_stale = judge_stale and message.sequence < highest
            before = self.consumer.snapshot() if is_stale else None
            delivered = self._deliver(message)
            order = "out of order" if judge_stale else "in order"
            if delivered.verdict == "broken":
                raise _Failed(
                    "broken",
                    f"{order}, {message.label} (sequence {message.sequence}) {delivered.detail}",
                )
            if not judge_stale and delivered.verdict != "acknowledged":
                raise _Failed(
                    f"in order, {delivered.verdict}",
                    f"in order, {message.label} (sequence {message.sequence}) was"
                    f" {delivered.verdict}: {delivered.detail}",
                )
            if is_stale and self.consumer.snapshot() != before:
                changed.append(f"{message.label} (sequence {message.sequence})")
            highest = max(highest, message.sequence)
        return self.consumer.snapshot(), changed

    def _ordering(self, check: PlannedCheck) -> tuple[str, str]:
        in_order, _ = self._run_order(check.messages, judge_stale=False)
        out_of_order, changed = self._run_order(check.out_of_order, judge_stale=True)
        sequence = ", ".join(f"{m.label} ({m.sequence})" for m in check.out_of_order)
        if out_of_order == in_order:
            return "same state in both orders", f"delivered {sequence}: the same state as in order"
        if not changed:
            return (
                "stale messages ignored",
                f"delivered {sequence}: each stale message left the state as it was",
            )
        raise _Failed(
            "different state out of order",
            f"delivered {sequence}: the stale {', '.join(changed)} changed the state; in order the"
            f" state is {shown(in_order)}, out of order {shown(out_of_order)}",
        )

    def _dead_letter(self, check: PlannedCheck) -> tuple[str, str]:
        seen = []
        for message in check.messages:
            self._reset()
            before = self.consumer.snapshot()
            letters = self._letters()
            delivered = self._deliver(message)
            after = self.consumer.snapshot()
            what = f"the malformed message {message.label}"
            if delivered.verdict == "broken":
                raise _Failed(
                    "broken",
                    f"{what} {delivered.detail}; a malformed message must be refused, not"
                    " crash the consumer",
                )
            if delivered.verdict == "acknowledged":
                counted = self._letters()
                if letters is None or counted is None or counted <= letters:
                    change = (
                        ""
                        if after == before
                        else f", and the state changed from {shown(before)} to {shown(after)}"
                    )
                    raise _Failed(
                        "accepted",
                        f"{what} was acknowledged and not dead-lettered"
                        f" ({delivered.detail}){change}",
                    )
            if after != before:
                raise _Failed(
                    "refused, state changed",
                    f"{what} was refused but changed the state from {shown(before)} to"
                    f" {shown(after)}",
                )
            seen.append(f"{message.label}: {delivered.detail}")
        return "refused, state unchanged", "; ".join(seen)
