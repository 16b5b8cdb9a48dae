"""`WebhookService` on both backends, with a resolver the test controls (no DNS is asked)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from broker.domain.errors import InvalidInputError, NotFoundError
from broker.domain.model import PacticipantChanges
from broker.domain.webhooks import REDACTED
from broker.services.pacticipants import PacticipantService
from broker.services.webhooks import WebhookService
from broker.storage.interface import Storage
from broker.webhooks.guard import WebhookPolicy

ADDRESSES = {"hooks.example.com": ["93.184.215.14"], "ci.internal": ["10.0.0.1"]}


async def resolver(host: str, port: int) -> Sequence[str]:
    """Answers from `ADDRESSES`; an unknown name does not resolve."""
    if host not in ADDRESSES:
        raise OSError(f"unknown host {host}")
    return ADDRESSES[host]


class Ticking:
    """A clock a minute further on each time it is read."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def service(storage: Storage, policy: WebhookPolicy | None = None) -> WebhookService:
    return WebhookService(storage, policy or WebhookPolicy(), resolver, clock=Ticking())


def body(url: str = "https://hooks.example.com/build", **extra: Any) -> dict[str, Any]:
    return {"request": {"method": "post", "url": url}, **extra}


def pointers(error: pytest.ExceptionInfo[InvalidInputError]) -> list[str]:
    return [problem.pointer for problem in error.value.errors]


async def test_a_name_resolving_to_a_private_address_is_refused(storage: Storage) -> None:
    webhooks = service(storage)
    with pytest.raises(InvalidInputError) as refused:
        await webhooks.create(body("https://ci.internal/build"))
    assert pointers(refused) == ["/request/url"]
    assert "10.0.0.1" in refused.value.errors[0].detail
    with pytest.raises(InvalidInputError) as unknown:
        await webhooks.create(body("https://nowhere.example.com/build"))
    assert pointers(unknown) == ["/request/url"]
    created = await webhooks.create(body())
    assert created.request.method == "POST"
    assert await webhooks.list_webhooks() == [created]


async def test_the_allow_list_lets_a_named_internal_host_through(storage: Storage) -> None:
    policy = WebhookPolicy(allowed_hosts=("ci.internal",))
    created = await service(storage, policy).create(body("https://ci.internal/build"))
    assert created.request.url == "https://ci.internal/build"


async def test_put_keeps_masked_credentials_and_moves_the_update_time(storage: Storage) -> None:
    await PacticipantService(storage).create("Web", PacticipantChanges())
    webhooks = service(storage)
    request = {
        "method": "POST",
        "url": "https://hooks.example.com/build",
        "headers": {"Authorization": "Bearer t", "X-Trace": "1"},
        "username": "ci",
        "password": "pw",
    }
    first, created = await webhooks.put("hook-with-a-long-uuid", {"request": request})
    assert created
    masked = {
        **request,
        "headers": {"authorization": REDACTED, "X-Trace": REDACTED},
        "password": REDACTED,
    }
    second, created = await webhooks.put(
        "hook-with-a-long-uuid", {"request": masked, "consumer": {"name": "Web"}}
    )
    assert not created
    assert second.request.password == "pw"
    # A secret header keeps its value whatever its case; any other takes what is sent.
    assert second.request.headers == {"authorization": "Bearer t", "X-Trace": REDACTED}
    assert second.created_at == first.created_at
    assert second.updated_at > first.updated_at
    assert second.consumer is not None and second.consumer.name == "Web"


async def test_a_new_webhook_sent_masked_stores_what_it_was_sent(storage: Storage) -> None:
    """Nothing stored to keep: the mask is the password it was given."""
    request = {"method": "POST", "url": "https://hooks.example.com/b", "password": REDACTED}
    made, _ = await service(storage).put("another-long-uuid-1", {"request": request})
    assert made.request.password == REDACTED


async def test_unknown_webhooks_and_pacticipants(storage: Storage) -> None:
    webhooks = service(storage)
    with pytest.raises(NotFoundError):
        await webhooks.get("no-such-webhook-uuid")
    with pytest.raises(NotFoundError):
        await webhooks.delete("no-such-webhook-uuid")
    with pytest.raises(NotFoundError):
        await webhooks.list_webhooks(provider="Nobody")
    with pytest.raises(NotFoundError):
        await webhooks.create(body(), provider="Nobody")
    with pytest.raises(InvalidInputError) as named:
        await webhooks.create(body(provider={"name": "Nobody"}))
    assert pointers(named) == ["/provider/name"]
