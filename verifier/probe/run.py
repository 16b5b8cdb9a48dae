"""Running planned checks against the provider, and judging what it answers.

Requests go only to the provider's base URL (the document's `servers` are ignored, redirects
are not followed) and, for the timeout check, to the dependency's fault-proxy control URL. A
check never sends more requests than its plan's `max_requests`.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal

import httpx
import msgspec

from verifier.comparison import Spec
from verifier.probe.plan import PlannedCheck, ProbeRequest

Outcome = Literal["passed", "failed", "skipped"]
MAX_WAIT_SECONDS = 60
_EPOCH_THRESHOLD = 1_000_000_000  # an X-RateLimit-Reset this large is a Unix time, not seconds
_BODY_SHOWN = 200


class ProbeResult(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome of one check of one operation, as `accord probe --output json` prints it."""

    operation: str
    check: str
    outcome: Outcome
    expected: str
    actual: str
    detail: str
    requests: int = 0


class _Answer(msgspec.Struct, kw_only=True):
    status: int
    headers: httpx.Headers
    body: bytes


class Prober:
    """Sends the planned requests to `base_url` and judges the answers."""

    def __init__(
        self,
        spec: Spec,
        base_url: str,
        *,
        deadline_ms: int,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Probe the provider at `base_url`; requests that are not timeout checks wait 30 s."""
        self.spec = spec
        self.base_url = base_url.rstrip("/")
        self.deadline_ms = deadline_ms
        self.client = client or httpx.Client(follow_redirects=False, trust_env=False, timeout=30)
        self.sleep = sleep

    def run(self, planned: list[PlannedCheck]) -> list[ProbeResult]:
        """The result of each planned check, in the plan's order."""
        return [self.run_check(check) for check in planned]

    def close(self) -> None:
        """Close the connections to the provider and the control URLs."""
        self.client.close()

    def __enter__(self) -> Prober:
        """The prober, closed on the way out."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the prober."""
        self.close()

    def run_check(self, check: PlannedCheck) -> ProbeResult:
        """Run one planned check."""
        if check.skip_reason:
            return ProbeResult(
                operation=check.operation,
                check=check.check,
                outcome="skipped",
                expected="",
                actual="",
                detail=check.skip_reason,
            )
        if check.check == "rate-limit":
            return self._rate_limit(check)
        if check.check == "timeout":
            return self._timeout(check)
        return self._statuses(check)

    def _send(self, request: ProbeRequest, timeout: float | None = None) -> _Answer | str:
        """The answer, or a sentence saying why none came."""
        content = json.dumps(request.body).encode() if request.has_body else None
        headers = list(request.headers)
        if content is not None:
            headers.append(("Content-Type", "application/json"))
        try:
            response = self.client.request(
                request.method,
                self.base_url + request.path,
                params=list(request.query),
                headers=headers,
                content=content,
                timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.TimeoutException:
            return "no answer within the deadline" if timeout is not None else "no answer in time"
        except httpx.HTTPError as error:
            return f"no answer: {type(error).__name__}: {error}"
        return _Answer(status=response.status_code, headers=response.headers, body=response.content)

    def _result(
        self, check: PlannedCheck, outcome: Outcome, actual: str, detail: str, sent: int
    ) -> ProbeResult:
        if outcome == "failed":
            detail = f"{check.operation} {check.check}: {detail}"
        return ProbeResult(
            operation=check.operation,
            check=check.check,
            outcome=outcome,
            expected=check.expected,
            actual=actual,
            detail=detail,
            requests=sent,
        )

    def _statuses(self, check: PlannedCheck) -> ProbeResult:
        seen: list[str] = []
        for sent, request in enumerate(check.requests[: check.max_requests], start=1):
            answer = self._send(request)
            if isinstance(answer, str):
                return self._result(
                    check, "failed", answer, f"{request.description}: {answer}", sent
                )
            seen.append(str(answer.status))
            problem = self._judge(check, answer)
            if problem:
                return self._result(
                    check, "failed", str(answer.status), f"{request.description}: {problem}", sent
                )
        detail = "; ".join(request.description for request in check.requests)
        return self._result(check, "passed", ", ".join(seen), detail, len(seen))

    def _judge(self, check: PlannedCheck, answer: _Answer) -> str:
        """What is wrong with the answer (an empty string when nothing is)."""
        if answer.status not in check.accepts:
            return f"expected {check.expected}, got {answer.status}{_shown(answer.body)}"
        schema = check.response_schemas.get(answer.status)
        if answer.status < 400 or schema is None:  # noqa: PLR2004
            return ""
        try:
            body = json.loads(answer.body)
        except ValueError:
            return f"the body of the {answer.status} is not the JSON its schema declares"
        compiled = self.spec.compiled(f"probe:{check.operation}:{answer.status}", schema, "request")
        errors = compiled.errors(body)
        if not errors:
            return ""
        first = errors[0]
        where = "/".join(str(part) for part in first.instance_path) or "the top"
        return (
            f"the body of the {answer.status} breaks its declared schema at {where}:"
            f" {first.message}{_shown(answer.body)}"
        )

    def _rate_limit(self, check: PlannedCheck) -> ProbeResult:  # noqa: PLR0911  # one per verdict
        request = check.requests[0]
        seen: dict[int, int] = {}
        sent = 0
        limited: _Answer | None = None
        while sent < check.burst and sent < check.max_requests - 1:
            answer = self._send(request)
            sent += 1
            if isinstance(answer, str):
                return self._result(check, "failed", answer, f"request {sent}: {answer}", sent)
            seen[answer.status] = seen.get(answer.status, 0) + 1
            if answer.status == 429:  # noqa: PLR2004
                limited = answer
                break
        counts = ", ".join(f"{status} x{count}" for status, count in sorted(seen.items()))
        if limited is None:
            detail = f"no 429 after a burst of {sent} requests ({counts})"
            return self._result(check, "failed", counts, detail, sent)
        wait = retry_after(limited.headers)
        if wait is None:
            detail = "the 429 has neither Retry-After nor RateLimit headers"
            return self._result(check, "failed", "429", detail, sent)
        if wait > MAX_WAIT_SECONDS:
            detail = (
                f"the 429 asks to wait {wait:.0f} s, more than the {MAX_WAIT_SECONDS} s allowed"
            )
            return self._result(check, "failed", "429", detail, sent)
        self.sleep(wait)
        answer = self._send(request)
        sent += 1
        if isinstance(answer, str):
            return self._result(check, "failed", answer, f"after the wait: {answer}", sent)
        if answer.status not in check.accepts:
            detail = f"after waiting {wait:.1f} s, got {answer.status}{_shown(answer.body)}"
            return self._result(check, "failed", f"429, then {answer.status}", detail, sent)
        detail = f"429 after {sent - 1} requests, served again after waiting {wait:.1f} s"
        return self._result(check, "passed", f"429, then {answer.status}", detail, sent)

    def _timeout(self, check: PlannedCheck) -> ProbeResult:
        control = fault_control_url(check.control_url)
        latency = min(max(2 * self.deadline_ms, self.deadline_ms + 1000), 600_000)
        try:
            setting = self.client.put(control, json={"latency_ms": latency}, timeout=10)
        except httpx.HTTPError as error:
            detail = f"the control URL of {check.dependency} cannot be reached: {error}"
            return self._result(check, "failed", "no fault set", detail, 0)
        if setting.status_code != 200:  # noqa: PLR2004
            detail = f"the control URL of {check.dependency} answered {setting.status_code}"
            return self._result(check, "failed", "no fault set", detail, 0)
        try:
            answer = self._send(check.requests[0], timeout=self.deadline_ms / 1000)
        finally:
            # When the reset fails, the next run's DELETE resets it; the result is what matters.
            with contextlib.suppress(httpx.HTTPError):
                self.client.delete(control, timeout=10)
        slowed = f"{check.dependency} slowed by {latency} ms, deadline {self.deadline_ms} ms"
        if isinstance(answer, str):
            return self._result(check, "failed", answer, f"{slowed}: {answer}", 1)
        if answer.status not in check.accepts:
            detail = (
                f"{slowed}: expected {check.expected}, got {answer.status}{_shown(answer.body)}"
            )
            return self._result(check, "failed", str(answer.status), detail, 1)
        return self._result(check, "passed", str(answer.status), slowed, 1)


def fault_control_url(url: str) -> str:
    """The `/__fault/` control endpoint of a fault proxy given by its address or that endpoint."""
    base = url.rstrip("/")
    return base + "/" if base.endswith("/__fault") else base + "/__fault/"


def retry_after(headers: httpx.Headers, now: datetime | None = None) -> float | None:
    """Seconds a 429 asks to wait: Retry-After (seconds or a date), else the RateLimit headers."""
    value = headers.get("retry-after")
    if value is not None:
        text = value.strip()
        if text.isdigit():
            return float(text)
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        moment = now or datetime.now(UTC)
        return max(0.0, (when - moment).total_seconds())
    for name in ("ratelimit-reset", "x-ratelimit-reset"):
        reset = headers.get(name, "").strip()
        if reset.isdigit():
            seconds = float(reset)
            if seconds > _EPOCH_THRESHOLD:
                seconds = max(0.0, seconds - (now or datetime.now(UTC)).timestamp())
            return seconds
    combined = headers.get("ratelimit")  # draft-ietf-httpapi-ratelimit-headers: "...;t=N"
    if combined:
        for part in combined.replace(",", ";").split(";"):
            key, _, number = part.strip().partition("=")
            if key in {"t", "reset"} and number.isdigit():
                return float(number)
    return None


def _shown(body: bytes) -> str:
    if not body:
        return ""
    text = body[:_BODY_SHOWN].decode("utf-8", "replace")
    return f" (body: {text}{'…' if len(body) > _BODY_SHOWN else ''})"
