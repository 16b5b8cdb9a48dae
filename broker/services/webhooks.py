"""Webhooks: creating, replacing, reading and deleting their definitions (issue 14).

Who may: a webhook naming a consumer and a provider belongs to them, so a writer may manage it
when its teams may change both (`ensure_may_change`); a webhook for any consumer or provider,
or for those with a label, reaches pacticipants of every team, so it is for admins. A change
is checked against the stored definition and the new one. The request's method and URL pass
the SSRF guard (`broker/webhooks/guard.py`) before anything is stored; credentials sent back
masked (`**********`) keep the stored ones, so a GET-modify-PUT round trip loses nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import Protocol

import msgspec

from broker.domain.auth import Role
from broker.domain.errors import FieldError, ForbiddenError, InvalidInputError, NotFoundError
from broker.domain.model import JSONValue
from broker.domain.webhook_body import parse_webhook, requested_call
from broker.domain.webhooks import (
    REDACTED,
    Webhook,
    WebhookDraft,
    is_secret_header,
    redacted_request,
)
from broker.services.actor import current_actor
from broker.services.audit import audit, fields_hash
from broker.services.auth import ensure_may_change
from broker.services.clock import Clock, system_clock
from broker.services.pacticipants import require_pacticipant
from broker.storage.interface import AuditLog, Auth, Pacticipants, Storage, Webhooks
from broker.webhooks.guard import Resolver, WebhookPolicy, check_webhook_request


class _Roles(AuditLog, Auth, Pacticipants, Webhooks, Protocol):
    """The storage roles this module's helpers use."""


def new_webhook_uuid() -> str:
    """22 URL-safe characters (128 random bits): fits the Pact Broker's uuid rule."""
    return secrets.token_urlsafe(16)


def is_any_or_labelled(webhook: Webhook | WebhookDraft) -> bool:
    """Whether the webhook reaches beyond one named consumer and one named provider."""
    return any(side is None or side.name is None for side in (webhook.consumer, webhook.provider))


def named(webhook: Webhook | WebhookDraft) -> list[str]:
    """The pacticipants a webhook names, consumer first."""
    return [
        side.name for side in (webhook.consumer, webhook.provider) if side and side.name is not None
    ]


async def ensure_may_manage(tx: Auth, webhook: Webhook | WebhookDraft) -> None:
    """Refuse (403) a change to a webhook the current actor may not manage."""
    actor = current_actor.get()
    if is_any_or_labelled(webhook):
        if actor.role != Role.ADMIN:
            raise ForbiddenError(
                f"{actor.name} has the {actor.role} role: a webhook for any consumer or provider,"
                " or for those with a label, needs the admin role; name both to manage it as a"
                " writer of their teams",
                [FieldError("", "needs the admin role")],
            )
        return
    for name in named(webhook):
        await ensure_may_change(tx, name)


def keep_masked_secrets(draft: WebhookDraft, stored: Webhook) -> WebhookDraft:
    """The draft with masked credentials replaced by the stored ones they stand for."""
    request = draft.request
    password = request.password
    if password == REDACTED and stored.request.password is not None:
        password = stored.request.password
    stored_headers = {name.lower(): value for name, value in stored.request.headers.items()}
    headers = {
        name: stored_headers[name.lower()]
        if value == REDACTED and is_secret_header(name) and name.lower() in stored_headers
        else value
        for name, value in request.headers.items()
    }
    return msgspec.structs.replace(
        draft, request=msgspec.structs.replace(request, password=password, headers=headers)
    )


def _shown(webhook: Webhook) -> str | None:
    """The audit hash of a webhook as it may be shown: a hash of a password could be guessed."""
    return fields_hash(msgspec.structs.replace(webhook, request=redacted_request(webhook.request)))


class WebhookService:
    """Webhook definitions: create, create-or-replace by uuid, read, list and delete."""

    def __init__(
        self,
        storage: Storage,
        policy: WebhookPolicy,
        resolver: Resolver,
        *,
        clock: Clock = system_clock,
        new_uuid: Callable[[], str] = new_webhook_uuid,
    ) -> None:
        self._storage = storage
        self._policy = policy
        self._resolver = resolver
        self._clock = clock
        self._new_uuid = new_uuid

    async def _call_problems(self, body: JSONValue) -> list[FieldError]:
        """What the SSRF guard says of the body's method and URL (when it gives both)."""
        method, url = requested_call(body)
        if url is None:
            return []
        problems = await check_webhook_request(method or "", url, self._policy, self._resolver)
        # A missing method is reported by the body's own checks.
        return [p for p in problems if method is not None or p.pointer != "/request/method"]

    async def _draft(
        self, body: JSONValue, uuid: str, path_names: Mapping[str, str] | None = None
    ) -> WebhookDraft:
        problems = await self._call_problems(body)
        return parse_webhook(body, uuid, path_names=path_names, problems=problems)

    async def create(
        self,
        body: JSONValue,
        *,
        consumer: str | None = None,
        provider: str | None = None,
    ) -> Webhook:
        """A new webhook with a generated uuid; `consumer`/`provider` come from the path."""
        path_names = {
            side: name for side, name in (("consumer", consumer), ("provider", provider)) if name
        }
        async with self._storage.transaction() as tx:
            for name in path_names.values():
                await require_pacticipant(tx, name)
        draft = await self._draft(body, self._new_uuid(), path_names)
        async with self._storage.transaction() as tx:
            await _require_named(tx, draft)
            await ensure_may_manage(tx, draft)
            return await self._insert(tx, draft)

    async def put(self, uuid: str, body: JSONValue) -> tuple[Webhook, bool]:
        """Create the webhook with this uuid, or replace it; whether it was created."""
        draft = await self._draft(body, uuid)
        async with self._storage.transaction() as tx:
            await _require_named(tx, draft)
            stored = await tx.find_webhook(uuid)
            await ensure_may_manage(tx, draft)
            if stored is None:
                return await self._insert(tx, draft), True
            await ensure_may_manage(tx, stored)
            draft = keep_masked_secrets(draft, stored)
            now = self._clock()
            updated = await tx.update_webhook(draft, now)
            if updated is None:  # deleted since it was read: not on PostgreSQL's row lock
                raise NotFoundError(f"No webhook with uuid {uuid!r} exists")
            await audit(
                tx,
                now,
                "webhook.update",
                f"webhook:{uuid}",
                _shown(stored),
                _shown(updated),
                *named(stored),
                *named(updated),
            )
            return updated, False

    async def _insert(self, tx: _Roles, draft: WebhookDraft) -> Webhook:
        now = self._clock()
        created = await tx.insert_webhook(draft, now)
        subject = f"webhook:{created.uuid}"
        await audit(tx, now, "webhook.create", subject, None, _shown(created), *named(created))
        return created

    async def get(self, uuid: str) -> Webhook:
        """The webhook with this uuid, or `NotFoundError`."""
        async with self._storage.transaction() as tx:
            return await _require_webhook(tx, uuid)

    async def list_webhooks(
        self, *, consumer: str | None = None, provider: str | None = None
    ) -> list[Webhook]:
        """Every webhook, or those naming the consumer and/or provider, oldest first."""
        async with self._storage.transaction() as tx:
            consumer_id = None if consumer is None else (await require_pacticipant(tx, consumer)).id
            provider_id = None if provider is None else (await require_pacticipant(tx, provider)).id
            return await tx.list_webhooks(consumer_id=consumer_id, provider_id=provider_id)

    async def delete(self, uuid: str) -> None:
        """Remove a webhook with its deliveries."""
        async with self._storage.transaction() as tx:
            stored = await _require_webhook(tx, uuid)
            await ensure_may_manage(tx, stored)
            await tx.delete_webhook(uuid)
            subject = f"webhook:{uuid}"
            await audit(
                tx, self._clock(), "webhook.delete", subject, _shown(stored), None, *named(stored)
            )


async def _require_webhook(tx: Webhooks, uuid: str) -> Webhook:
    found = await tx.find_webhook(uuid)
    if found is None:
        raise NotFoundError(f"No webhook with uuid {uuid!r} exists")
    return found


async def _require_named(tx: Pacticipants, draft: WebhookDraft) -> None:
    """400 naming `/consumer/name` or `/provider/name` when no such pacticipant exists."""
    problems = []
    for side, selector in (("consumer", draft.consumer), ("provider", draft.provider)):
        name = None if selector is None else selector.name
        if name is not None and await tx.find_pacticipant(name) is None:
            problems.append(FieldError(f"/{side}/name", f"no pacticipant named {name!r} exists"))
    if problems:
        raise InvalidInputError("The webhook names a pacticipant that does not exist", problems)
