"""What webhooks cost a publication: `POST /contracts/publish` with 0 and with 10 webhooks.

    .venv/bin/python benchmarks/webhook_publish.py [--publishes 400] [--events all|default]

For SQLite (a temporary file) and PostgreSQL (a throwaway database on 127.0.0.1:5432) it starts
`accord broker serve` and publishes small pacts (3 interactions, new content and a new consumer
version each time, on branch main) from one client. The provider has a main-branch head, so
with the 10 webhooks (for any pacticipant, each listening to every Pact Broker event) a
publication stores three events (`contract_published`, `contract_content_changed`,
`contract_requiring_verification_published`), their variables and 30 deliveries; with
`--events default` the webhooks listen to `contract_content_changed` only (the default of a
webhook that names no event): one event and 10 deliveries. The broker runs with
`ACCORD_WEBHOOK_DELIVERY=false`, so no worker delivers them: this measures the publication
only (delivery happens after it, and on PostgreSQL possibly on another replica).

The configurations alternate publication by publication (the webhooks enabled or disabled
between two, through the storage; a disabled webhook is never read), so a growing database and
a busy machine weigh on both alike. Prints p50/p99 per configuration and the ratios. Issue #14
asks for at most 10 % more.
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

from broker.domain.webhooks import (
    DEFAULT_EVENTS,
    PACT_BROKER_EVENTS,
    WebhookDraft,
    WebhookRequest,
)
from broker.storage.factory import open_storage
from broker.storage.interface import Storage

WEBHOOKS = 10


EVENTS = {"all": PACT_BROKER_EVENTS, "default": DEFAULT_EVENTS}
listened: tuple[str, ...] = PACT_BROKER_EVENTS


def draft(i: int, *, enabled: bool) -> WebhookDraft:
    return WebhookDraft(
        uuid=f"benchmark-webhook-{i:04}",
        description=f"build {i}",
        events=listened,
        request=WebhookRequest(
            method="POST",
            url="https://ci.example/build?pact=${pactbroker.pactUrl}",
            body={"consumer": "${pactbroker.consumerName}"},
        ),
        enabled=enabled,
    )


async def switch(storage: Storage, *, enabled: bool) -> None:
    """Enable or disable the 10 webhooks (disabled ones are never read: as good as none)."""
    async with storage.transaction() as tx:
        for i in range(WEBHOOKS):
            await tx.update_webhook(draft(i, enabled=enabled), datetime.now(UTC))


async def prepare(client: httpx.AsyncClient, storage: Storage) -> None:
    """A provider with a main-branch head (for contract_requiring_verification_published)."""
    for call in (
        await client.patch("/pacticipants/Provider", json={"mainBranch": "main"}),
        await client.put("/pacticipants/Provider/branches/main/versions/p1", json={}),
    ):
        assert call.status_code in {HTTPStatus.OK, HTTPStatus.CREATED}, call.text[:300]
    async with storage.transaction() as tx:
        for i in range(WEBHOOKS):
            await tx.insert_webhook(draft(i, enabled=False), datetime.now(UTC))


async def publish(client: httpx.AsyncClient, i: int) -> float:
    items = [{**interaction(i * 3 + k), "description": f"i{i}-{k}"} for k in range(3)]
    payload = body("Web", f"v{i}", pact("Web", items))
    started = time.perf_counter()
    response = await client.post(
        "/contracts/publish", content=payload, headers={"Content-Type": "application/json"}
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == HTTPStatus.OK, response.text[:500]
    return elapsed


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def measure(url: str, database_url: str, publishes: int) -> dict[int, list[float]]:
    """Alternate publications without and with the webhooks, so noise weighs on both alike."""
    times: dict[int, list[float]] = {0: [], WEBHOOKS: []}
    storage = await open_storage(database_url)
    try:
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            await prepare(client, storage)
            for i in range(20):  # warm up
                await publish(client, 10**6 + i)
            for i in range(publishes):
                count = WEBHOOKS if i % 2 else 0
                await switch(storage, enabled=bool(count))
                times[count].append(await publish(client, i))
    finally:
        await storage.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--publishes", type=int, default=400)
    parser.add_argument("--events", choices=sorted(EVENTS), default="all")
    args = parser.parse_args()
    global listened  # noqa: PLW0603 - one setting for the whole run
    listened = EVENTS[args.events]
    with tempfile.TemporaryDirectory() as tmp, postgres_database() as pg_url:
        workdir = Path(tmp)
        for backend, url in (("sqlite", f"sqlite:///{workdir / 'w.db'}"), ("postgres", pg_url)):
            with broker(url, workdir, {"ACCORD_WEBHOOK_DELIVERY": "false"}) as base:
                times = asyncio.run(measure(base, url, args.publishes))
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
