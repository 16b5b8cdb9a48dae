"""How fast the heartbeat answers while provider contracts that cost CPU are published.

    .venv/bin/python benchmarks/heartbeat_under_load.py [--scenario stripe|alias-bomb|regex]

Starts `python -m broker serve` on a fresh SQLite file, publishes a consumer's pact, then
publishes provider contracts in a background thread while the main thread asks
`GET /diagnostic/status/heartbeat` every 20 ms, and reports the heartbeat's latency
percentiles and each publication's status and duration. Scenarios: `stripe` publishes the
Stripe spec (4 MB) twice, the second with an operation removed (two comparisons and a diff of
two 4 MB documents); `alias-bomb` a 10-level YAML alias bomb; `regex` a spec whose `pattern`
is `^(a+)+$`, compared with a pact whose value is 40 `a`s and a `!`.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ACCORD_SHARED_DIR") or REPO.parent / "shared")
STRIPE = SHARED / "corpora" / "openapi-large" / "stripe" / "spec3.json"


def alias_bomb(levels: int = 10) -> bytes:
    """A YAML OpenAPI document whose extension holds 9^levels strings through aliases."""
    lines = ["openapi: 3.0.0", "info: {title: Bomb, version: '1'}", "x-bomb:"]
    lines.append("  l0: &l0 [a, a, a, a, a, a, a, a, a]")
    for level in range(1, levels):
        lines.append(f"  l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9)}]")
    lines += [
        "paths:",
        "  /things:",
        "    get:",
        "      responses:",
        "        '200':",
        "          description: ok",
        "          content:",
        "            application/json:",
        f"              schema: {{type: object, x-b: *l{levels - 1}}}",
    ]
    return ("\n".join(lines) + "\n").encode()


def regex_spec() -> bytes:
    """An OpenAPI document whose response property must match `^(a+)+$`."""
    schema = {"type": "object", "properties": {"name": {"type": "string", "pattern": "^(a+)+$"}}}
    document = {
        "openapi": "3.0.0",
        "info": {"title": "Regex", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": schema}},
                        }
                    }
                }
            }
        },
    }
    return json.dumps(document).encode()


def pact(consumer: str, provider: str, path: str, body: Any) -> dict[str, Any]:
    """A V3 pact with one GET interaction expecting `body`."""
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": "a request for things",
                "request": {"method": "GET", "path": path},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": body,
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def publish_contract(
    url: str, provider: str, version: str, content: bytes, content_type: str
) -> tuple[int, float, str]:
    """POST one provider contract; (status, seconds, body)."""
    body = {
        "pacticipantVersionNumber": version,
        "branch": "main",
        "contract": {
            "content": base64.b64encode(content).decode(),
            "contentType": content_type,
            "specification": "oas",
            "selfVerificationResults": {"success": True, "verifier": "benchmark"},
        },
    }
    started = time.perf_counter()
    answer = httpx.post(
        f"{url}/provider-contracts/provider/{provider}/publish", json=body, timeout=600
    )
    return answer.status_code, time.perf_counter() - started, answer.text


def publications(scenario: str) -> tuple[list[tuple[str, bytes, str]], dict[str, Any]]:
    """The contracts to publish (version, content, type) and the pact they are compared with."""
    if scenario == "stripe":
        first = STRIPE.read_bytes()
        document = json.loads(first)
        document["paths"].pop(sorted(document["paths"])[-1])
        second = json.dumps(document).encode()
        body = {"id": "cus_1", "object": "customer"}
        return [("1", first, "application/json"), ("2", second, "application/json")], pact(
            "Web", "Provider", "/v1/customers/cus_1", body
        )
    if scenario == "alias-bomb":
        return [("1", alias_bomb(), "application/yaml")], pact("Web", "Provider", "/things", {})
    body = {"name": "a" * 40 + "!"}
    return [("1", regex_spec(), "application/json")], pact("Web", "Provider", "/things", body)


def run(scenario: str, env: dict[str, str], give_up: float) -> dict[str, Any]:
    """Start a broker, publish the scenario's contracts, and measure the heartbeat meanwhile."""
    contracts, consumer_pact = publications(scenario)
    with tempfile.TemporaryDirectory() as workdir:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        environment = {
            **os.environ,
            "ACCORD_DATABASE_URL": f"sqlite:///{workdir}/accord.db",
            "PYTHONPATH": str(REPO),
            **env,
        }
        log = Path(workdir, "broker.log").open("w")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [sys.executable, "-m", "broker", "serve", "--port", str(port)],
            cwd=workdir,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(f"{url}/diagnostic/status/heartbeat", timeout=1)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            answer = httpx.put(
                f"{url}/pacts/provider/Provider/consumer/Web/version/1", json=consumer_pact
            )
            answer.raise_for_status()
            results: list[tuple[int, float, str]] = []

            def publish_all() -> None:
                for version, content, content_type in contracts:
                    results.append(
                        publish_contract(url, "Provider", version, content, content_type)
                    )

            publisher = threading.Thread(target=publish_all, daemon=True)
            latencies: list[float] = []
            publisher.start()
            end = time.monotonic() + give_up
            # One client for every heartbeat: a new httpx client builds an SSL context first,
            # which alone takes longer than the heartbeat.
            with httpx.Client(timeout=give_up) as client:
                while publisher.is_alive() and time.monotonic() < end:
                    started = time.perf_counter()
                    try:
                        client.get(f"{url}/diagnostic/status/heartbeat")
                        latencies.append(time.perf_counter() - started)
                    except httpx.TimeoutException:
                        latencies.append(give_up)
                    time.sleep(0.02)
            publisher.join(timeout=0)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()
    ordered = sorted(latencies)
    return {
        "scenario": scenario,
        "heartbeats": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "gave_up": publisher.is_alive(),
        "publications": [
            {"status": status, "seconds": round(seconds, 2), "body": text[:300]}
            for status, seconds, text in results
        ],
    }


def main() -> None:
    """Run the chosen scenarios and print one JSON line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scenario", action="append", choices=["stripe", "alias-bomb", "regex"], default=[]
    )
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the broker")
    parser.add_argument(
        "--give-up", type=float, default=60, help="stop measuring after this many seconds"
    )
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    for scenario in args.scenario or ["stripe", "alias-bomb", "regex"]:
        print(json.dumps(run(scenario, env, args.give_up)))


if __name__ == "__main__":
    main()
