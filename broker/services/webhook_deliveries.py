"""What webhooks did and do: test executions, deliveries with their logs, and re-driving.

`execute` runs a webhook once, now, as the Pact Broker's `test-webhook` does: with the latest
pact of its consumer and provider (and that pact's latest verification result when it listens
to verification events) filling the template variables, or placeholder values when there is
none. It sends outside any transaction and stores nothing. The readers show a delivery, its
attempts' logs and what a webhook, a pact or a verification result triggered; an admin lists
deliveries by status and re-drives a dead one.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Protocol

import msgspec

from broker.domain.audit import state_hash
from broker.domain.errors import ConflictError, FieldError, NotFoundError
from broker.domain.model import Pacticipant, PactPublication, Verification
from broker.domain.webhook_logs import attempt_log, delivery_log, shown_attempt
from broker.domain.webhook_variables import (
    PactFacts,
    ResultFacts,
    VersionFacts,
    pactbroker_variables,
)
from broker.domain.webhooks import (
    DEAD,
    PROVIDER_VERIFICATION_FAILED,
    PROVIDER_VERIFICATION_PUBLISHED,
    PROVIDER_VERIFICATION_SUCCEEDED,
    Attempt,
    Delivery,
    PacticipantSelector,
    Webhook,
    WebhookEvent,
    logged_request,
    render,
)
from broker.services.audit import audit
from broker.services.clock import Clock, IdSource, random_uuid, system_clock
from broker.services.doorbell import Doorbell
from broker.services.pacticipants import require_pacticipant
from broker.services.versions import require_version
from broker.services.webhook_triggers import pact_url, verification_url, version_facts
from broker.services.webhooks import ensure_may_manage
from broker.storage.interface import (
    AuditLog,
    Auth,
    Deployments,
    Environments,
    EventFacts,
    Pacticipants,
    Pacts,
    Storage,
    Versions,
    WebhookOutbox,
    Webhooks,
)

TEST_EVENT = "test"  # the event name a test execution carries, as the Pact Broker names it
PLACEHOLDER_CONSUMER = "placeholder-consumer"
PLACEHOLDER_PROVIDER = "placeholder-provider"
_VERIFICATION_EVENTS = frozenset(
    {
        PROVIDER_VERIFICATION_PUBLISHED,
        PROVIDER_VERIFICATION_SUCCEEDED,
        PROVIDER_VERIFICATION_FAILED,
    }
)
MAX_LISTED = 100


class SendOutcome(Protocol):
    """What came of one call (`broker.webhooks.sender.SendResult`): the response, or the error."""

    @property
    def status(self) -> int | None:
        """The response status; None when no response came."""
        ...

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        """The response headers."""
        ...

    @property
    def body(self) -> str:
        """The start of the response body."""
        ...

    @property
    def error(self) -> str | None:
        """One sentence when the call failed or was refused."""
        ...

    @property
    def duration_ms(self) -> float:
        """How long the call took."""
        ...

    @property
    def succeeded(self) -> bool:
        """Whether the receiver answered 2xx."""
        ...


class Sender(Protocol):
    """What sends a webhook's request: `broker.webhooks.sender.WebhookSender`.

    `create_app` wires it in: services do not import `broker.webhooks`, which builds on them.
    """

    async def send(
        self, method: str, url: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> SendOutcome:
        """Send one request; never raises for the network's or the receiver's doing."""
        ...

    async def aclose(self) -> None:
        """Close the connections kept between calls."""
        ...


class _Roles(
    AuditLog,
    Auth,
    Deployments,
    Environments,
    EventFacts,
    Pacticipants,
    Pacts,
    Versions,
    Webhooks,
    WebhookOutbox,
    Protocol,
):
    """The storage roles this module's helpers use."""


class Execution(msgspec.Struct, frozen=True, kw_only=True):
    """A test execution: the webhook, its one attempt (credentials masked) and the log."""

    webhook: Webhook
    attempt: Attempt
    logs: str

    @property
    def succeeded(self) -> bool:
        """Whether the receiver answered 2xx."""
        return self.attempt.succeeded


class DeliveryView(msgspec.Struct, frozen=True, kw_only=True):
    """A delivery with its event, its webhook (gone when deleted since) and, when asked, attempts.

    `attempts` holds every attempt, masked for readers, in a single delivery's view; lists
    leave it empty (the count is `delivery.attempts`).
    """

    delivery: Delivery
    event: WebhookEvent
    webhook: Webhook | None
    attempts: tuple[Attempt, ...] = ()

    @property
    def heading(self) -> str:
        """What the log's blocks are about."""
        return f"Delivery {self.delivery.uuid} of {self.event.name}"


class TriggeredBy(msgspec.Struct, frozen=True, kw_only=True):
    """The deliveries a pact or a verification result caused, and whose they are."""

    consumer: str
    provider: str
    deliveries: list[DeliveryView]


class WebhookDeliveryService:
    """Test executions, delivery records and the admin's re-drive."""

    def __init__(
        self,
        storage: Storage,
        sender: Sender,
        doorbell: Doorbell,
        *,
        clock: Clock = system_clock,
        ids: IdSource = random_uuid,
    ) -> None:
        self._storage = storage
        self._sender = sender
        self._doorbell = doorbell
        self._clock = clock
        self._ids = ids

    async def aclose(self) -> None:
        """Close the sender's connections (at shutdown)."""
        await self._sender.aclose()

    # test executions

    async def execute(self, uuid: str) -> Execution:
        """Run the webhook once now with example data; `NotFoundError` for an unknown one.

        A disabled webhook runs too, as the Pact Broker runs one on request. The caller must
        be allowed to change the webhook (`ForbiddenError`). The request carries
        `X-Accord-Event: test` and a fresh `X-Accord-Delivery` id, and no delivery is stored.
        """
        async with self._storage.transaction() as tx:
            webhook = await _require_webhook(tx, uuid)
            await ensure_may_manage(tx, webhook)
            variables = await _example_variables(tx, webhook)
        delivery_id = self._ids()
        rendered = render(
            webhook.request,
            variables,
            [("X-Accord-Delivery", delivery_id), ("X-Accord-Event", TEST_EVENT)],
        )
        started_at = self._clock()
        began = time.perf_counter()
        result = await self._sender.send(
            rendered.method, rendered.url, rendered.headers, rendered.body
        )
        duration = result.duration_ms or (time.perf_counter() - began) * 1000
        attempt = shown_attempt(
            Attempt(
                number=1,
                worker="test execution",
                started_at=started_at,
                duration_ms=round(duration),
                request=logged_request(rendered),
                response_status=result.status,
                response_headers=result.headers,
                response_body=result.body,
                error=result.error,
                succeeded=result.succeeded,
            )
        )
        logs = attempt_log(attempt, f"Test execution {delivery_id} of webhook {webhook.uuid}")
        return Execution(webhook=webhook, attempt=attempt, logs=logs)

    # reading

    async def delivery(self, uuid: str) -> DeliveryView:
        """One delivery with its event and every attempt; `NotFoundError` for an unknown one."""
        async with self._storage.transaction() as tx:
            await _fan_out(tx)
            delivery = await _require_delivery(tx, uuid)
            view = await _view(tx, delivery, {})
            attempts = await tx.attempts_of(delivery.id)
        return msgspec.structs.replace(
            view, attempts=tuple(shown_attempt(attempt) for attempt in attempts)
        )

    async def logs(self, uuid: str) -> str:
        """A delivery's log as text: one block per attempt, first first."""
        view = await self.delivery(uuid)
        return delivery_log(view.attempts, view.heading)

    async def executions(self, webhook_uuid: str, limit: int = MAX_LISTED) -> list[DeliveryView]:
        """A webhook's deliveries, newest first; `NotFoundError` for an unknown webhook."""
        async with self._storage.transaction() as tx:
            await _fan_out(tx)
            webhook = await _require_webhook(tx, webhook_uuid)
            found = await tx.list_deliveries(webhook_id=webhook.id, limit=limit)
            return await _views(tx, found, {webhook.uuid: webhook})

    async def triggered_by_pact(
        self, provider_name: str, consumer_name: str, number: str
    ) -> TriggeredBy:
        """The deliveries of the events the consumer version's pact with the provider caused."""
        async with self._storage.transaction() as tx:
            await _fan_out(tx)
            consumer = await require_pacticipant(tx, consumer_name)
            provider = await require_pacticipant(tx, provider_name)
            version = await require_version(tx, consumer, number)
            publication = await tx.find_publication(version.id, provider.id)
            if publication is None:
                raise NotFoundError(
                    f"No pact between {consumer.name} version {number} and {provider.name}"
                )
            content = await tx.find_pact_version_by_id(publication.pact_version_id)
            assert content is not None  # kept by foreign keys
            events = await tx.events_caused_by(
                pact_version_sha=content.sha, consumer_version_id=version.id
            )
            found = await tx.list_deliveries(
                event_ids=[event.id for event in events], limit=MAX_LISTED
            )
            return TriggeredBy(
                consumer=consumer.name,
                provider=provider.name,
                deliveries=await _views(tx, found, {}),
            )

    async def triggered_by_verification(
        self, provider_name: str, consumer_name: str, sha: str, number: int
    ) -> TriggeredBy:
        """The deliveries of the events a verification result caused."""
        async with self._storage.transaction() as tx:
            await _fan_out(tx)
            consumer = await require_pacticipant(tx, consumer_name)
            provider = await require_pacticipant(tx, provider_name)
            content = await tx.find_pact_version(consumer.id, provider.id, sha)
            verification = await tx.find_verification(number)
            if (
                content is None
                or verification is None
                or verification.pact_version_id != content.id
            ):
                raise NotFoundError(f"No verification result {number} for pact content {sha}")
            events = await tx.events_caused_by(verification_id=verification.id)
            found = await tx.list_deliveries(
                event_ids=[event.id for event in events], limit=MAX_LISTED
            )
            return TriggeredBy(
                consumer=consumer.name,
                provider=provider.name,
                deliveries=await _views(tx, found, {}),
            )

    # the admin's

    async def deliveries(self, status: str | None, limit: int = MAX_LISTED) -> list[DeliveryView]:
        """Deliveries of every webhook, newest first, of one status or all."""
        async with self._storage.transaction() as tx:
            await _fan_out(tx)
            found = await tx.list_deliveries(status=status, limit=limit)
            return await _views(tx, found, {})

    async def redrive(self, uuid: str) -> DeliveryView:
        """Make a dead delivery pending and due now, and wake the workers.

        `NotFoundError` for an unknown delivery, `ConflictError` for one that is not dead.
        """
        now = self._clock()
        async with self._storage.transaction() as tx:
            delivery = await _require_delivery(tx, uuid)
            if not await tx.redrive_delivery(delivery.id, now):
                raise ConflictError(
                    f"Delivery {uuid} is {delivery.status}, not dead: only a dead delivery can be "
                    "re-driven",
                    [FieldError("/status", f"is {delivery.status}, not {DEAD}")],
                )
            again = await tx.find_delivery_by_id(delivery.id)
            assert again is not None  # just updated
            view = await _view(tx, again, {})
            pacticipants = [
                name
                for name in (view.event.consumer_name, view.event.provider_name)
                if name is not None
            ]
            await audit(
                tx,
                now,
                "webhook-delivery.redrive",
                f"webhook-delivery:{uuid}",
                state_hash(msgspec.to_builtins(delivery)),
                state_hash(msgspec.to_builtins(again)),
                *pacticipants,
            )
        self._doorbell.ring()
        return view


# Events a read fans out at most (ten statements of 100): a worker drains the rest.
FAN_OUT_ROUNDS = 10


async def _fan_out(tx: WebhookOutbox) -> None:
    """Make the deliveries of events stored since the worker last ran, so a read shows them."""
    for _ in range(FAN_OUT_ROUNDS):
        if not await tx.fan_out_events():
            return


async def _require_webhook(tx: Webhooks, uuid: str) -> Webhook:
    found = await tx.find_webhook(uuid)
    if found is None:
        raise NotFoundError(f"No webhook with the uuid {uuid} was found")
    return found


async def _require_delivery(tx: WebhookOutbox, uuid: str) -> Delivery:
    found = await tx.find_delivery(uuid)
    if found is None:
        raise NotFoundError(f"No triggered webhook with the uuid {uuid} was found")
    return found


async def _view(tx: _Roles, delivery: Delivery, webhooks: dict[str, Webhook]) -> DeliveryView:
    event = await tx.find_webhook_event(delivery.event_id)
    assert event is not None  # kept by foreign keys
    if delivery.webhook_uuid not in webhooks:
        found = await tx.find_webhook(delivery.webhook_uuid)
        if found is not None:
            webhooks[found.uuid] = found
    return DeliveryView(delivery=delivery, event=event, webhook=webhooks.get(delivery.webhook_uuid))


async def _views(
    tx: _Roles, deliveries: list[Delivery], webhooks: dict[str, Webhook]
) -> list[DeliveryView]:
    return [await _view(tx, delivery, webhooks) for delivery in deliveries]


# Example data for test executions.


async def _selected(
    tx: Pacticipants, selector: PacticipantSelector | None, who: Pacticipant
) -> bool:
    if selector is None:
        return True
    if selector.name is not None:
        return selector.name == who.name
    return selector.selects(who.name, await tx.labels_of(who.id))


async def _latest_pact_for(tx: _Roles, webhook: Webhook) -> PactPublication | None:
    """The newest pact between pacticipants the webhook selects (the Pact Broker's choice)."""
    provider_id = None
    if webhook.provider is not None and webhook.provider.name is not None:
        provider = await tx.find_pacticipant(webhook.provider.name)
        if provider is None:
            return None
        provider_id = provider.id
    newest = None
    for publication in await tx.latest_publications(provider_id):
        consumer = await tx.find_pacticipant_by_id(publication.consumer_id)
        provider = await tx.find_pacticipant_by_id(publication.provider_id)
        assert consumer is not None and provider is not None  # kept by foreign keys
        if not await _selected(tx, webhook.consumer, consumer):
            continue
        if not await _selected(tx, webhook.provider, provider):
            continue
        if newest is None or publication.consumer_version_id > newest.consumer_version_id:
            newest = publication
    return newest


async def _example_variables(tx: _Roles, webhook: Webhook) -> dict[str, str]:
    """Template variables from the webhook's latest pact (and result), or placeholders.

    Built by the same rules as a real event's (`pactbroker_variables`), so a test renders as a
    delivery about the same pact would; `eventName` is `test`.
    """
    publication = await _latest_pact_for(tx, webhook)
    if publication is None:
        facts = PactFacts(
            consumer=PLACEHOLDER_CONSUMER,
            provider=PLACEHOLDER_PROVIDER,
            pact_url=pact_url(PLACEHOLDER_CONSUMER, PLACEHOLDER_PROVIDER, "0" * 64, ("1",)),
            consumer_version=VersionFacts(number="1"),
        )
        return pactbroker_variables(TEST_EVENT, facts)
    consumer = await tx.find_pacticipant_by_id(publication.consumer_id)
    provider = await tx.find_pacticipant_by_id(publication.provider_id)
    version = await tx.find_version_by_id(publication.consumer_version_id)
    content = await tx.find_pact_version_by_id(publication.pact_version_id)
    assert consumer and provider and version and content  # kept by foreign keys
    result = provider_version = None
    verification: Verification | None = None
    if _VERIFICATION_EVENTS.intersection(webhook.events):
        verification = await tx.latest_verification(content.id)
    if verification is not None:
        verifier = await tx.find_version_by_id(verification.provider_version_id)
        assert verifier is not None  # kept by foreign keys
        provider_version = await version_facts(tx, verifier)
        result = ResultFacts(
            url=verification_url(consumer.name, provider.name, content.sha, verification.id),
            success=verification.success,
            build_url=verification.build_url,
        )
    labels = await tx.labels_of_pacticipants([consumer.id, provider.id])
    facts = PactFacts(
        consumer=consumer.name,
        provider=provider.name,
        consumer_labels=tuple(labels.get(consumer.id, ())),
        provider_labels=tuple(labels.get(provider.id, ())),
        pact_url=pact_url(consumer.name, provider.name, content.sha, (version.number,)),
        consumer_version=await version_facts(tx, version),
        provider_version=provider_version,
        result=result,
    )
    return pactbroker_variables(TEST_EVENT, facts)
