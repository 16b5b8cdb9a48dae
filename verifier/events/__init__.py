"""Event checks of a consumer: duplicates, order and malformed messages (`accord event-check`).

Brokers deliver at least once and not always in order, and sometimes deliver what the contract
does not allow. From a consumer's message pact, `plan` builds each message (generators
applied) and the deliveries that check how the consumer copes (`verifier.events.plan`);
`EventChecker` delivers them to the consumer, over HTTP (`HttpConsumer`) or in process
(`InProcessConsumer`), and judges its state (`verifier.events.run`)::

    pact = decode_pact(Path("pacts/Warehouse-Orders.json").read_bytes())
    consumer = InProcessConsumer(handle=app.handle, snapshot=app.state, reset=app.clear)
    results = EventChecker(consumer).run(plan([pact]))
"""

from __future__ import annotations

from verifier.events.consumers import (
    ConsumerError,
    Delivered,
    EventConsumer,
    HttpConsumer,
    InProcessConsumer,
    MessageRejected,
)
from verifier.events.plan import CHECKS, EventMessage, PlannedCheck, plan
from verifier.events.report import render_json, render_junit, render_text
from verifier.events.run import EventChecker, EventResult

__all__ = [
    "CHECKS",
    "ConsumerError",
    "Delivered",
    "EventChecker",
    "EventConsumer",
    "EventMessage",
    "EventResult",
    "HttpConsumer",
    "InProcessConsumer",
    "MessageRejected",
    "PlannedCheck",
    "plan",
    "render_json",
    "render_junit",
    "render_text",
]
