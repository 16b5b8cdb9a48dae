"""OpenTelemetry tracing of a broker process: spans reach a collector, and nothing when off."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.e2e.conftest import broker_process

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Span:
    name: str
    trace_id: bytes
    span_id: bytes
    parent_span_id: bytes
    attributes: dict[str, object]


class Collector:
    """An OTLP/HTTP traces endpoint on 127.0.0.1 that keeps every span it is sent."""

    def __init__(self) -> None:
        self.spans: list[Span] = []
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                for resource in request.resource_spans:
                    for scope in resource.scope_spans:
                        for span in scope.spans:
                            attributes = {
                                a.key: a.value.string_value or a.value.int_value
                                for a in span.attributes
                            }
                            collector.spans.append(
                                Span(
                                    span.name,
                                    span.trace_id,
                                    span.span_id,
                                    span.parent_span_id,
                                    attributes,
                                )
                            )
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1/traces"

    @contextmanager
    def running(self) -> Iterator[Collector]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()


def test_each_request_is_a_span_with_its_statements_as_children(tmp_path: Path) -> None:
    with Collector().running() as collector:
        database_url = f"sqlite:///{tmp_path / 'traced.db'}"
        env = {"ACCORD_OTEL_ENDPOINT": collector.url, "OTEL_BSP_SCHEDULE_DELAY": "100"}
        with broker_process(database_url, tmp_path, **env) as broker:
            made = httpx.post(f"{broker.url}/pacticipants", json={"name": "Shop"}, timeout=30)
            assert made.status_code == 201, made.text
            deadline = time.monotonic() + 60
            while not any(s.name == "POST /pacticipants" for s in collector.spans):
                assert time.monotonic() < deadline, [s.name for s in collector.spans]
                time.sleep(0.05)
    request = next(s for s in collector.spans if s.name == "POST /pacticipants")
    assert request.attributes["http.route"] == "/pacticipants"
    assert request.attributes["http.response.status_code"] == 201
    statements = [s for s in collector.spans if s.parent_span_id == request.span_id]
    assert statements
    assert all(s.name.startswith("db ") and s.trace_id == request.trace_id for s in statements)
    assert {s.attributes["db.operation.name"] for s in statements} >= {"insert"}


def test_without_an_endpoint_the_broker_does_not_load_the_tracing_sdk(tmp_path: Path) -> None:
    """Litestar itself looks for its OpenTelemetry plugin when the API package is installed;
    the SDK and the exporter, which tracing needs, stay unloaded."""
    program = (
        "import sys\n"
        "from pathlib import Path\n"
        "from broker.app import asgi_app\n"
        "from broker.settings import Settings\n"
        f"asgi_app(Settings.from_env({{}}, cwd=Path({str(tmp_path)!r})))\n"
        "loaded = ('opentelemetry.sdk', 'opentelemetry.exporter', 'opentelemetry.trace')\n"
        "print(sorted(m for m in sys.modules if m.startswith(loaded)))\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True, timeout=120
    )
    assert ran.stdout.strip() == "[]"
