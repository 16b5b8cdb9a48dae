"""Event checks against a real consumer over HTTP on 127.0.0.1 (tests/support/event_consumer.py).

The right warehouse passes every check; each seeded bug fails exactly its own check, with a
detail naming the interaction and the check.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
import pytest

from clients.cli.__main__ import main
from tests.support.event_consumer import BUGS, PACT, Warehouse, serve
from verifier._pact import read_pact
from verifier.events import CHECKS, EventChecker, HttpConsumer, plan
from verifier.events.consumers import ConsumerError, headers_of
from verifier.events.run import EventResult

NOW = datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC)
OWN_CHECK = {
    "not-idempotent": "event.idempotency",
    "order-dependent": "event.ordering",
    "malformed-500": "event.dead-letter",
    "malformed-accepted": "event.dead-letter",
}


def check_over_http(bug: str | None, *, with_state: bool = True) -> list[EventResult]:
    with serve(Warehouse(bug)) as url:
        consumer = HttpConsumer(
            f"{url}/messages",
            state_url=f"{url}/state" if with_state else None,
            reset_url=f"{url}/reset" if with_state else None,
            dead_letter_url=f"{url}/dead-letters",
        )
        with consumer:
            return EventChecker(consumer).run(plan([read_pact(PACT)], now=NOW))


def test_the_right_consumer_passes_every_check() -> None:
    results = check_over_http(None)
    assert [(r.outcome, r.detail) for r in results if r.outcome != "passed"] == []
    assert Counter(r.check for r in results) == {check: 3 for check in CHECKS}
    # Deliveries per check: 1, the message twice, each order of two messages, two malformed.
    assert {(r.check, r.deliveries) for r in results} == {
        ("event.format", 1),
        ("event.idempotency", 2),
        ("event.ordering", 4),
        ("event.dead-letter", 2),
    }


@pytest.mark.parametrize("bug", BUGS)
def test_each_seeded_bug_fails_exactly_its_own_check(bug: str) -> None:
    results = check_over_http(bug)
    failed = {(r.interaction, r.check) for r in results if r.outcome == "failed"}
    assert failed, f"{bug} failed no check"
    assert {check for _, check in failed} == {OWN_CHECK[bug]}
    assert all(r.outcome == "passed" for r in results if r.check != OWN_CHECK[bug])
    for result in results:
        if result.outcome == "failed":
            assert result.detail.startswith(f"{result.interaction} {result.check}: ")


def test_what_each_bug_is_reported_as() -> None:
    by_bug = {bug: check_over_http(bug) for bug in BUGS}

    def detail(bug: str, interaction: str, check: str) -> str:
        return next(
            r.detail for r in by_bug[bug] if (r.interaction, r.check) == (interaction, check)
        )

    assert "the duplicate (message id accord-" in detail(
        "not-idempotent", "an order created event", "event.idempotency"
    )
    assert '"reserved":4' in detail("not-idempotent", "an order created event", "event.idempotency")
    ordering = detail("order-dependent", "a stock counted event", "event.ordering")
    assert "the stale version 1 (sequence 1) changed the state" in ordering
    assert "answered 500" in detail("malformed-500", "an order shipped event", "event.dead-letter")
    accepted = detail("malformed-accepted", "a stock counted event", "event.dead-letter")
    assert "without `sku` was acknowledged and not dead-lettered (answered 202)" in accepted
    assert "and the state changed" in accepted


def test_without_a_state_endpoint_only_the_format_check_runs() -> None:
    results = check_over_http("not-idempotent", with_state=False)
    assert {r.check for r in results if r.outcome == "passed"} == {"event.format"}
    skipped = [r for r in results if r.outcome == "skipped"]
    assert len(skipped) == 9
    assert all("no state endpoint was given" in r.detail for r in skipped)


def test_a_delivery_carries_the_message_id_sequence_and_metadata_as_headers() -> None:
    message = plan([read_pact(PACT)], now=NOW)[0].messages[0]
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202)

    client = httpx.Client(transport=httpx.MockTransport(answer))
    HttpConsumer("http://consumer.test/messages", client=client).deliver(message)
    sent = seen[0]
    assert sent.headers["Accord-Message-Id"] == message.message_id
    assert sent.headers["Accord-Message-Sequence"] == "1"
    assert sent.headers["Accord-Interaction"] == "an order created event"
    assert sent.headers["topic"] == "orders"
    assert sent.headers["type"] == "OrderCreated"
    assert sent.headers["Content-Type"] == "application/json"
    assert httpx.Response(200, content=sent.content).json() == message.contents
    assert dict(headers_of(message))["Accord-Metadata"] == (
        '{"topic":"orders","type":"OrderCreated"}'
    )


class _Hostile(BaseHTTPRequestHandler):
    """A consumer that answers badly: a body dripped a byte at a time, a reset answer without
    end, a state nested 200,000 levels deep. `sent` counts the reset bytes it got out."""

    protocol_version = "HTTP/1.1"
    sent = 0

    def log_message(self, *_: object) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        """/messages drips its body; /reset streams up to 64 MB."""
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        if self.path == "/messages":
            self.send_header("Content-Length", "100")
            self.end_headers()
            with contextlib.suppress(OSError):
                for _ in range(100):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.2)
            return
        self.send_header("Content-Length", str(64 << 20))
        self.end_headers()
        with contextlib.suppress(OSError):
            for _ in range(1024):
                self.wfile.write(b"x" * 65536)
                type(self).sent += 65536

    def do_GET(self) -> None:
        """The state: JSON arrays 200,000 deep."""
        body = b"[" * 200_000 + b"]" * 200_000
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def hostile_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_body_dripped_past_the_timeout_is_a_broken_delivery(hostile_url: str) -> None:
    """httpx's timeout bounds each read: 100 bytes 0.2 s apart took 20 s and were acknowledged."""
    message = plan([read_pact(PACT)], now=NOW)[0].messages[0]
    with HttpConsumer(f"{hostile_url}/messages", timeout=0.5) as consumer:
        delivered = consumer.deliver(message)
    assert delivered.verdict == "broken"
    assert delivered.detail == "answered 200, its body unfinished after 0.5 seconds"


def test_a_reset_answer_is_read_no_further_than_shown(hostile_url: str) -> None:
    """The reset's answer was read whole: 64 MB here, without end from a hostile consumer."""
    _Hostile.sent = 0
    with HttpConsumer(f"{hostile_url}/messages", reset_url=f"{hostile_url}/reset") as consumer:
        consumer.reset()
    assert _Hostile.sent < 16 << 20


def test_a_state_nested_too_deeply_is_a_consumer_error(hostile_url: str) -> None:
    """msgspec's RecursionError escaped: event-check said 'Unexpected error: RecursionError'."""
    with (
        HttpConsumer(f"{hostile_url}/messages", state_url=f"{hostile_url}/state") as consumer,
        pytest.raises(ConsumerError, match="the state nests too deeply to be read"),
    ):
        consumer.snapshot()


class _Recorder(BaseHTTPRequestHandler):
    """A consumer that acknowledges everything and records the credentials it was sent."""

    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[str]] = []

    def log_message(self, *_: object) -> None:
        """Quiet."""

    def _answer(self, body: bytes) -> None:
        for name in ("Authorization", "Cookie", "Proxy-Authorization"):
            if self.headers.get(name):
                self.seen.append(f"{name}: {self.headers[name]}")
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        """Acknowledge a delivery or a reset."""
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer(b"")

    def do_GET(self) -> None:
        """An empty state, no dead letters."""
        self._answer(b"[]")


def test_event_check_sends_no_broker_credentials_to_the_consumer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PACT_BROKER_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("PACT_BROKER_TOKEN", "broker-secret")
    monkeypatch.setenv("PACT_BROKER_USERNAME", "user")
    monkeypatch.setenv("PACT_BROKER_PASSWORD", "broker-password")
    pact = tmp_path / "pact.json"
    pact.write_text(json.dumps(PACT))
    _Recorder.seen.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        code = main([
            "event-check", "--pact", str(pact), "--consumer-url", f"{url}/messages",
            "--state-url", f"{url}/state", "--reset-url", f"{url}/reset",
            "--dead-letter-url", f"{url}/dead-letters", "--broker-token", "flag-secret",
        ])  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert "12 checks" in capsys.readouterr().out  # every check reached the consumer
    assert code in {0, 1}
    assert _Recorder.seen == []
