"""The coverage page in Chromium (#17): a provider's points, their coverage and the gaps."""

from __future__ import annotations

import base64
import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Broker, screenshot

pytestmark = pytest.mark.browser


def test_the_coverage_page_shows_points_workflows_and_gaps(
    signed_in: Page, web_broker: Broker, names: str
) -> None:
    provider, consumer = f"{names}Orders", f"{names}Web"
    web_broker.publish(consumer, provider, "1")  # GET /{consumer}/1
    document = {
        "openapi": "3.0.3",
        "info": {"title": provider, "version": "1"},
        "paths": {
            f"/{consumer.lower()}/{{id}}": {
                "get": {"operationId": "getOne", "responses": {"200": {}, "404": {}}}
            }
        },
    }
    published = web_broker.api(
        "POST",
        f"/provider-contracts/provider/{provider}/publish",
        json={
            "pacticipantVersionNumber": "1",
            "contract": {
                "content": base64.b64encode(json.dumps(document).encode()).decode(),
                "contentType": "application/json",
                "specification": "oas",
            },
        },
    )
    assert published.status_code == 200, published.text
    e2e = '<testsuite name="Checkout"><testcase name="pays"/></testsuite>'
    results = web_broker.api(
        "POST",
        f"/pacticipants/{provider}/versions/1/test-results",
        json={
            "kind": "e2e",
            "systems": [consumer, provider],
            "reports": [{"name": "e.xml", "content": e2e}],
        },
    )
    assert results.status_code == 201, results.text

    signed_in.goto(f"{web_broker.url}/ui/pacticipants/{provider}")
    signed_in.get_by_role("link", name=f"Coverage of {provider}'s integration points").click()
    expect(
        signed_in.get_by_role("heading", name=f"Integration test coverage of {provider}")
    ).to_be_visible()
    expect(signed_in.locator("#coverage-percentage")).to_have_text(
        "Coverage: 0 of 1 integration points in the target (0%)."
    )
    row = signed_in.locator(f'tr[data-point="GET /{consumer.lower()}/{{id}}"]')
    expect(row).to_have_attribute("data-covered", "no")
    expect(row).to_contain_text(consumer)
    expect(row).to_contain_text("Missing not found")
    expect(signed_in.locator("table.workflows")).to_contain_text("Checkout")
    gaps = signed_in.locator("ul.gaps li")
    expect(gaps).to_have_count(2)
    expect(gaps.first).to_contain_text(f"GET /{consumer.lower()}/{{id}}: not found never tested")
    expect(gaps.nth(1)).to_contain_text(f"{consumer}'s pact was never verified")
    screenshot(signed_in, "coverage")
