"""The API reference and the HAL browser in Chromium (#15 item 10)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Broker, screenshot

pytestmark = pytest.mark.browser


def test_following_the_index_link_to_the_pacticipants_in_the_hal_browser(
    signed_in: Page, web_broker: Broker, names: str
) -> None:
    web_broker.publish(f"{names}Web", f"{names}Orders", "1.0.0")
    signed_in.goto(f"{web_broker.url}/ui/hal?path=/")
    expect(signed_in.locator("#answer-status")).to_contain_text("200")

    signed_in.locator('tr[data-rel="pb:pacticipants"]').get_by_role(
        "link", name="/pacticipants", exact=True
    ).click()

    signed_in.wait_for_url(re.compile(r"/ui/hal\?path=/pacticipants$"))
    expect(signed_in.locator("#answer-status")).to_contain_text("GET /pacticipants answered 200")
    expect(signed_in.locator("pre.body")).to_contain_text(f'"name": "{names}Web"')
    screenshot(signed_in, "hal-browser")


def test_the_api_reference_leads_to_an_operation_page(signed_in: Page, web_broker: Broker) -> None:
    signed_in.goto(f"{web_broker.url}/ui")
    signed_in.get_by_role("navigation", name="Main").get_by_role("link", name="API").click()
    expect(signed_in.get_by_role("heading", name="API reference")).to_be_visible()
    signed_in.get_by_label("Method, path or summary contains").fill("latest-version")
    signed_in.get_by_role("button", name="Filter").click()
    signed_in.locator("tr[data-operation]").first.get_by_role("link").click()
    expect(signed_in.get_by_role("heading", name="Parameters")).to_be_visible()
    expect(signed_in.locator('tr[data-parameter="pacticipant"]')).to_be_visible()
    screenshot(signed_in, "api-operation")
