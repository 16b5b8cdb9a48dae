"""The heartbeat is answered while costly provider contracts are published (issue 12, item 8).

A real broker process over real HTTP: a 10-level YAML alias bomb, a spec whose `pattern` is
`^(a+)+$`, compared with a pact whose value is 40 `a`s and a `!` (catastrophic backtracking:
hours with a backtracking engine), and a spec whose `anyOf` doubles the work at each of 40
levels of a pact's body (2^40 validations whatever the regex engine: only the time budget ends
it, so the broker works for the whole budget) are published while another client asks for the
heartbeat every 20 ms. The evidence is an order of events, not a clock: heartbeats are answered
after the `anyOf` publication was sent and before its answer came back, which a broker whose
event loop ran the comparison could not do. `benchmarks/heartbeat_under_load.py` measures the
latencies.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import running_broker
from tests.support.hostile_documents import alias_bomb, any_of_body, any_of_spec, openapi, pact

pytestmark = pytest.mark.e2e

BUDGET = 3  # seconds a comparison may take in this broker (ACCORD_WORK_TIMEOUT)
# Heartbeats that must be answered while the `anyOf` publication, which keeps a worker busy for
# the whole budget, waits for its answer. The prober asks every 20 ms: about a hundred are, when
# the work runs in workers; an event loop blocked by each comparison in turn answers only the
# few that arrive between them (three, when tried).
ANSWERED_MEANWHILE = 10


def contract(version: str, content: bytes, content_type: str) -> dict[str, Any]:
    return {
        "pacticipantVersionNumber": version,
        "branch": "main",
        "contract": {
            "content": base64.b64encode(content).decode(),
            "contentType": content_type,
            "specification": "oas",
            "selfVerificationResults": {"success": True, "verifier": "tests"},
        },
    }


def test_trust_08_heartbeats_are_answered_while_hostile_contracts_are_published(
    sqlite_database_url: str, tmp_path: Path
) -> None:
    pattern_spec = json.dumps(
        openapi(
            {"type": "object", "properties": {"name": {"type": "string", "pattern": "^(a+)+$"}}}
        )
    ).encode()
    with (
        running_broker(sqlite_database_url, tmp_path, ACCORD_WORK_TIMEOUT=str(BUDGET)) as url,
        httpx.Client(base_url=url, timeout=120) as publisher,
    ):
        published = publisher.put(
            "/pacts/provider/Things/consumer/Web/version/1",
            content=pact(json.dumps({"name": "a" * 40 + "!"})),
            headers={"content-type": "application/json"},
        )
        assert published.status_code == 201, published.text
        deep = publisher.put(
            "/pacts/provider/Things/consumer/Mobile/version/1",
            content=pact(any_of_body(40), consumer="Mobile"),
            headers={"content-type": "application/json"},
        )
        assert deep.status_code == 201, deep.text
        answers: dict[str, httpx.Response] = {}
        # What happened, in order, from both threads (list.append is atomic).
        events: list[str] = []

        def publish(name: str, version: str, content: bytes, content_type: str) -> None:
            events.append(f"sent {name}")
            answers[name] = publisher.post(
                "/provider-contracts/provider/Things/publish",
                json=contract(version, content, content_type),
            )
            events.append(f"answered {name}")

        def publish_all() -> None:
            publish("bomb", "1", alias_bomb(10), "application/yaml")
            publish("pattern", "2", pattern_spec, "application/json")
            publish("anyOf", "3", any_of_spec(), "application/json")

        background = threading.Thread(target=publish_all)
        with httpx.Client(base_url=url, timeout=30) as prober:
            prober.get("/diagnostic/status/heartbeat")  # the connection, opened beforehand
            background.start()
            while background.is_alive():
                assert prober.get("/diagnostic/status/heartbeat").status_code == 200
                events.append("heartbeat")
                time.sleep(0.02)
        background.join()

        meanwhile = events[events.index("sent anyOf") : events.index("answered anyOf")]
        answered = meanwhile.count("heartbeat")
        assert answered >= ANSWERED_MEANWHILE, f"{answered} heartbeats meanwhile: {events}"

        assert answers["bomb"].status_code == 400, answers["bomb"].text
        assert "contract.content" in answers["bomb"].json()["errors"]
        # Compared within the budget (a linear-time regex engine) or stopped at it: either
        # way the pact is not compatible, and the gate says no.
        assert answers["pattern"].status_code == 200, answers["pattern"].text
        notices = [n["text"] for n in answers["pattern"].json()["notices"]]
        assert any("Web is not compatible" in text for text in notices), notices
        matrix = publisher.get(
            "/matrix?q[][pacticipant]=Web&q[][version]=1&q[][pacticipant]=Things"
            "&q[][version]=2&latestby=cvpv"
        ).json()
        assert matrix["summary"]["deployable"] is not True, matrix["summary"]
        # Stopped at the budget: recorded as not computed, never as compatible.
        assert answers["anyOf"].status_code == 200, answers["anyOf"].text
        stopped = publisher.get(
            "/matrix?q[][pacticipant]=Mobile&q[][version]=1&q[][pacticipant]=Things"
            "&q[][version]=3&latestby=cvpv"
        ).json()
        assert stopped["summary"]["deployable"] is not True, stopped["summary"]
