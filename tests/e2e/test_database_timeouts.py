"""A PostgreSQL that goes silent (connections open, no byte answered) must not hang requests.

No clock is read to judge the answers: the client waits `PATIENCE` for each and raises if none
comes, as it would after the minutes a silent TCP connection can last without the broker's
database timeout. A 503 shows the timeout fired; `benchmarks/` is where durations are measured.
"""

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
PATIENCE = 20.0  # what the client waits for any one answer: far above a few timeouts


@pytest.fixture
def proxy(clean_postgres_database_url: str) -> Iterator[ThreadedProxy]:
    with proxied(clean_postgres_database_url) as started:
        yield started


def status(call: httpx.Client, method: str, path: str, **kwargs: object) -> int:
    """The status of one request, answered within the client's timeout (else it raises)."""
    answer = call.request(method, path, **kwargs)  # type: ignore[arg-type]
    assert "Traceback" not in answer.text
    return answer.status_code


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
            # Each request is answered, not left hanging on the silent connection.
            answers = {
                "dependencies": status(http, "GET", "/diagnostic/status/dependencies"),
                "read": status(http, "GET", "/pacticipants/A"),
                "write": status(http, "POST", "/pacticipants", json={"name": "B"}),
                "heartbeat": status(http, "GET", "/diagnostic/status/heartbeat"),
            }
        finally:
            proxy.thaw()
        assert answers == {"dependencies": 503, "read": 503, "write": 503, "heartbeat": 200}

        deadline = time.monotonic() + PATIENCE
        while http.get("/diagnostic/status/dependencies").status_code != 200:
            assert time.monotonic() < deadline, "the broker did not recover"
            time.sleep(0.2)
        assert http.get("/pacticipants/A").json()["name"] == "A"
        assert http.post("/pacticipants", json={"name": "B"}).status_code == 201
