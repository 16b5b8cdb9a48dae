"""Provider contracts and the pacts their comparisons flag, published through the API.

Shared by the provider contract page's browser tests and the notifications and audit ones:
a changed document is what makes notifications, and publishing is what the audit log records.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.browser.conftest import REPO, Broker

FIXTURES = REPO.parent / "shared" / "clients" / "fixtures"
OAS = (FIXTURES / "oas.yaml").read_text()
READER: dict[str, Any] = json.loads(
    (FIXTURES / "pacts" / "ProbeConsumerV3-ProbeProvider.json").read_text()
)


def reader_pact(consumer: str, provider: str) -> dict[str, Any]:
    """A consumer reading user 42, which the fixture document serves."""
    return {**READER, "consumer": {"name": consumer}, "provider": {"name": provider}}


def teapot_pact(consumer: str, provider: str) -> dict[str, Any]:
    """A consumer expecting a status the document does not declare: the comparison flags it."""
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": "a user who is a teapot",
                "request": {"method": "GET", "path": "/users/7"},
                "response": {"status": 418},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def without_user_reads() -> str:
    """The fixture document without `GET /users/{id}`: breaking for its readers."""
    start, end = OAS.index("  /users/{id}:"), OAS.index("  /users:")
    return OAS[:start] + OAS[end:]


def publish_pact(broker: Broker, version: str, document: dict[str, Any]) -> None:
    consumer = document["consumer"]["name"]
    content = base64.b64encode(json.dumps(document).encode()).decode()
    body = {
        "pacticipantName": consumer,
        "pacticipantVersionNumber": version,
        "branch": "main",
        "contracts": [
            {
                "consumerName": consumer,
                "providerName": document["provider"]["name"],
                "specification": "pact",
                "contentType": "application/json",
                "content": content,
            }
        ],
    }
    response = broker.api("POST", "/contracts/publish", json=body)
    assert response.status_code == 200, response.text


def publish_contract(broker: Broker, provider: str, version: str, document: str) -> None:
    """Publish an OpenAPI document as `pactflow publish-provider-contract` does."""
    body = {
        "pacticipantVersionNumber": version,
        "branch": "main",
        "contract": {
            "content": base64.b64encode(document.encode()).decode(),
            "contentType": "application/yaml",
            "specification": "oas",
            "selfVerificationResults": {"success": True, "verifier": "schemathesis"},
        },
    }
    response = broker.api("POST", f"/provider-contracts/provider/{provider}/publish", json=body)
    assert response.status_code == 200, response.text


def provider_with_two_documents(broker: Broker, names: str) -> tuple[str, str, str]:
    """(provider, reader, teapot): two consumers, then documents 1 and 2 (2 drops user reads)."""
    provider, reader, teapot = f"{names}Api", f"{names}Reader", f"{names}Teapot"
    publish_pact(broker, "1.0.0", reader_pact(reader, provider))
    publish_pact(broker, "1.0.0", teapot_pact(teapot, provider))
    publish_contract(broker, provider, "1", OAS)
    publish_contract(broker, provider, "2", without_user_reads())
    return provider, reader, teapot
