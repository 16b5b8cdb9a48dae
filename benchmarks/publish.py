"""Publishing pacts through HTTP on each backend: one big pact, and a sustained load.

    .venv/bin/python benchmarks/publish.py [--interactions 5000] [--publishes 800]

For SQLite (a temporary file) and PostgreSQL (a throwaway database on 127.0.0.1:5432) it
starts `accord broker serve`, then
- publishes a ~5 MB pact of 5,000 interactions three times under new consumer versions (new
  content each time) and prints the median seconds per publish;
- publishes `--publishes` small pacts (3 interactions, new content each) from 16 concurrent
  clients, each publish a new consumer version, and prints contracts per second.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import statistics
import sys
import tempfile
import time
from http import HTTPStatus
from pathlib import Path
from typing import Any

import httpx
import msgspec

sys.path.insert(0, str(Path(__file__).resolve().parent))

from foundation_writes import broker, postgres_database
from pact_documents import interaction


def pact(consumer: str, interactions: list[dict[str, object]]) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": "Provider"},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def body(consumer: str, version: str, document: dict[str, Any]) -> bytes:
    return msgspec.json.encode(
        {
            "pacticipantName": consumer,
            "pacticipantVersionNumber": version,
            "branch": "main",
            "contracts": [
                {
                    "consumerName": consumer,
                    "providerName": "Provider",
                    "specification": "pact",
                    "contentType": "application/json",
                    "content": base64.b64encode(msgspec.json.encode(document)).decode(),
                }
            ],
        }
    )


def big_publishes(url: str, interactions: int) -> tuple[float, float]:
    times = []
    size = 0.0
    with httpx.Client(base_url=url, timeout=120) as client:
        for run in range(3):
            items = [interaction(i) for i in range(interactions)]
            items[0]["description"] = f"run {run}"  # new content each time
            payload = body("Big", f"big-{run}", pact("Big", items))
            size = len(payload) / 1e6
            started = time.perf_counter()
            response = client.post(
                "/contracts/publish", content=payload, headers={"Content-Type": "application/json"}
            )
            times.append(time.perf_counter() - started)
            assert response.status_code == HTTPStatus.OK, response.text[:500]
    return statistics.median(times), size


async def sustained(url: str, publishes: int, clients: int = 16) -> float:
    payloads = [
        body(
            f"C{i % 8}",
            f"v{i}",
            pact(
                f"C{i % 8}",
                [{**interaction(i * 3 + k), "description": f"i{i}-{k}"} for k in range(3)],
            ),
        )
        for i in range(publishes)
    ]
    queue = iter(payloads)

    async def worker(client: httpx.AsyncClient) -> None:
        for payload in queue:
            response = await client.post(
                "/contracts/publish", content=payload, headers={"Content-Type": "application/json"}
            )
            assert response.status_code == HTTPStatus.OK, response.text[:500]

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        await asyncio.gather(*(worker(client) for _ in range(clients)))
    return publishes / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--interactions", type=int, default=5000)
    parser.add_argument("--publishes", type=int, default=800)
    args = parser.parse_args()
    rates = {}
    with tempfile.TemporaryDirectory() as tmp, postgres_database() as pg_url:
        workdir = Path(tmp)
        for backend, url in (("sqlite", f"sqlite:///{workdir / 'p.db'}"), ("postgres", pg_url)):
            with broker(url, workdir) as base:
                seconds, size = big_publishes(base, args.interactions)
                print(
                    f"{backend:8} big pact ({size:.1f} MB body, {args.interactions} "
                    f"interactions): {seconds:.2f} s per publish (median of 3)"
                )
                rates[backend] = asyncio.run(sustained(base, args.publishes))
                print(f"{backend:8} sustained, 16 clients: {rates[backend]:.0f} contracts/s")
    print(f"postgres/sqlite sustained ratio: {rates['postgres'] / rates['sqlite']:.2f}")


if __name__ == "__main__":
    main()
