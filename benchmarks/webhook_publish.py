"""What webhooks cost a publication: `POST /contracts/publish` with 0 and with 10 webhooks.

    .venv/bin/python benchmarks/webhook_publish.py [--publishes 200] [--rounds 4]

For SQLite (a temporary file) and PostgreSQL (a throwaway database on 127.0.0.1:5432) it starts
`accord broker serve` and publishes small pacts (3 interactions, new content and a new consumer
version each time, on branch main) from one client. The provider has a main-branch head, so
with the 10 webhooks (each listening to every Pact Broker event, for any pacticipant) a
publication stores three events (`contract_published`, `contract_content_changed`,
`contract_requiring_verification_published`), their variables and 30 deliveries. No worker
delivers them: this measures the publication only.

The configurations alternate in blocks (`--rounds` each of `--publishes / --rounds`
publications), the webhooks stored or deleted between blocks through the storage, so a
growing database weighs on both alike. Prints p50/p99 per configuration and the ratios.
Issue #14 asks for at most 10 % more.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from foundation_writes import broker, postgres_database
from pact_documents import interaction
from publish import body, pact

from broker.domain.webhooks import PACT_BROKER_EVENTS, WebhookDraft, WebhookRequest
from broker.storage.factory import open_storage

WEBHOOKS = 10


async def set_webhooks(database_url: str, count: int) -> None:
    """Store `count` enabled webhooks for any pacticipant, or delete them all (0)."""
    storage = await open_storage(database_url)
    try:
        async with storage.transaction() as tx:
            for webhook in await tx.list_webhooks():
                await tx.delete_webhook(webhook.uuid)
            for i in range(count):
                await tx.insert_webhook(
                    WebhookDraft(
                        uuid=f"benchmark-webhook-{i:04}",
                        description=f"build {i}",
                        events=PACT_BROKER_EVENTS,
                        request=WebhookRequest(
                            method="POST",
                            url="https://ci.example/build?pact=${pactbroker.pactUrl}",
                            body={"consumer": "${pactbroker.consumerName}"},
                        ),
                    ),
                    datetime.now(UTC),
                )
    finally:
        await storage.close()


def prepare(client: httpx.Client) -> None:
    """A provider with a main-branch head (for contract_requiring_verification_published)."""
    for call in (
        client.patch("/pacticipants/Provider", json={"mainBranch": "main"}),
        client.put("/pacticipants/Provider/branches/main/versions/p1", json={}),
    ):
        assert call.status_code in {HTTPStatus.OK, HTTPStatus.CREATED}, call.text[:300]


def publish_block(client: httpx.Client, start: int, count: int) -> list[float]:
    times = []
    for i in range(start, start + count):
        items = [{**interaction(i * 3 + k), "description": f"i{i}-{k}"} for k in range(3)]
        payload = body("Web", f"v{i}", pact("Web", items))
        started = time.perf_counter()
        response = client.post(
            "/contracts/publish", content=payload, headers={"Content-Type": "application/json"}
        )
        times.append(time.perf_counter() - started)
        assert response.status_code == HTTPStatus.OK, response.text[:500]
    return times


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure(url: str, database_url: str, publishes: int, rounds: int) -> dict[int, list[float]]:
    times: dict[int, list[float]] = {0: [], WEBHOOKS: []}
    block = max(1, publishes // rounds)
    n = 0
    with httpx.Client(base_url=url, timeout=60) as client:
        prepare(client)
        publish_block(client, 10**6, 20)  # warm up
        for _ in range(rounds):
            for count in (0, WEBHOOKS):
                asyncio.run(set_webhooks(database_url, count))
                times[count] += publish_block(client, n, block)
                n += block
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--publishes", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, postgres_database() as pg_url:
        workdir = Path(tmp)
        for backend, url in (("sqlite", f"sqlite:///{workdir / 'w.db'}"), ("postgres", pg_url)):
            with broker(url, workdir) as base:
                times = measure(base, url, args.publishes, args.rounds)
            p50 = {k: statistics.median(v) * 1000 for k, v in times.items()}
            p99 = {k: percentile(v, 0.99) * 1000 for k, v in times.items()}
            for count in times:
                print(
                    f"{backend:8} {count:2} webhooks: p50 {p50[count]:6.2f} ms"
                    f"  p99 {p99[count]:6.2f} ms  ({len(times[count])} publishes)"
                )
            print(
                f"{backend:8} 10 webhooks / none: p50 ratio {p50[WEBHOOKS] / p50[0]:.3f},"
                f" p99 ratio {p99[WEBHOOKS] / p99[0]:.3f}"
            )


if __name__ == "__main__":
    main()
