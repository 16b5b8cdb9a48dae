"""The approvals inbox in Chromium (#15 item 7), against a governed broker process.

Each test gets a broker of its own (SQLite, an admin token), set up as the governance
end-to-end tests set theirs up (tests/e2e/governance_setup.py): `web-team` owns the consumer
Web, `orders-team` the provider Orders, and Web is in brownfield-enterprise mode, so its changed
pact waits for an approver of `orders-team`. People sign in with their tokens through the
sign-in form; the real Rust `pact-broker can-i-deploy` judges what an approval changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import WIDTHS, screenshot
from tests.e2e.conftest import running_broker
from tests.e2e.governance_setup import (
    ADMIN,
    CANCEL_INTERACTION,
    CONSUMER,
    ENVIRONMENT,
    ORDER_INTERACTION,
    PROVIDER,
    accord_ok,
    admin,
    deploy,
    pact,
    publish_pact,
    teams_and_tokens,
    verify,
)
from tests.e2e.pact_clients import run_cli

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.pact_clients]

CANCEL = "a request to cancel an order"


@dataclass(frozen=True)
class Governed:
    """A broker whose Web has an open change request (its pact gained CANCEL_INTERACTION)."""

    url: str
    tokens: dict[str, str]
    request_id: int

    def status(self) -> tuple[str, int]:
        """The change request's status and how many approvals it holds, from the API."""
        with admin(self.url) as sdk:
            found = sdk.get_change_request(self.request_id)
        return found.status, len(found.approvals)


@pytest.fixture
def governed(tmp_path: Path) -> Iterator[Governed]:
    """Web 1.0.0 verified and deployed with Orders 2.0.0; then Web 1.0.1, in enterprise mode,
    adds an interaction, which Orders 2.0.0 also verifies: only the approval is missing."""
    database = f"sqlite:///{tmp_path / 'accord.db'}"
    with running_broker(database, tmp_path, ACCORD_ADMIN_TOKEN=ADMIN) as url:
        tokens = teams_and_tokens(url)
        with admin(url) as sdk:
            reader = sdk.create_token("orders-reader", role="read", teams=["orders-team"]).token
        assert reader is not None
        tokens["orders-reader"] = reader
        publish_pact(url, tokens["web-ci"], "1.0.0", pact(ORDER_INTERACTION))
        verify(url, tokens["orders-ci"], "1.0.0", "2.0.0")
        deploy(url, tokens["orders-ci"], PROVIDER, "2.0.0")
        accord_ok(
            url, ADMIN, "set-mode", "--pacticipant", CONSUMER, "--mode", "brownfield-enterprise"
        )
        publish_pact(url, tokens["web-ci"], "1.0.1", pact(ORDER_INTERACTION, CANCEL_INTERACTION))
        verify(url, tokens["orders-ci"], "1.0.1", "2.0.0")
        with admin(url) as sdk:
            [opened] = sdk.list_change_requests(CONSUMER, "open")
        yield Governed(url, tokens, opened.id)


def can_i_deploy(broker: Governed, version: str) -> tuple[int, str]:
    """The Rust `pact-broker can-i-deploy` of Web's version to production."""
    done = run_cli(
        "rust",
        broker.url,
        "can-i-deploy",
        "--pacticipant",
        CONSUMER,
        "--version",
        version,
        "--to-environment",
        ENVIRONMENT,
        PACT_BROKER_TOKEN=broker.tokens["web-ci"],
    )
    return done.returncode, done.stdout + done.stderr


def signed_in_as(browser: Browser, broker: Governed, who: str) -> Page:
    """A fresh browser context signed in with `who`'s token through the sign-in form."""
    context = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900})
    page = context.new_page()
    page.goto(f"{broker.url}/ui/sign-in")
    page.get_by_label("Token", exact=True).fill(broker.tokens[who])
    page.get_by_role("button", name="Sign in with the token").click()
    page.wait_for_url(f"{broker.url}/")
    return page


def fits_a_phone(page: Page) -> None:
    """At 375 px the body does not scroll sideways (tables scroll in their own box)."""
    original = page.viewport_size
    page.set_viewport_size({"width": WIDTHS["phone"], "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if original is not None:
        page.set_viewport_size(original)


def test_an_approver_approves_from_the_inbox_and_can_i_deploy_then_says_yes(
    browser: Browser, governed: Governed
) -> None:
    number = governed.request_id
    code, output = can_i_deploy(governed, "1.0.1")
    assert code != 0, output
    assert f"change request {number} awaiting approval" in output.lower(), output

    page = signed_in_as(browser, governed, "orders-approver")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    expect(page.get_by_role("heading", name="Approvals", level=1)).to_be_visible()
    yours = page.locator("section", has=page.get_by_role("heading", name="Awaiting your teams"))
    row = yours.locator(f'tr[data-change-request="{number}"]')
    expect(row).to_contain_text(f"The pact of {CONSUMER} with {PROVIDER}")
    expect(row).to_contain_text("1.0.1")
    expect(row).to_contain_text("Awaits you: orders-team")
    fits_a_phone(page)
    screenshot(page, "approvals-inbox")

    row.get_by_role("link", name=f"Change request {number}").click()
    expect(page.get_by_role("heading", name=re.compile(f"Change request {number}"))).to_be_visible()
    # The diff the API computes, the interaction it touches, and who must approve.
    added = page.locator(".change-added")
    expect(added).to_have_count(1)
    expect(added).to_contain_text(f"+ interaction '{CANCEL}'")
    expect(page.locator(".change-lines")).to_contain_text(
        "0 removed, 1 added, 0 changed, 1 unchanged"
    )
    expect(page.locator(f'li[data-affected="{PROVIDER}"]')).to_contain_text(CANCEL)
    requirement = page.locator(f'tr[data-requirement="{PROVIDER}"]')
    expect(requirement).to_contain_text("orders-team")
    expect(requirement).to_contain_text("Waiting")
    expect(page.get_by_text("Nobody has approved it yet.")).to_be_visible()
    fits_a_phone(page)
    screenshot(page, "change-request")

    page.get_by_role("button", name=f"Approve change request {number}").click()
    expect(page.locator("#outcome")).to_have_text("Your approval was recorded.")
    expect(
        page.get_by_role("heading", name=re.compile(f"Change request {number}"))
    ).to_contain_text("Approved")
    expect(requirement).to_contain_text("Met")
    expect(page.locator(".approvals")).to_contain_text("for orders-team")
    expect(page.get_by_role("button", name=re.compile("Approve"))).to_have_count(0)
    screenshot(page, "change-request-approved")
    assert governed.status() == ("approved", 1)

    code, output = can_i_deploy(governed, "1.0.1")
    assert code == 0, output
    assert "change request" not in output.lower(), output

    page.goto(f"{governed.url}/ui/approvals")
    expect(page.locator("#yours-count")).to_have_text("Nothing awaits your teams.")
    decided = page.locator("section", has=page.get_by_role("heading", name="Decided"))
    expect(decided.locator(f'tr[data-change-request="{number}"]')).to_contain_text("Approved")
    page.context.close()


def test_a_reject_without_a_reason_is_refused_on_the_page(
    browser: Browser, governed: Governed
) -> None:
    number = governed.request_id
    page = signed_in_as(browser, governed, "orders-approver")
    page.goto(f"{governed.url}/ui/change-requests/{number}")
    page.get_by_label("Reason").fill("   ")
    page.get_by_role("button", name=f"Reject change request {number}").click()

    expect(page.get_by_role("alert")).to_contain_text("A rejection needs a reason")
    expect(page.get_by_role("alert")).to_contain_text("Nothing was recorded.")
    expect(page.get_by_label("Reason")).to_have_attribute("aria-invalid", "true")
    expect(
        page.get_by_role("heading", name=re.compile(f"Change request {number}"))
    ).to_contain_text("Open")
    assert governed.status() == ("open", 0)
    screenshot(page, "change-request-reject-refused")

    page.get_by_label("Reason").fill("Orders cannot cancel orders yet")
    page.get_by_role("button", name=f"Reject change request {number}").click()
    expect(page.locator("#outcome")).to_have_text("You rejected this change request.")
    expect(page.locator("#rejection-reason")).to_have_text("Orders cannot cancel orders yet")
    assert governed.status() == ("rejected", 0)
    code, output = can_i_deploy(governed, "1.0.1")
    assert code != 0
    assert "Orders cannot cancel orders yet" in output, output
    page.context.close()


def test_a_read_only_token_sees_no_buttons_and_a_forged_post_gets_403(
    browser: Browser, governed: Governed
) -> None:
    number = governed.request_id
    page = signed_in_as(browser, governed, "orders-reader")
    page.goto(f"{governed.url}/ui/approvals")
    yours = page.locator("section", has=page.get_by_role("heading", name="Awaiting your teams"))
    expect(yours.locator(f'tr[data-change-request="{number}"]')).to_be_visible()
    expect(page.get_by_text("Your role may read change requests but not approve")).to_be_visible()

    page.get_by_role("link", name=f"Change request {number}").first.click()
    expect(page.locator(".change-added")).to_contain_text(CANCEL)
    expect(page.get_by_role("button", name=re.compile("Approve|Reject"))).to_have_count(0)
    expect(page.locator("#why-not")).to_contain_text("Your role may not approve or reject")

    # A form sent by hand, with this browser's cookies and its valid CSRF token.
    csrf = page.locator('input[name="csrf_token"]').first.get_attribute("value")
    assert csrf
    for verb in ("approve", "reject"):
        forged = page.request.post(
            f"{governed.url}/ui/change-requests/{number}/{verb}",
            form={"csrf_token": csrf, "reason": "forged"},
            headers={"Accept": "text/html"},
        )
        assert forged.status == 403, forged.text()
        assert "read role" in forged.text()
    assert governed.status() == ("open", 0)
    code, output = can_i_deploy(governed, "1.0.1")
    assert code != 0, output
    page.context.close()
