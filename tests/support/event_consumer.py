"""A message consumer written for the event checks: a warehouse that reads order and stock events.

`Warehouse` is the consumer's logic; `serve(warehouse)` puts it behind HTTP on 127.0.0.1 (the
interface `accord event-check` speaks: POST /messages, GET /state, POST /reset,
GET /dead-letters), and `in_process(warehouse)` gives the callables of the pytest fixture.
`PACT` is its message pact with Orders (three events: an order created and an order shipped on
the `orders` topic, a stock count on the `stock` topic). The right warehouse passes every check;
each bug breaks exactly one:

    not-idempotent      a redelivered order created event reserves its quantity again
                                                                          -> event.idempotency
    order-dependent     the last message delivered wins, whatever its sequence -> event.ordering
    malformed-500       a malformed message is answered 500 (raises in process) -> event.dead-letter
    malformed-accepted  a malformed message is applied and acknowledged       -> event.dead-letter
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from verifier.events import EventMessage, MessageRejected

BUGS = ("not-idempotent", "order-dependent", "malformed-500", "malformed-accepted")

_INTEGER = {"matchers": [{"match": "integer"}]}
_TYPE = {"matchers": [{"match": "type"}]}

PACT: dict[str, Any] = {
    "consumer": {"name": "Warehouse"},
    "provider": {"name": "Orders"},
    "messages": [
        {
            "description": "an order created event",
            "contents": {"orderId": "o-1", "quantity": 2, "status": "CREATED", "eventRef": "x"},
            "metaData": {"topic": "orders", "type": "OrderCreated"},
            "matchingRules": {
                "body": {"$.orderId": _TYPE, "$.quantity": _INTEGER, "$.status": _TYPE}
            },
            "generators": {"body": {"$.eventRef": {"type": "Uuid"}}},
        },
        {
            "description": "an order shipped event",
            "contents": {"orderId": "o-1", "status": "SHIPPED"},
            "metaData": {"topic": "orders", "type": "OrderShipped"},
            "matchingRules": {"body": {"$.orderId": _TYPE, "$.status": _TYPE}},
        },
        {
            "description": "a stock counted event",
            "contents": {"sku": "s-1", "count": 5},
            "metaData": {"topic": "stock", "type": "StockCounted"},
            "matchingRules": {"body": {"$.sku": _TYPE, "$.count": _INTEGER}},
        },
    ],
    "metadata": {"pactSpecification": {"version": "3.0.0"}},
}

# The fields each kind of event needs, with their JSON types.
_REQUIRED: dict[str, dict[str, type]] = {
    "OrderCreated": {"orderId": str, "quantity": int, "status": str},
    "OrderShipped": {"orderId": str, "status": str},
    "StockCounted": {"sku": str, "count": int},
}


class Malformed(Exception):
    """The message breaks the warehouse's expectations (the HTTP face answers 400)."""


class Warehouse:
    """The consumer: orders with their status and the quantity reserved, stock counts."""

    def __init__(self, bug: str | None = None) -> None:
        if bug is not None and bug not in BUGS:
            raise ValueError(f"unknown bug {bug!r}")
        self.bug = bug
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget everything."""
        self.orders: dict[str, dict[str, Any]] = {}
        self.stock: dict[str, int] = {}
        self.reserved = 0
        self.seen: set[str] = set()
        self.last_sequence: dict[str, int] = {}
        self.dead: list[dict[str, Any]] = []

    def snapshot(self) -> dict[str, Any]:
        """The observable state."""
        return {"orders": self.orders, "stock": self.stock, "reserved": self.reserved}

    def _check(self, kind: str, contents: object) -> None:
        required = _REQUIRED.get(kind)
        if required is None:
            raise Malformed(f"unknown event type {kind!r}")
        if not isinstance(contents, dict):
            raise Malformed("the contents are not an object")
        for field, wanted in required.items():
            value = contents.get(field)
            if not isinstance(value, wanted) or isinstance(value, bool):
                raise Malformed(f"{field} is missing or not a {wanted.__name__}")

    def apply(
        self, message_id: str, sequence: int, metadata: Mapping[str, Any], contents: object
    ) -> None:
        """Take one message; raises Malformed to refuse it (after dead-lettering it)."""
        with self.lock:
            if self.bug != "not-idempotent" and message_id in self.seen:
                return
            kind = str(metadata.get("type", ""))
            try:
                self._check(kind, contents)
            except Malformed:
                if self.bug == "malformed-500":
                    raise RuntimeError("the warehouse crashed on a malformed message") from None
                if self.bug != "malformed-accepted":
                    self.dead.append({"id": message_id, "contents": contents})
                    raise
            body: dict[str, Any] = contents if isinstance(contents, dict) else {}
            self.seen.add(message_id)
            key = str(body.get("orderId") or body.get("sku"))
            if self.bug != "order-dependent" and sequence < self.last_sequence.get(key, 0):
                return  # stale: a later version is already applied
            self.last_sequence[key] = max(sequence, self.last_sequence.get(key, 0))
            if kind == "StockCounted":
                self.stock[key] = body.get("count")  # type: ignore[assignment]
                return
            order = self.orders.setdefault(key, {})
            order["status"] = body.get("status")
            if kind == "OrderCreated":
                order["quantity"] = body.get("quantity")
                self.reserved += body["quantity"] if isinstance(body.get("quantity"), int) else 0

    def handle(self, message: EventMessage) -> None:
        """The in-process handler: Malformed becomes MessageRejected."""
        try:
            self.apply(message.message_id, message.sequence, message.metadata, message.contents)
        except Malformed as error:
            raise MessageRejected(str(error)) from None


def in_process(warehouse: Warehouse) -> dict[str, Any]:
    """The callables the pytest fixture takes."""
    return {
        "handle": warehouse.handle,
        "snapshot": warehouse.snapshot,
        "reset": warehouse.reset,
        "dead_letters": lambda: list(warehouse.dead),
    }


def _handler(warehouse: Warehouse) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _answer(self, status: int, body: object = None) -> None:
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/state":
                with warehouse.lock:
                    self._answer(200, warehouse.snapshot())
            elif self.path == "/dead-letters":
                with warehouse.lock:
                    self._answer(200, warehouse.dead)
            else:
                self._answer(404, {"error": "no such path"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.path == "/reset":
                with warehouse.lock:
                    warehouse.reset()
                self._answer(204)
                return
            if self.path != "/messages":
                self._answer(404, {"error": "no such path"})
                return
            try:
                contents = json.loads(raw)
                metadata = json.loads(self.headers.get("Accord-Metadata") or "{}")
                message_id = self.headers["Accord-Message-Id"]
                sequence = int(self.headers["Accord-Message-Sequence"])
            except (ValueError, KeyError, TypeError):
                self._answer(400, {"error": "not a message"})
                return
            try:
                warehouse.apply(message_id, sequence, metadata, contents)
            except Malformed as error:
                self._answer(400, {"error": str(error)})
            except RuntimeError as error:
                self._answer(500, {"error": str(error)})
            else:
                self._answer(202, {"accepted": message_id})

    return Handler


@contextmanager
def serve(warehouse: Warehouse) -> Iterator[str]:
    """The warehouse over HTTP on 127.0.0.1 (a free port); yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(warehouse))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
