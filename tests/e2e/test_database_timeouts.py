"""A PostgreSQL that goes silent (connections open, no byte answered) must not hang requests."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import running_broker
from tests.support.tcp_proxy import ThreadedProxy, proxied, through

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

TIMEOUT = 1.0  # ACCORD_DATABASE_TIMEOUT for the broker under test
PATIENCE = 20.0  # what the test waits for any one answer: far above a few timeouts


@pytest.fixture
def proxy(clean_postgres_database_url: str) -> Iterator[ThreadedProxy]:
    with proxied(clean_postgres_database_url) as started:
        yield started


def timed(call: httpx.Client, method: str, path: str, **kwargs: object) -> tuple[int, float]:
    """The status of one request and how long it took."""
    began = time.monotonic()
    answer = call.request(method, path, **kwargs)  # type: ignore[arg-type]
    assert "Traceback" not in answer.text
    return answer.status_code, time.monotonic() - began


def test_trust_10_a_silent_database_gets_503_in_bounded_time_and_recovers(
    proxy: ThreadedProxy, clean_postgres_database_url: str, tmp_path: Path
) -> None:
    database = through(clean_postgres_database_url, proxy.port)
    with (
        running_broker(database, tmp_path, ACCORD_DATABASE_TIMEOUT=str(TIMEOUT)) as url,
        httpx.Client(base_url=url, timeout=PATIENCE) as http,
    ):
        assert http.post("/pacticipants", json={"name": "A"}).status_code == 201
        proxy.freeze()
        try:
            answers = {
                "dependencies": timed(http, "GET", "/diagnostic/status/dependencies"),
                "read": timed(http, "GET", "/pacticipants/A"),
                "write": timed(http, "POST", "/pacticipants", json={"name": "B"}),
                "heartbeat": timed(http, "GET", "/diagnostic/status/heartbeat"),
            }
        finally:
            proxy.thaw()
        assert {name: status for name, (status, _) in answers.items()} == {
            "dependencies": 503,
            "read": 503,
            "write": 503,
            "heartbeat": 200,
        }
        # Each answer came within a few database timeouts (an acquire, a statement, a rollback),
        # not after the minutes a silent TCP connection can last.
        assert max(took for _, took in answers.values()) < 6 * TIMEOUT + 2

        deadline = time.monotonic() + PATIENCE
        while http.get("/diagnostic/status/dependencies").status_code != 200:
            assert time.monotonic() < deadline, "the broker did not recover"
            time.sleep(0.2)
        assert http.get("/pacticipants/A").json()["name"] == "A"
        assert http.post("/pacticipants", json={"name": "B"}).status_code == 201
