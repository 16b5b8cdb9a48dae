"""Publishing pacts and listing the latest ones through the SDK, against a broker double.

The answers follow `reference/pact-broker-api.md` §5.1, §5.3 and §9. The helpers here are
shared with `test_publish_cli.py`.
"""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from clients.sdk import AsyncBrokerClient, BrokerClient, BrokerError
from tests.unit.clients.conftest import BASE, INDEX, StubBroker, hal

PUBLISH = "POST /contracts/publish"

PUBLISH_INDEX = {
    "_links": {
        **INDEX["_links"],
        "pb:publish-contracts": {"href": f"{BASE}/contracts/publish"},
        "pb:latest-pact-versions": {"href": f"{BASE}/pacts/latest"},
    }
}

CONFLICT_REASON = (
    "Cannot change the content of the pact for Orders version 1.0.0 and provider Stock, "
    "as race conditions will cause unreliable results for can-i-deploy. Each pact must be "
    "published with a unique consumer version number."
)
DIFF = '{\n  "interactions": [\n-   {"description": "a request for stock"}\n+   {...}\n  ]\n}'


def pact(consumer: str = "Orders", provider: str = "Stock", *descriptions: str) -> bytes:
    """A small V3 pact document, pretty-printed as pact libraries write it."""
    document = {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": description,
                "request": {"method": "GET", "path": "/stock/42"},
                "response": {"status": 200, "body": {"id": 42, "note": "é ✓"}},
            }
            for description in descriptions or ("a request for stock",)
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    return json.dumps(document, indent=2, ensure_ascii=False).encode()


def published(request: httpx.Request) -> httpx.Response:
    """The broker's 200 answer to a publication, built from the request as §5.1 shows it."""
    body = json.loads(request.content)
    consumer, number = body["pacticipantName"], body["pacticipantVersionNumber"]
    version_href = f"{BASE}/pacticipants/{consumer}/versions/{number}"
    notices = [
        {"type": "debug", "text": f"Created {consumer} version {number} with branch main"},
        *(
            {
                "type": "success",
                "text": (
                    f"Pact successfully published for {consumer} version {number} "
                    f"and provider {contract['providerName']}."
                ),
            }
            for contract in body["contracts"]
        ),
    ]
    return hal(
        {
            "notices": notices,
            "logs": [
                {"level": n["type"], "message": n["text"], "deprecationWarning": "Replaced"}
                for n in notices
            ],
            "_embedded": {
                "pacticipant": {
                    "name": consumer,
                    "_links": {"self": {"href": f"{BASE}/pacticipants/{consumer}"}},
                },
                "version": {"number": number, "_links": {"self": {"href": version_href}}},
            },
            "_links": {
                "pb:pacticipant-version": {"href": version_href, "name": number},
                "pb:pacticipant-version-tags": [],
                "pb:contracts": [
                    {
                        "title": "Pact",
                        "name": f"Pact between {consumer} ({number}) and {c['providerName']}",
                        "href": (
                            f"{BASE}/pacts/provider/{c['providerName']}/consumer/{consumer}"
                            f"/version/{number}"
                        ),
                    }
                    for c in body["contracts"]
                ],
            },
        }
    )


def conflict() -> httpx.Response:
    """The broker's 409 when a version's pact changes (§5.3): notices and errors, plain JSON."""
    body = {
        "notices": [{"type": "error", "text": CONFLICT_REASON}, {"type": "info", "text": DIFF}],
        "errors": {"contracts": [CONFLICT_REASON]},
    }
    return httpx.Response(
        409,
        content=json.dumps(body).encode(),
        headers={"Content-Type": "application/json;charset=utf-8"},
    )


def latest_pacts(*rows: tuple[str, str, str]) -> dict[str, object]:
    """`GET /pacts/latest` (§9) for (consumer, consumer version, provider) rows."""

    def item(consumer: str, number: str, provider: str) -> dict[str, object]:
        by_version = f"{BASE}/pacts/provider/{provider}/consumer/{consumer}/version/{number}"
        return {
            "createdAt": "2026-01-02T03:04:05+00:00",
            "_embedded": {
                "consumer": {
                    "name": consumer,
                    "_links": {"self": {"href": f"{BASE}/pacticipants/{consumer}"}},
                    "_embedded": {"version": {"number": number}},
                },
                "provider": {
                    "name": provider,
                    "_links": {"self": {"href": f"{BASE}/pacticipants/{provider}"}},
                },
            },
            "_links": {
                "self": [
                    {"href": f"{BASE}/pacts/provider/{provider}/consumer/{consumer}/latest"},
                    {"href": by_version},
                ]
            },
        }

    return {
        "pacts": [item(*row) for row in rows],
        "_links": {"self": {"href": f"{BASE}/pacts/latest"}},
    }


def publishing_stub() -> StubBroker:
    """A broker double whose index has the pact relations and which accepts publications."""
    stub = StubBroker()
    stub.on("GET /", hal(PUBLISH_INDEX))
    stub.on(PUBLISH, published)
    return stub


@pytest.fixture
def broker() -> StubBroker:
    return publishing_stub()


def client(stub: StubBroker) -> BrokerClient:
    return BrokerClient(BASE, transport=stub.transport)


def test_publish_sends_each_pact_as_strict_base64_of_its_bytes(broker: StubBroker) -> None:
    long_pact = pact("Orders", "Stock", *(f"interaction {n}" for n in range(20)))
    other = pact("Orders", "Billing")

    result = client(broker).publish_contracts(
        "Orders",
        "1.0.0",
        [("Orders", "Stock", long_pact), ("Orders", "Billing", other)],
        branch="main",
        tags=["dev", "rc"],
        build_url="https://ci.example.com/7",
    )

    assert broker.sent == ["GET /", PUBLISH]
    body = broker.body(1)
    assert isinstance(body, dict)
    assert body["pacticipantName"] == "Orders"
    assert body["pacticipantVersionNumber"] == "1.0.0"
    assert body["branch"] == "main"
    assert body["tags"] == ["dev", "rc"]
    assert body["buildUrl"] == "https://ci.example.com/7"
    stock, billing = body["contracts"]
    assert {key: value for key, value in stock.items() if key != "content"} == {
        "consumerName": "Orders",
        "providerName": "Stock",
        "specification": "pact",
        "contentType": "application/json",
        "onConflict": "overwrite",
    }
    assert "\n" not in stock["content"]
    assert base64.b64decode(stock["content"], validate=True) == long_pact
    assert base64.b64decode(billing["content"], validate=True) == other
    assert broker.requests[1].headers["Content-Type"] == "application/json"
    assert [n.type for n in result.notices] == ["debug", "success", "success"]
    assert result.embedded.version is not None
    assert result.embedded.version.number == "1.0.0"
    contracts = result.links["pb:contracts"]
    assert isinstance(contracts, list)
    assert [link.name for link in contracts] == [
        "Pact between Orders (1.0.0) and Stock",
        "Pact between Orders (1.0.0) and Billing",
    ]


def test_publish_with_merge_asks_the_broker_to_merge_and_leaves_out_what_is_not_given(
    broker: StubBroker,
) -> None:
    client(broker).publish_contracts("Orders", "2", [("Orders", "Stock", pact())], merge=True)

    body = broker.body(1)
    assert isinstance(body, dict)
    assert "branch" not in body
    assert "buildUrl" not in body
    assert body["tags"] == []
    assert body["contracts"][0]["onConflict"] == "merge"


def test_publish_refuses_pacts_of_another_consumer_before_sending(broker: StubBroker) -> None:
    with pytest.raises(ValueError, match="Billing cannot be published as Orders's"):
        client(broker).publish_contracts(
            "Orders", "1", [("Orders", "Stock", pact()), ("Billing", "Stock", pact("Billing"))]
        )

    assert broker.requests == []


def test_a_refused_publication_carries_the_broker_reason_and_notices(broker: StubBroker) -> None:
    broker.on(PUBLISH, conflict())

    with pytest.raises(BrokerError) as raised:
        client(broker).publish_contracts("Orders", "1.0.0", [("Orders", "Stock", pact())])

    error = raised.value
    assert error.status == 409
    assert str(error) == CONFLICT_REASON
    assert [(n.type, n.text) for n in error.notices] == [
        ("error", CONFLICT_REASON),
        ("info", DIFF),
    ]
    assert [e.pointer for e in error.errors] == ["/contracts"]


def test_a_validation_error_without_notices_still_names_the_field(broker: StubBroker) -> None:
    broker.on(PUBLISH, hal({"errors": {"pacticipantVersionNumber": ["is missing"]}}, status=400))

    with pytest.raises(BrokerError, match=r"^The broker answered 400 .*pacticipantVersionNumber"):
        client(broker).publish_contracts("Orders", " ", [("Orders", "Stock", pact())])


def test_list_latest_pact_versions_reads_the_top_level_pacts(broker: StubBroker) -> None:
    broker.on("GET /pacts/latest", hal(latest_pacts(("Orders", "1.0.0", "Stock"))))

    listed = client(broker).list_latest_pact_versions()

    assert broker.sent == ["GET /", "GET /pacts/latest"]
    (only,) = listed.pacts
    assert only.embedded.consumer.name == "Orders"
    assert only.embedded.consumer.embedded.version is not None
    assert only.embedded.consumer.embedded.version.number == "1.0.0"
    assert only.embedded.provider.name == "Stock"
    assert only.created_at == "2026-01-02T03:04:05+00:00"


async def test_async_publish_sends_the_same_request(broker: StubBroker) -> None:
    async with AsyncBrokerClient(BASE, transport=broker.transport) as async_broker:
        result = await async_broker.publish_contracts(
            "Orders", "1.0.0", [("Orders", "Stock", pact())], branch="main"
        )

    assert broker.sent == ["GET /", PUBLISH]
    assert result.notices[-1].type == "success"
