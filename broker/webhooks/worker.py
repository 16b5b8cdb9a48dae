"""The delivery worker: takes due deliveries from the outbox, calls the webhooks, logs each try.

Each broker process runs one `DeliveryWorker`. It claims up to `concurrency` due deliveries at
a time (`claim_deliveries`: running, leased to this worker for the call's timeout and a
margin), renders each webhook's request with its event's variables, sends it through the
guarded sender and, in one transaction, logs the attempt and settles the delivery: succeeded on
2xx, else pending again after the next delay of the retry schedule, or dead when the schedule
is used up. A worker that dies leaves its claims to run out; any worker then claims them again,
so every delivery is made at least once. Receivers tell repeats apart by `X-Accord-Delivery`.

A delivery whose webhook was disabled after its event is not sent: it ends dead with an
attempt saying so, where an admin can see it and re-drive it once the webhook is enabled
again. Left pending, it would hold up every later delivery of its sequence.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

import msgspec

from broker.domain.errors import StorageUnavailableError
from broker.domain.webhooks import (
    DEAD,
    DEFAULT_RETRY_SCHEDULE,
    PENDING,
    SUCCEEDED,
    Attempt,
    Delivery,
    RenderedRequest,
    Webhook,
    WebhookEvent,
    logged_request,
    redacted_headers,
    render,
    retry_delay,
)
from broker.services.clock import Clock
from broker.services.doorbell import Doorbell
from broker.storage.interface import Storage
from broker.webhooks.sender import SendResult

if TYPE_CHECKING:
    from broker.metrics import Metrics
    from broker.settings import Settings

logger = logging.getLogger("broker.webhooks")

# What an attempt's log keeps of the response body.
RESPONSE_LOG_CHARACTERS = 1024
# Beyond the call's timeout, a claim covers loading the webhook and settling the delivery.
LEASE_MARGIN = 5.0
# On stop, in-flight calls get their timeout and this long to settle before they are cut.
STOP_MARGIN = 2.0
# The longest pause between tries while the database does not answer.
MAX_BACKOFF = 30.0


class Sender(Protocol):
    """Makes one webhook call; never raises for what the network or the receiver do."""

    async def send(
        self, method: str, url: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> SendResult:
        """Send the request; the outcome, failed or not."""
        ...


class DeliveryConfig(msgspec.Struct, frozen=True, kw_only=True):
    """How a worker delivers.

    Attributes:
        timeout: seconds one call may take (the sender enforces it; leases are sized by it).
        retry_schedule: seconds before each retry; when used up, the delivery is dead.
        concurrency: calls in flight at once.
        poll_interval: seconds between looks at the outbox when the doorbell stays silent.
        lease_margin: seconds a claim outlives the call's timeout.
    """

    timeout: float = 10.0
    retry_schedule: tuple[float, ...] = DEFAULT_RETRY_SCHEDULE
    concurrency: int = 4
    poll_interval: float = 1.0
    lease_margin: float = LEASE_MARGIN

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliveryConfig:
        """The configuration `ACCORD_WEBHOOK_*` describe."""
        return cls(
            timeout=settings.webhook_timeout,
            retry_schedule=settings.webhook_retry_schedule,
            concurrency=settings.webhook_concurrency,
            poll_interval=settings.webhook_poll_interval,
        )


def worker_name() -> str:
    """`host:pid:random`: who holds a claim, unique even when a process id comes round again."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class DeliveryWorker:
    """Delivers the outbox's due deliveries until stopped.

    Args:
        storage: the broker's database; the outbox is shared with every other broker on it.
        sender: makes the calls (`WebhookSender` through the SSRF guard).
        clock: now, for claims, leases, logs and the next attempt's time.
        doorbell: rung when deliveries may be due; the worker also polls.
        config: timeout, retry schedule, concurrency and poll interval.
        name: who this worker is in claims and logs (default `worker_name()`).
        metrics: counts each settled call by outcome (`accord_webhook_deliveries_total`).
    """

    def __init__(
        self,
        storage: Storage,
        sender: Sender,
        clock: Clock,
        doorbell: Doorbell,
        config: DeliveryConfig,
        *,
        name: str | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self._storage = storage
        self._metrics = metrics
        self._sender = sender
        self._clock = clock
        self._doorbell = doorbell
        self._config = config
        self.name = name or worker_name()
        self._in_flight: dict[asyncio.Task[None], int] = {}
        self._stopping = asyncio.Event()
        self._finished = asyncio.Event()
        self._started = False

    async def run(self) -> None:
        """Claim and deliver until `stop()`; nothing that goes wrong ends the loop."""
        self._started = True
        backoff = self._config.poll_interval
        logger.info(
            "Delivering webhooks as %s: %d calls at once, %g s each at most",
            self.name,
            self._config.concurrency,
            self._config.timeout,
        )
        try:
            while not self._stopping.is_set():
                room = self._config.concurrency - len(self._in_flight)
                if room > 0:
                    try:
                        claimed = await self._claim(room)
                    except StorageUnavailableError as error:
                        logger.warning(
                            "Webhook deliveries wait for the database (%s); next try in %g s",
                            error,
                            backoff,
                        )
                        await self._pause(backoff)
                        backoff = min(backoff * 2, MAX_BACKOFF)
                        continue
                    except Exception:  # one failed claim must not end delivery
                        logger.exception(
                            "Claiming webhook deliveries failed; next try in %g s", backoff
                        )
                        await self._pause(backoff)
                        backoff = min(backoff * 2, MAX_BACKOFF)
                        continue
                    backoff = self._config.poll_interval
                    for delivery in claimed:
                        self._start(delivery)
                # Woken by a service that stored deliveries, a call that ended (the next of its
                # sequence may be due), `stop()`, or the poll interval.
                await self._doorbell.wait(self._config.poll_interval)
        finally:
            await self._finish_in_flight()
            self._finished.set()

    async def stop(self) -> None:
        """Stop claiming; let calls in flight finish within their timeout, then cut them.

        A cut call keeps its claim until the lease runs out; then a worker delivers it again.
        """
        self._stopping.set()
        self._doorbell.ring()
        if self._started:
            await self._finished.wait()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _claim(self, limit: int) -> list[Delivery]:
        now = self._clock()
        lease = timedelta(seconds=self._config.timeout + self._config.lease_margin)
        async with self._storage.transaction() as tx:
            if not await tx.webhook_work_due(now):
                # Idle: on PostgreSQL the transaction never began (one round trip, not four).
                return []
            await tx.fan_out_events()
            return await tx.claim_deliveries(
                worker=self.name, now=now, lease_until=now + lease, limit=limit
            )

    def _start(self, delivery: Delivery) -> None:
        if delivery.id in self._in_flight.values():
            # Its lease ran out while this worker still makes the call (the database was slow):
            # the call in flight settles it, under the same worker name.
            return
        task = asyncio.create_task(self._deliver(delivery), name=f"webhook-{delivery.uuid}")
        self._in_flight[task] = delivery.id
        task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task[None]) -> None:
        self._in_flight.pop(task, None)
        self._doorbell.ring()

    async def _finish_in_flight(self) -> None:
        if not self._in_flight:
            return
        _, cut = await asyncio.wait(
            set(self._in_flight), timeout=self._config.timeout + STOP_MARGIN
        )
        for task in cut:
            task.cancel()
        await asyncio.gather(*cut, return_exceptions=True)
        if cut:
            logger.warning(
                "Stopped %d webhook calls in flight; they are made again when their claims run out",
                len(cut),
            )

    async def _deliver(self, delivery: Delivery) -> None:
        try:
            await self._attempt(delivery)
        except Exception:  # the claim runs out and the delivery is retried
            logger.exception(
                "Delivery %s failed inside the broker; it is retried when its claim runs out",
                delivery.uuid,
            )

    async def _attempt(self, delivery: Delivery) -> None:
        async with self._storage.transaction() as tx:
            webhook = await tx.find_webhook(delivery.webhook_uuid)
            event = await tx.find_webhook_event(delivery.event_id)
        if webhook is None or webhook.id != delivery.webhook_id or event is None:
            # Deleting a webhook deletes its deliveries: this claim is gone with them.
            logger.info("Delivery %s: its webhook was deleted; nothing to send", delivery.uuid)
            return
        started = self._clock()
        try:
            rendered = render(
                webhook.request,
                event.variables,
                [("X-Accord-Delivery", delivery.uuid), ("X-Accord-Event", event.name)],
            )
        except ValueError as error:  # a variable that is no text (a lone surrogate…)
            rendered = RenderedRequest(
                method=webhook.request.method, url=webhook.request.url, headers=(), body=b""
            )
            result = SendResult(error=f"The request could not be rendered: {error}.")
        else:
            result = await self._call(delivery, webhook, rendered)
        await self._settle(
            delivery, webhook, event, rendered=rendered, started=started, result=result
        )

    async def _call(
        self, delivery: Delivery, webhook: Webhook, rendered: RenderedRequest
    ) -> SendResult:
        if not webhook.enabled:
            return SendResult(error="The webhook is disabled: the delivery was not sent.")
        if delivery.attempts > len(self._config.retry_schedule) + 1:
            # Only claims that never settled (a worker died, or broke, each time) get here.
            return SendResult(
                error=f"Given up after {delivery.attempts - 1} claims that never finished."
            )
        return await self._sender.send(
            rendered.method, rendered.url, rendered.headers, rendered.body
        )

    async def _settle(
        self,
        delivery: Delivery,
        webhook: Webhook,
        event: WebhookEvent,
        *,
        rendered: RenderedRequest,
        started: datetime,
        result: SendResult,
    ) -> None:
        now = self._clock()
        status, due = self._outcome(delivery, webhook, result, now)
        attempt = Attempt(
            number=delivery.attempts,
            worker=self.name,
            started_at=started,
            duration_ms=round(result.duration_ms),
            request=logged_request(rendered),
            response_status=result.status,
            response_headers=tuple(redacted_headers(result.headers)),
            response_body=result.body[:RESPONSE_LOG_CHARACTERS],
            error=result.error,
            succeeded=result.succeeded,
        )
        async with self._storage.transaction() as tx:
            settled = await tx.settle_delivery(
                delivery.id, worker=self.name, status=status, next_attempt_at=due, now=now
            )
            # A lost claim still logs the call it made, unless the delivery is gone.
            if settled or await tx.find_delivery_by_id(delivery.id) is not None:
                await tx.insert_attempt(delivery.id, attempt)
        outcome = result.status if result.error is None else result.error
        if self._metrics is not None:
            counted = "lost" if not settled else "retrying" if status == PENDING else status
            self._metrics.webhook_deliveries.labels(counted).inc()
        if not settled:
            logger.info(
                "Delivery %s (%s): attempt %d answered %s, but its claim ran out and another"
                " worker has it",
                delivery.uuid,
                event.name,
                delivery.attempts,
                outcome,
            )
        elif status == DEAD:
            logger.warning(
                "Delivery %s (%s) to webhook %s is dead after attempt %d: %s",
                delivery.uuid,
                event.name,
                webhook.uuid,
                delivery.attempts,
                outcome,
            )
        else:
            logger.info(
                "Delivery %s (%s) to webhook %s: attempt %d answered %s%s",
                delivery.uuid,
                event.name,
                webhook.uuid,
                delivery.attempts,
                outcome,
                "" if due is None else f"; next attempt at {due.isoformat()}",
            )

    def _outcome(
        self, delivery: Delivery, webhook: Webhook, result: SendResult, now: datetime
    ) -> tuple[str, datetime | None]:
        """The delivery's status after this attempt, and when the next one is due."""
        if result.succeeded:
            return SUCCEEDED, None
        delay = retry_delay(delivery.attempts, self._config.retry_schedule)
        if not webhook.enabled or delay is None:
            return DEAD, None
        return PENDING, now + timedelta(seconds=delay)
