"""The admin pages in Chromium (#15 item 9): what an admin does there, and the API then shows.

This module runs a broker of its own (SQLite, `ACCORD_ADMIN_TOKEN`, webhook delivery on and
allowed to reach 127.0.0.1) and a webhook receiver on 127.0.0.1 whose answer the tests choose,
so a real delivery happens, fails until it is dead, and is re-driven from the page.
"""

from __future__ import annotations

import base64
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import WIDTHS, Broker, api_client, screenshot
from tests.e2e.conftest import running_broker
from tests.support.delivery_receiver import ReceivedCall, ThreadedReceiver

pytestmark = pytest.mark.browser

ADMIN = "admin-secret-for-the-admin-pages"
HOOK_PASSWORD = "hook-password-never-shown"
DELIVERY_ENV = {
    "ACCORD_WEBHOOK_DELIVERY": "true",
    "ACCORD_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
    "ACCORD_WEBHOOK_SCHEMES": "http,https",
    "ACCORD_WEBHOOK_TIMEOUT": "2",
    "ACCORD_WEBHOOK_POLL_INTERVAL": "0.1",
    "ACCORD_WEBHOOK_RETRY_SCHEDULE": "0.1,0.1",
}


class Switch:
    """The receiver's answer: 500 until `ok` is set, then 200."""

    def __init__(self) -> None:
        self.ok = threading.Event()

    async def __call__(self, call: ReceivedCall) -> int:
        return 200 if self.ok.is_set() else 500


@dataclass(frozen=True)
class AdminBroker(Broker):
    """The module's broker, and its webhook receiver with the switch of its answer."""

    receiver: ThreadedReceiver
    switch: Switch

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {ADMIN}", "Accept": "application/hal+json"}
        return api_client().request(method, self.url + path, headers=headers, **kwargs)


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AdminBroker]:
    workdir: Path = tmp_path_factory.mktemp("admin-broker")
    switch = Switch()
    with ThreadedReceiver(switch) as receiver:
        database = f"sqlite:///{workdir / 'accord.db'}"
        with running_broker(database, workdir, ACCORD_ADMIN_TOKEN=ADMIN, **DELIVERY_ENV) as url:
            yield AdminBroker(url, receiver, switch)


def new_page(browser: Browser, broker: AdminBroker, secret: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900})
    page = context.new_page()
    page.goto(f"{broker.url}/ui/sign-in")
    page.get_by_label("Token", exact=True).fill(secret)
    page.get_by_role("button", name="Sign in with the token").click()
    page.wait_for_url(f"{broker.url}/")
    return context, page


@pytest.fixture
def admin(browser: Browser, broker: AdminBroker) -> Iterator[Page]:
    """A page signed in with the admin token."""
    context, page = new_page(browser, broker, ADMIN)
    yield page
    context.close()


def test_a_token_created_on_the_page_is_shown_once_works_and_is_refused_once_revoked(
    admin: Page, broker: AdminBroker
) -> None:
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Admin")
    screenshot(admin, "admin-index")
    admin.get_by_role("navigation", name="Admin").get_by_role("link", name="Tokens").click()

    admin.get_by_label("Name", exact=True).fill("release-bot")
    admin.get_by_label("Role", exact=True).select_option("write")
    admin.get_by_label("Teams", exact=True).fill("payments")
    admin.get_by_role("button", name="Create the token").click()
    expect(admin.get_by_role("heading", name="Token release-bot created")).to_be_visible()
    secret = admin.get_by_label("Secret of release-bot").input_value()
    assert secret.startswith("accord_")
    screenshot(admin, "admin-token-created")

    bearer = {"Authorization": f"Bearer {secret}"}
    assert httpx.get(f"{broker.url}/pacticipants", headers=bearer).status_code == 200

    admin.goto(f"{broker.url}/ui/admin/tokens")
    row = admin.locator('tr[data-name="release-bot"]')
    expect(row).to_contain_text("payments")
    assert secret not in admin.content()
    admin.reload()
    assert secret not in admin.content()
    listed = broker.api("GET", "/admin/tokens").text
    assert secret not in listed
    screenshot(admin, "admin-tokens")

    row.get_by_role("button", name=re.compile("Revoke release-bot")).click()
    expect(admin.get_by_role("status")).to_contain_text("The token was revoked")
    expect(row.locator(".status-failure")).to_have_text("Revoked")
    assert httpx.get(f"{broker.url}/pacticipants", headers=bearer).status_code == 401


def test_a_user_and_a_team_made_on_the_pages_with_an_assigned_pacticipant_show_in_the_api(
    admin: Page, broker: AdminBroker
) -> None:
    admin.goto(f"{broker.url}/ui/admin/users")
    admin.get_by_label("Username", exact=True).fill("ann")
    admin.get_by_label("Password", exact=True).fill("short")
    admin.get_by_label("Role", exact=True).select_option("approver")
    # The browser would refuse nothing here: the broker does, naming the field.
    admin.get_by_role("button", name="Create the user").click()
    alert = admin.get_by_role("alert")
    expect(alert).to_contain_text("Password: must have at least 8 characters")
    expect(alert).to_contain_text("Nothing was changed.")
    expect(admin.get_by_label("Username", exact=True)).to_have_value("ann")
    screenshot(admin, "admin-user-refused")
    assert broker.api("GET", "/admin/users/ann").status_code == 404

    admin.get_by_label("Password", exact=True).fill("a long enough password")
    admin.get_by_label("Teams", exact=True).fill("payments")
    admin.get_by_role("button", name="Create the user").click()
    expect(admin.get_by_role("status")).to_have_text("The user was created.")
    user = broker.api("GET", "/admin/users/ann").json()
    assert (user["role"], user["teams"], user["disabled"]) == ("approver", ["payments"], False)
    admin.locator('tr[data-user="ann"]').get_by_role("button", name="Disable ann").click()
    expect(admin.locator('tr[data-user="ann"] .status-failure')).to_have_text("Disabled")
    assert broker.api("GET", "/admin/users/ann").json()["disabled"] is True
    screenshot(admin, "admin-users")

    broker.api("POST", "/pacticipants", json={"name": "Checkout"})
    admin.get_by_role("navigation", name="Admin").get_by_role("link", name="Teams").click()
    admin.get_by_label("Name", exact=True).fill("payments")
    admin.get_by_label("Pacticipants", exact=True).fill("Ledger")
    admin.get_by_role("button", name="Save the team").click()
    team = admin.locator('article[data-team="payments"]')
    expect(team).to_contain_text("Users: ann")
    team.get_by_label("Assign a pacticipant to payments").fill("Checkout")
    team.get_by_role("button", name="Assign").click()
    expect(admin.get_by_role("status")).to_have_text("The pacticipant was assigned to the team.")
    expect(team.locator("li[data-pacticipant]")).to_have_count(2)
    assert sorted(broker.api("GET", "/admin/teams/payments").json()["pacticipants"]) == [
        "Checkout",
        "Ledger",
    ]
    screenshot(admin, "admin-teams")
    team.get_by_role("button", name="Take Ledger from payments").click()
    expect(team.locator("li[data-pacticipant]")).to_have_count(1)
    assert broker.api("GET", "/admin/teams/payments").json()["pacticipants"] == ["Checkout"]
    mode = broker.api("GET", "/pacticipants/Checkout/mode").json()
    assert mode["owningTeams"] == ["payments"]


def test_a_mode_and_an_approval_policy_set_on_the_page_show_in_the_api(
    admin: Page, broker: AdminBroker
) -> None:
    broker.api("POST", "/pacticipants", json={"name": "Inventory"})
    admin.goto(f"{broker.url}/ui/admin/modes")
    row = admin.locator('tr[data-pacticipant="Inventory"]')
    row.get_by_label("Mode of Inventory", exact=True).select_option("brownfield-enterprise")
    row.get_by_role("button", name="Set the mode of Inventory").click()
    expect(admin.get_by_role("status")).to_have_text("The mode was set.")
    expect(row.get_by_label("Mode of Inventory", exact=True)).to_have_value("brownfield-enterprise")
    assert broker.api("GET", "/pacticipants/Inventory/mode").json()["mode"] == (
        "brownfield-enterprise"
    )

    row.get_by_role("link", name="Change the approval policy of Inventory").click()
    expect(admin.get_by_label("Pacticipant", exact=True)).to_have_value("Inventory")
    admin.get_by_label("Teams", exact=True).fill("payments, platform")
    admin.get_by_label("Approvals required", exact=True).fill("3")
    admin.get_by_role("button", name="Set the policy").click()
    expect(admin.get_by_role("alert")).to_contain_text(
        "Approvals required: must be between 1 and 2"
    )
    assert broker.api("GET", "/pacticipants/Inventory/approval-policy").json()["isDefault"]
    admin.get_by_label("Approvals required", exact=True).fill("2")
    admin.get_by_role("button", name="Set the policy").click()
    expect(admin.get_by_role("status")).to_have_text("The approval policy was set.")
    expect(row.locator(".policy")).to_contain_text("2 of payments, platform")
    policy = broker.api("GET", "/pacticipants/Inventory/approval-policy").json()
    assert (policy["teams"], policy["required"]) == (["payments", "platform"], 2)
    screenshot(admin, "admin-modes")


def wait_for_status(broker: AdminBroker, delivery: str, status: str) -> None:
    deadline = time.monotonic() + 60
    while broker.api("GET", f"/triggered-webhooks/{delivery}").json()["status"] != status:
        assert time.monotonic() < deadline, f"delivery {delivery} never became {status}"
        time.sleep(0.1)


def test_a_webhooks_page_shows_its_delivery_and_log_masked_and_redrives_it_when_dead(
    admin: Page, broker: AdminBroker
) -> None:
    broker.publish("Storefront", "Catalogue", "1.0.0")
    created = broker.api(
        "POST",
        "/webhooks",
        json={
            "description": "Tell CI about Storefront",
            "consumer": {"name": "Storefront"},
            "provider": {"name": "Catalogue"},
            "events": [{"name": "contract_published"}],
            "request": {
                "method": "POST",
                "url": f"{broker.receiver.url}/hooks/ci",
                "username": "hook-user",
                "password": HOOK_PASSWORD,
                "headers": {"Content-Type": "application/json"},
                "body": {"pact": "${pactbroker.pactUrl}"},
            },
        },
    )
    assert created.status_code == 201, created.text
    uuid = created.json()["uuid"]
    broker.publish("Storefront", "Catalogue", "1.0.1")
    listed = broker.api("GET", f"/webhooks/{uuid}/executions").json()
    [delivery] = [d["uuid"] for d in listed["_embedded"]["triggeredWebhooks"]]
    wait_for_status(broker, delivery, "dead")  # the receiver answers 500 to every attempt

    admin.goto(f"{broker.url}/ui/admin/webhooks")
    row = admin.locator(f'tr[data-webhook="{uuid}"]')
    expect(row).to_contain_text("contract_published")
    expect(row).to_contain_text("Enabled")
    expect(row).to_contain_text("password **********")
    assert HOOK_PASSWORD not in admin.content()
    screenshot(admin, "admin-webhooks")

    row.get_by_role("link", name="Tell CI about Storefront").click()
    card = admin.locator(f'article[data-delivery="{delivery}"]')
    expect(card).to_have_attribute("data-status", "dead")
    log = card.locator("details.log pre")
    expect(log).to_contain_text("500")
    expect(log).to_contain_text("Authorization: **********")
    expect(log).to_contain_text("/hooks/ci")
    basic = base64.b64encode(f"hook-user:{HOOK_PASSWORD}".encode()).decode()
    assert HOOK_PASSWORD not in admin.content()
    assert basic not in admin.content()
    screenshot(admin, "admin-webhook")

    broker.switch.ok.set()
    card.get_by_role("button", name=f"Re-drive delivery {delivery}").click()
    expect(admin.get_by_role("status")).to_contain_text("The delivery was re-driven")
    wait_for_status(broker, delivery, "succeeded")
    admin.reload()
    expect(card).to_have_attribute("data-status", "succeeded")
    expect(card.get_by_role("button", name=re.compile("Re-drive"))).to_have_count(0)


def test_a_reader_sees_no_admin_link_and_gets_403_on_the_admin_pages(
    browser: Browser, broker: AdminBroker
) -> None:
    made = broker.api("POST", "/admin/tokens", json={"name": "a-reader", "role": "read"})
    context, page = new_page(browser, broker, made.json()["token"])
    try:
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Integrations")).to_be_visible()
        expect(nav.get_by_role("link", name="Admin")).to_have_count(0)
        for path in ("", "/tokens", "/users", "/teams", "/modes", "/webhooks"):
            response = page.goto(f"{broker.url}/ui/admin{path}")
            assert response is not None and response.status == 403, path
            expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
            expect(page.get_by_role("alert")).to_contain_text("needs the admin role")
        screenshot(page, "admin-forbidden")
    finally:
        context.close()


def test_an_admin_form_sent_without_its_csrf_token_is_refused(
    admin: Page, broker: AdminBroker
) -> None:
    """The browser's cookies go with the request, as a cross-site form would send them."""
    refused = admin.request.post(
        f"{broker.url}/ui/admin/tokens", form={"name": "forged", "role": "admin"}
    )
    assert refused.status == 403
    assert "CSRF token" in refused.text()
    tokens = broker.api("GET", "/admin/tokens").json()["_embedded"]["tokens"]
    assert "forged" not in [t["name"] for t in tokens]


@pytest.mark.parametrize("width", WIDTHS.values())
def test_the_admin_pages_fit_the_screen_without_sideways_scrolling(
    admin: Page, broker: AdminBroker, width: int
) -> None:
    admin.set_viewport_size({"width": width, "height": 900})
    for path in ("", "/tokens", "/users", "/teams", "/modes", "/webhooks"):
        admin.goto(f"{broker.url}/ui/admin{path}")
        overflow = admin.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"/ui/admin{path} is {overflow}px wider than {width}px"


def test_a_team_is_saved_with_the_keyboard_alone(admin: Page, broker: AdminBroker) -> None:
    admin.goto(f"{broker.url}/ui/admin/teams")
    admin.get_by_label("Name", exact=True).focus()
    admin.keyboard.type("keyboarders")
    admin.keyboard.press("Tab")
    expect(admin.get_by_label("Pacticipants", exact=True)).to_be_focused()
    admin.keyboard.type("Typist")
    admin.keyboard.press("Tab")
    expect(admin.get_by_role("button", name="Save the team")).to_be_focused()
    admin.keyboard.press("Enter")
    expect(admin.get_by_role("status")).to_have_text("The team was saved.")
    assert broker.api("GET", "/admin/teams/keyboarders").json()["pacticipants"] == ["Typist"]
