"""`accord fault-proxy` as a process: what a client sees through it when faults are set."""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.e2e.accord_cli import run_accord
from tests.e2e.conftest import free_port
from tests.support.processes import fault_proxy


class _Upstream(BaseHTTPRequestHandler):
    """Answers 200 with the method, path and body it received."""

    def _echo(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        payload = json.dumps(
            {"method": self.command, "path": self.path, "body": body, "x": self.headers.get("X-A")}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _echo  # http.server's naming

    def log_message(self, format: str, *args: object) -> None:  # its signature
        """Stay quiet."""


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    upstream = f"http://127.0.0.1:{server.server_address[1]}/base"
    try:
        with fault_proxy(free_port(), upstream, tmp_path / "proxy.log") as url:
            yield url
    finally:
        server.shutdown()
        server.server_close()


def test_without_faults_the_proxy_forwards_to_the_upstream(proxy: str) -> None:
    response = httpx.post(f"{proxy}/things?a=1", content=b"hello", headers={"X-A": "b"})
    assert response.status_code == 200
    assert response.json() == {
        "method": "POST",
        "path": "/base/things?a=1",
        "body": "hello",
        "x": "b",
    }


def test_latency_holds_each_answer_back(proxy: str) -> None:
    """A client that waits less than the latency gets nothing; one that waits longer, the answer."""
    set_to = httpx.put(f"{proxy}/__fault/", json={"latency_ms": 3000})
    assert set_to.json() == {"latency_ms": 3000, "status": None, "drop": False}
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{proxy}/slow", timeout=0.5)
    response = httpx.get(f"{proxy}/slow", timeout=30)
    assert response.status_code == 200
    assert response.json()["path"] == "/base/slow"


def test_a_set_status_is_answered_instead_of_forwarding(proxy: str) -> None:
    httpx.put(f"{proxy}/__fault/", json={"status": 503})
    response = httpx.get(f"{proxy}/anything")
    assert response.status_code == 503
    assert response.json() == {"fault": "status", "status": 503}
    httpx.delete(f"{proxy}/__fault/")
    assert httpx.get(f"{proxy}/anything").status_code == 200


def test_a_dropped_connection_reaches_the_client_with_no_answer(proxy: str) -> None:
    httpx.post(f"{proxy}/__fault/", json={"drop": True})
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{proxy}/anything")
    assert httpx.get(f"{proxy}/__fault/").json()["drop"] is True
    httpx.delete(f"{proxy}/__fault/")
    assert httpx.get(f"{proxy}/anything").status_code == 200


def test_bad_control_requests_name_each_bad_field(proxy: str) -> None:
    response = httpx.put(
        f"{proxy}/__fault/", json={"latency_ms": -1, "status": 42, "drop": "yes", "x": 1}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        "x: unknown field",
        "latency_ms: must be an integer from 0 to 600000",
        "status: must be an integer from 100 to 599, or null",
        "drop: must be true or false",
    ]
    assert httpx.get(f"{proxy}/__fault/").json() == {"latency_ms": 0, "status": None, "drop": False}


def test_the_proxy_reaches_only_its_upstream(proxy: str) -> None:
    port = int(proxy.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(b"GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n")
        answer = b""
        while chunk := connection.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"one upstream" in answer
    too_big = httpx.post(f"{proxy}/x", content=b"a" * (10 * 1024 * 1024 + 1))
    assert too_big.status_code == 413


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (["--listen", "nowhere", "--upstream", "http://127.0.0.1:1"], "is not HOST:PORT"),
        (["--listen", "127.0.0.1:1", "--upstream", "ftp://x"], "is not an http or https URL"),
    ],
)
def test_bad_flags_are_one_sentence(argv: list[str], sentence: str) -> None:
    result = run_accord(["fault-proxy", *argv], dict(os.environ))
    assert result.returncode == 1
    assert sentence in result.stderr
    assert "Traceback" not in result.stderr
