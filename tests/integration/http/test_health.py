"""Health checks: the heartbeat always answers; dependencies say 503 while the database is away."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from broker.app import asgi_app
from tests.integration.http.conftest import settings_for
from tests.support.tcp_proxy import ThreadedProxy, proxied, through

Client = AsyncTestClient[Any]


async def test_heartbeat_and_dependencies_answer_200(client: Client) -> None:
    heartbeat = await client.get("/diagnostic/status/heartbeat")
    assert (heartbeat.status_code, heartbeat.json()["ok"]) == (200, True)
    dependencies = await client.get("/diagnostic/status/dependencies")
    assert dependencies.status_code == 200
    assert dependencies.json()["dependencies"]["database"]["ok"] is True


@pytest.fixture
def proxy(clean_postgres_database_url: str) -> Iterator[ThreadedProxy]:
    with proxied(clean_postgres_database_url) as started:
        yield started


@pytest.mark.postgres
async def test_dependencies_are_503_while_postgres_is_away_and_recover(
    proxy: ThreadedProxy, clean_postgres_database_url: str
) -> None:
    app = asgi_app(settings_for(through(clean_postgres_database_url, proxy.port)))
    async with AsyncTestClient(app=app) as client:
        assert (await client.post("/pacticipants", json={"name": "A"})).status_code == 201

        proxy.stop()
        down = await client.get("/diagnostic/status/dependencies")
        assert down.status_code == 503
        assert down.json()["dependencies"]["database"]["ok"] is False
        assert (await client.get("/diagnostic/status/heartbeat")).status_code == 200
        refused = await client.get("/pacticipants/A")
        assert refused.status_code == 503
        assert refused.json()["errors"]
        assert "Traceback" not in refused.text

        proxy.start()
        assert (await client.get("/diagnostic/status/dependencies")).status_code == 200
        assert (await client.get("/pacticipants/A")).json()["name"] == "A"
