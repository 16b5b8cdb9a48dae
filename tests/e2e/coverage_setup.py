"""A provider's world for the coverage report, published through the `accord` CLI.

Orders (the pacticipant reported on) exposes four operations (bearer auth, one with an API
key), calls Payments, and publishes an event that Billing consumes. Web and Mobile call it.
Orders 0.9.0 is deployed in production (the baseline); 1.0.0 is the newest version.

Against the baseline: GET /orders/{id}, DELETE /orders/{id} and POST /payments are unchanged,
POST /orders changed (it now declares 429), GET /orders/{id}/invoice is new, and the event
changed (Billing's newest pact expects another body than the one 0.9.0 verified).

Published for 1.0.0: probe-like API results as JUnit (getOrder: auth, not found; createOrder:
auth, validation, rate limit) and as probe JSON (getInvoice: auth only, the timeout skipped),
an event test (duplicates, no ordering) and one E2E report. So, in 1.0.0:

    point                          needs                           covered
    POST /payments (called)        contract                        yes
    GET /orders/{id}               contract, auth, not found       yes
    POST /orders       (changed)   contract, auth, validation, 429 yes
    GET /orders/{id}/invoice (new) contract, auth, timeout         no (timeout)
    DELETE /orders/{id}            contract, auth                  no (nothing)
    an order created event (chgd)  contract, idempotency, ordering no (ordering)

greenfield: 3 of 6 (50%); brownfield-polish: 1 of 3 (33.3%); brownfield-enterprise: 1 of 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.test_cli import ok


def _operation(op_id: str, statuses: tuple[int, ...], **extra: Any) -> dict[str, Any]:
    return {
        "operationId": op_id,
        "responses": {str(s): {"description": f"status {s}"} for s in statuses},
        **extra,
    }


def openapi(*, baseline: bool) -> dict[str, Any]:
    """Orders' document: 0.9.0's (no 429, no invoice) or 1.0.0's."""
    paths: dict[str, Any] = {
        "/orders/{id}": {
            "get": _operation("getOrder", (200, 401, 404)),
            "delete": _operation("cancelOrder", (204, 401), security=[{"apiKey": []}]),
        },
        "/orders": {
            "post": _operation("createOrder", (201, 400, 401) if baseline else (201, 400, 401, 429))
        },
    }
    if not baseline:
        paths["/orders/{id}/invoice"] = {"get": _operation("getInvoice", (200, 401, 504))}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Orders", "version": "0.9.0" if baseline else "1.0.0"},
        "security": [{"bearerAuth": []}],
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
            }
        },
        "paths": paths,
    }


def _pact(consumer: str, provider: str, interactions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def _get(description: str, path: str) -> dict[str, Any]:
    return {
        "description": description,
        "request": {"method": "GET", "path": path},
        "response": {"status": 200, "body": {"id": 42}},
    }


def _message_pact(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "consumer": {"name": "Billing"},
        "provider": {"name": "Orders"},
        "messages": [
            {
                "description": "an order created event",
                "contents": body,
                "metaData": {"topic": "orders.created", "contentType": "application/json"},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


API_RESULTS = """<?xml version="1.0" encoding="UTF-8"?>
<testsuites><testsuite name="accord probe">
<testcase classname="getOrder" name="auth.valid"/>
<testcase classname="getOrder" name="not-found"/>
<testcase classname="createOrder" name="auth.valid"/>
<testcase classname="createOrder" name="validation"/>
<testcase classname="createOrder" name="rate-limit"><failure message="no 429"/></testcase>
</testsuite></testsuites>
"""
# The same kind of results as `accord probe --output json` writes them.
PROBE_JSON = [
    {"operation": "getInvoice", "check": "auth.valid", "outcome": "passed"},
    {"operation": "getInvoice", "check": "timeout", "outcome": "skipped", "detail": "no proxy"},
]
EVENT_RESULTS = """<testsuite name="events">
<testcase classname="tests.test_events"
 name="an order created event: a duplicate is processed once"/>
</testsuite>
"""
E2E_RESULTS = """<testsuites>
<testsuite name="Order checkout"><testcase name="pays and ships"/><testcase name="refunds"/>
</testsuite></testsuites>
"""


def _write(folder: Path, name: str, document: object) -> str:
    path = folder / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


def _verify(broker_url: str, consumer: str, version: str, provider_version: str) -> None:
    pact = httpx.get(f"{broker_url}/pacts/provider/Orders/consumer/{consumer}/version/{version}")
    pact.raise_for_status()
    href = pact.json()["_links"]["pb:publish-verification-results"]["href"]
    published = httpx.post(
        href, json={"success": True, "providerApplicationVersion": provider_version}
    )
    assert published.status_code in (200, 201), published.text


def build_world(broker_url: str, folder: Path) -> None:
    """Publish everything above to the broker at `broker_url`."""
    ok(broker_url, "create-environment", "--name", "production", "--production")
    payments = _pact(
        "Orders",
        "Payments",
        [
            {
                "description": "charge a card",
                "request": {"method": "POST", "path": "/payments", "body": {"amount": 10}},
                "response": {"status": 201},
            }
        ],
    )
    for version, baseline in (("0.9.0", True), ("1.0.0", False)):
        ok(
            broker_url,
            "publish",
            _write(folder, "payments.json", payments),
            "--consumer-app-version",
            version,
        )
        ok(
            broker_url,
            "publish-provider-contract",
            _write(folder, f"orders-{version}.json", openapi(baseline=baseline)),
            "--provider",
            "Orders",
            "--provider-app-version",
            version,
            "--content-type",
            "application/json",
        )
    web = _pact(
        "Web",
        "Orders",
        [
            _get("a request for order 42", "/orders/42"),
            {
                "description": "placing an order",
                "request": {"method": "POST", "path": "/orders", "body": {"item": "book"}},
                "response": {"status": 201},
            },
        ],
    )
    mobile = _pact("Mobile", "Orders", [_get("a request for order 7", "/orders/7")])
    ok(broker_url, "publish", _write(folder, "web.json", web), "--consumer-app-version", "1.0.0")
    ok(
        broker_url,
        "publish",
        _write(folder, "mobile.json", mobile),
        "--consumer-app-version",
        "1.0.0",
    )
    ok(
        broker_url,
        "publish",
        _write(folder, "billing.json", _message_pact({"id": 1})),
        "--consumer-app-version",
        "1.0.0",
    )
    _verify(broker_url, "Web", "1.0.0", "0.9.0")
    _verify(broker_url, "Billing", "1.0.0", "0.9.0")
    ok(
        broker_url,
        "publish",
        _write(folder, "billing.json", _message_pact({"id": 1, "total": 5})),
        "--consumer-app-version",
        "1.1.0",
    )
    ok(
        broker_url,
        "record-deployment",
        "-a",
        "Orders",
        "-e",
        "0.9.0",
        "--environment",
        "production",
    )
    ok(
        broker_url,
        "publish-test-results",
        _write(folder, "probe.xml", API_RESULTS),
        _write(folder, "probe.json", PROBE_JSON),
        *("--pacticipant", "Orders", "--version", "1.0.0", "--kind", "api", "--systems", "Orders"),
    )
    for kind, name, report, systems in (
        ("event", "events.xml", EVENT_RESULTS, "Orders,Billing"),
        ("e2e", "e2e.xml", E2E_RESULTS, "Web,Orders,Payments"),
    ):
        ok(
            broker_url,
            "publish-test-results",
            _write(folder, name, report),
            "--pacticipant",
            "Orders",
            "--version",
            "1.0.0",
            "--kind",
            kind,
            "--systems",
            systems,
        )
