"""`AsyncBrokerClient` sends the same sequences as `BrokerClient`: the operations are shared."""

from __future__ import annotations

import pytest

from clients.sdk import AsyncBrokerClient, NotFoundError
from tests.unit.clients.conftest import (
    BASE,
    ENV_UUID,
    StubBroker,
    deployed_version,
    environment,
    environment_list,
    hal,
    version,
)


async def test_async_record_deployment_sends_the_same_requests(stub: StubBroker) -> None:
    path = "/pacticipants/Orders/versions/1.0.0"
    stub.on(f"GET {path}", hal(version()))
    stub.on(f"POST {path}/deployed-versions/environment/{ENV_UUID}", hal(deployed_version(), 201))

    async with AsyncBrokerClient(BASE, transport=stub.transport, token="t") as broker:
        deployed = await broker.record_deployment("Orders", "1.0.0", "production")

    assert deployed.currently_deployed
    assert stub.sent == [
        "GET /",
        f"GET {path}",
        f"POST {path}/deployed-versions/environment/{ENV_UUID}",
    ]
    assert all(r.headers["Authorization"] == "Bearer t" for r in stub.requests)


async def test_async_errors_are_the_same_sentences(stub: StubBroker) -> None:
    stub.on("GET /environments", hal(environment_list(environment("test", uuid="x"))))

    async with AsyncBrokerClient(BASE, transport=stub.transport) as broker:
        with pytest.raises(NotFoundError, match=r"^Environment production does not exist\.$"):
            await broker.record_undeployment("Orders", "production")
