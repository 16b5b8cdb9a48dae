"""The provider contract pages in Chromium (#15 item 6): findings per consumer, breaking changes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Broker, screenshot
from tests.browser.contracts_support import provider_with_two_documents

pytestmark = pytest.mark.browser


def test_the_contract_page_shows_the_comparison_that_flags_a_consumer(
    signed_in: Page, web_broker: Broker, names: str
) -> None:
    provider, reader, teapot = provider_with_two_documents(web_broker, names)

    signed_in.goto(f"{web_broker.url}/ui/pacticipants/{provider}")
    signed_in.get_by_role("link", name=f"OpenAPI documents {provider} published").click()
    expect(
        signed_in.get_by_role("heading", name=f"Provider contracts of {provider}")
    ).to_be_visible()
    versions = signed_in.locator("tbody tr")
    expect(versions).to_have_count(2)
    expect(versions.first).to_have_attribute("data-version", "2")  # newest first
    screenshot(signed_in, "provider-contracts")

    signed_in.locator('tr[data-version="1"]').get_by_role("link", name="1").click()
    expect(signed_in.get_by_role("heading", name=re.compile(rf"{provider}\s+1"))).to_be_visible()
    flagged = signed_in.locator(f'article.comparison[data-consumer="{teapot}"]')
    expect(flagged.get_by_role("heading")).to_contain_text("Not compatible")
    finding = flagged.locator("tr.finding-error").first
    expect(finding).to_contain_text("response.status.unknown")
    expect(finding).to_contain_text("a user who is a teapot")
    expect(finding).to_contain_text("[root].interactions[0].response.status")
    expect(finding).to_contain_text("418")  # the message names the undeclared status
    fitting = signed_in.locator(f'article.comparison[data-consumer="{reader}"]')
    expect(fitting.get_by_role("heading")).to_contain_text("Compatible")
    expect(fitting).not_to_contain_text("Not compatible")
    # The document: its operations and its text as published.
    expect(signed_in.locator("table.operations")).to_contain_text("/users/{id}")
    expect(signed_in.locator("pre.document")).to_contain_text("title: ProbeProvider")
    screenshot(signed_in, "provider-contract")


def test_the_contract_page_lists_the_breaking_change_and_the_consumers_it_touches(
    signed_in: Page, web_broker: Broker, names: str
) -> None:
    provider, reader, teapot = provider_with_two_documents(web_broker, names)

    signed_in.goto(f"{web_broker.url}/ui/provider-contracts/{provider}/version/2")
    changes = signed_in.locator("section[aria-labelledby=changes]")
    expect(changes).to_contain_text("Since version 1")
    removed = changes.locator("table.breaking tr.touches")
    expect(removed.first).to_be_visible()
    expect(removed.first).to_contain_text("GET /users/{id}")
    touched = removed.first.locator("ul.touched")
    expect(touched.get_by_role("link", name=reader)).to_be_visible()
    expect(touched).to_contain_text("a request for user 42")  # the reader's interaction
    expect(touched.get_by_role("link", name=teapot)).to_be_visible()
    # Version 2 no longer serves the reader's interaction: its comparison fails now.
    expect(
        signed_in.locator(f'article.comparison[data-consumer="{reader}"]').get_by_role("heading")
    ).to_contain_text("Not compatible")
    # At 375 px the findings and changes scroll in their own boxes, not the page.
    signed_in.set_viewport_size({"width": 375, "height": 800})
    assert signed_in.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(signed_in, "provider-contract-changes")
