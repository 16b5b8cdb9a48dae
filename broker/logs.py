"""Logging as the operator chose: plain lines or one JSON object per line.

Every line logged while a request is handled carries that request's id (`request_id`), the id
the answer echoes in `X-Request-Id` (`broker/http/observed.py` sets it).
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime

import msgspec

current_request_id: ContextVar[str | None] = ContextVar("accord_request_id", default=None)
"""The id of the request being handled; None outside requests (start-up, webhook delivery)."""


class RequestIdFilter(logging.Filter):
    """Give each record the current request's id as `request_id` (None outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Stamp the record; never drops one."""
        record.request_id = current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id, traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record."""
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id is not None:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return msgspec.json.encode(entry).decode()


class PlainFormatter(logging.Formatter):
    """`time LEVEL logger: message`, with `[request id]` before the message inside a request."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        """The line, the request id put in front of the message."""
        request_id = getattr(record, "request_id", None)
        if request_id is None:
            return super().formatMessage(record)
        return f"{record.asctime} {record.levelname} {record.name}: [{request_id}] {record.message}"


def configure(level: str, fmt: str) -> None:
    """Send the broker's and the server's logs to stderr in the chosen format."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else PlainFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
