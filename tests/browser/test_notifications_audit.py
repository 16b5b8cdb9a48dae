"""The notifications and audit pages in Chromium (#15 item 8).

A provider's changed document notifies its consumers: a reader whose token's team owns one
consumer sees that consumer's notification only. The audit page filters as `GET /audit` does
and shows the chain verified, with the head `GET /audit/head` gives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import WIDTHS, Broker, screenshot
from tests.browser.contracts_support import provider_with_two_documents

pytestmark = pytest.mark.browser


@contextmanager
def signed_in_with(browser: Browser, broker: Broker, secret: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900})
    page = context.new_page()
    page.goto(f"{broker.url}/ui/sign-in")
    page.get_by_label("Token", exact=True).fill(secret)
    page.get_by_role("button", name="Sign in with the token").click()
    page.wait_for_url(f"{broker.url}/")
    try:
        yield page
    finally:
        context.close()


def test_a_team_member_sees_the_notification_a_changed_contract_sent_its_consumer(
    browser: Browser, web_broker: Broker, names: str
) -> None:
    provider, reader, teapot = provider_with_two_documents(web_broker, names)
    team = f"{names.lower()}-readers"
    saved = web_broker.api("PUT", f"/admin/teams/{team}", json={"pacticipants": [reader]})
    assert saved.status_code == 200, saved.text
    token = web_broker.api(
        "POST", "/admin/tokens", json={"name": f"{names}-reader", "role": "read", "teams": [team]}
    )
    assert token.status_code == 201, token.text

    with signed_in_with(browser, web_broker, token.json()["token"]) as page:
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Notifications"
        ).click()
        expect(page.get_by_role("heading", name="Notifications", exact=True)).to_be_visible()
        expect(page.locator("#notifications-whose")).to_contain_text(f"({team})")
        mine = page.locator("article.notification")
        expect(mine).to_have_count(1)  # the teapot's notification is another team's concern
        expect(mine).to_have_attribute("data-consumer", reader)
        expect(mine.get_by_role("heading")).to_contain_text(f"{provider} 2 changed its contract")
        expect(mine).to_contain_text("a request for user 42")
        mine.get_by_role("link", name="the provider contract and its changes").click()
        expect(page).to_have_url(
            re.compile(rf"/ui/provider-contracts/{provider}/version/2#changes$")
        )
        page.go_back()
        screenshot(page, "notifications")

        # A reader may read the audit log, as `GET /audit` lets it.
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
        expect(page.get_by_role("heading", name="Audit log")).to_be_visible()

    everyone = web_broker.api("GET", f"/pacticipants/{teapot}/notifications").json()
    assert everyone["_embedded"]["notifications"], "the teapot was notified too"


def test_the_audit_page_filters_by_action_and_shows_the_chain_verified_with_its_head(
    signed_in: Page, web_broker: Broker, names: str
) -> None:
    provider, _, _ = provider_with_two_documents(web_broker, names)
    head = web_broker.api("GET", "/audit/head").json()["head"]

    signed_in.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
    signed_in.get_by_label("Action", exact=True).fill("provider-contract.publish")
    signed_in.get_by_label("Pacticipant", exact=True).fill(provider)
    signed_in.get_by_role("button", name="Filter").click()

    rows = signed_in.locator("table.audit tbody tr")
    expect(rows).to_have_count(2)
    for index in range(2):
        expect(rows.nth(index)).to_have_attribute("data-action", "provider-contract.publish")
    expect(rows.nth(0)).to_contain_text(f"provider-contract:{provider}@1")
    expect(rows.nth(1)).to_contain_text(f"provider-contract:{provider}@2")
    expect(signed_in.locator("#entry-count")).to_contain_text("2 entries match")
    expect(signed_in.get_by_label("Action", exact=True)).to_have_value("provider-contract.publish")
    chain = signed_in.locator("#chain")
    expect(chain.locator(".chain-status")).to_contain_text("Verified")
    expect(chain.locator("#audit-head")).to_have_text(head)
    screenshot(signed_in, "audit")

    signed_in.get_by_label("Since (ISO 8601 with an offset)").fill("yesterday")
    signed_in.get_by_role("button", name="Filter").click()
    expect(signed_in.get_by_role("alert")).to_contain_text("The audit filters are not valid")
    expect(signed_in.locator("main")).to_contain_text("since must be an ISO 8601 time")
