"""Optional OpenTelemetry tracing: a span per request, and a child span per SQL statement.

Off unless `ACCORD_OTEL_ENDPOINT` names an OTLP/HTTP traces URL. The OpenTelemetry packages
(`pip install 'accord[otel]'`) are imported only then, so a broker without tracing neither
imports them nor pays more than a check per request. Spans leave in batches from the SDK's own
thread (`OTEL_BSP_*` variables tune the batches), never from the event loop; the provider is
the broker's own, not the process-wide one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

SERVICE_NAME = "accord-broker"
_SERVER_ERROR = 500

Finish = Callable[[str, int], None]
"""Called when a request is answered: its route template and status."""


class Tracing:
    """The broker's tracer, exporting to the collector at `endpoint`."""

    def __init__(self, endpoint: str) -> None:
        # Imported here: only a broker configured for tracing needs the packages.
        from opentelemetry import trace  # noqa: PLC0415
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # noqa: PLC0415
            OTLPSpanExporter,
        )
        from opentelemetry.sdk.resources import Resource  # noqa: PLC0415
        from opentelemetry.sdk.trace import TracerProvider  # noqa: PLC0415
        from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: PLC0415

        self._trace: Any = trace
        self._provider = TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME}))
        self._provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
        self._tracer = self._provider.get_tracer("accord.broker")

    @contextmanager
    def request(self, method: str, path: str) -> Iterator[Finish]:
        """A server span around a request, current while it is handled.

        Statements' spans nest in it; `finish(route, status)` names it once the route is known.
        """
        span = self._tracer.start_span(
            method,
            kind=self._trace.SpanKind.SERVER,
            attributes={"http.request.method": method, "url.path": path},
        )

        def finish(route: str, status: int) -> None:
            span.update_name(f"{method} {route}")
            span.set_attribute("http.route", route)
            span.set_attribute("http.response.status_code", status)
            if status >= _SERVER_ERROR:
                span.set_status(self._trace.Status(self._trace.StatusCode.ERROR))

        with self._trace.use_span(span, end_on_exit=True):
            yield finish

    def observe_query(self, operation: str, seconds: float) -> None:
        """A client span for a statement that just ended, a child of the current request's."""
        end = time.time_ns()
        span = self._tracer.start_span(
            f"db {operation}",
            kind=self._trace.SpanKind.CLIENT,
            start_time=end - int(seconds * 1e9),
            attributes={"db.operation.name": operation},
        )
        span.end(end_time=end)

    def shutdown(self) -> None:
        """Send the spans still batched, then stop (blocks: call it off the event loop)."""
        self._provider.shutdown()
