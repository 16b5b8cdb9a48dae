"""The web interface in Chromium (#15): what a person sees, signs in with, and is refused."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import ADMIN, WIDTHS, Broker, screenshot

pytestmark = pytest.mark.browser


def row(page: Page, consumer: str, provider: str) -> Locator:
    return page.locator(f'tr[data-consumer="{consumer}"][data-provider="{provider}"]')


def test_the_home_page_lists_the_integrations_with_their_statuses(
    signed_in: Page, web_broker: Broker, names: str
) -> None:
    verified, failed, unverified, provider = (f"{names}{s}" for s in ("Ok", "Bad", "New", "Api"))
    for consumer in (verified, failed, unverified):
        web_broker.publish(consumer, provider, "1.0.0")
    web_broker.verify(verified, provider, "1.0.0", "2.0.0", success=True)
    web_broker.verify(failed, provider, "1.0.0", "2.0.0", success=False)
    web_broker.deploy(provider, "2.0.0", "production")

    signed_in.goto(f"{web_broker.url}/ui?name={names}")

    expect(signed_in.get_by_role("heading", name="Integrations")).to_be_visible()
    expect(signed_in.locator("tbody tr")).to_have_count(3)
    ok = row(signed_in, verified, provider)
    expect(ok.locator(".status-success")).to_have_text(re.compile("Verified"))
    expect(ok).to_contain_text("by 2.0.0")
    expect(ok).to_contain_text("version 1.0.0")
    expect(row(signed_in, failed, provider).locator(".status-failure")).to_have_text(
        re.compile("Failed")
    )
    expect(row(signed_in, unverified, provider).locator(".status-unverified")).to_have_text(
        re.compile("Unverified")
    )
    # What each side runs: the provider's 2.0.0 is deployed to production.
    expect(ok.locator(".live")).to_contain_text(re.compile(rf"Production\s+{provider}\s+2\.0\.0"))
    expect(signed_in.get_by_text("Signed in as ACCORD_ADMIN_TOKEN")).to_be_visible()
    screenshot(signed_in, "home")


def test_filtering_the_home_page_by_name_and_by_label(
    signed_in: Page, web_broker: Broker, names: str
) -> None:
    web_broker.publish(f"{names}Shop", f"{names}Stock", "1.0.0")
    web_broker.publish(f"{names}Mail", f"{names}Users", "1.0.0")
    labelled = web_broker.api("PUT", f"/pacticipants/{names}Users/labels/{names.lower()}-team")
    assert labelled.status_code in {200, 201}, labelled.text

    signed_in.goto(f"{web_broker.url}/ui")
    signed_in.get_by_label("Pacticipant name contains", exact=True).fill(f"{names}shop")  # any case
    signed_in.get_by_role("button", name="Filter").click()
    expect(signed_in.locator("tbody tr")).to_have_count(1)
    expect(row(signed_in, f"{names}Shop", f"{names}Stock")).to_be_visible()
    expect(signed_in.locator("#integration-count")).to_contain_text("1 of")

    signed_in.get_by_label("Pacticipant name contains", exact=True).fill("")
    signed_in.get_by_label("Label", exact=True).fill(f"{names.lower()}-team")
    signed_in.get_by_role("button", name="Filter").click()
    expect(signed_in.locator("tbody tr")).to_have_count(1)
    expect(row(signed_in, f"{names}Mail", f"{names}Users")).to_be_visible()

    signed_in.get_by_label("Pacticipant name contains", exact=True).fill("no-such-pacticipant")
    signed_in.get_by_label("Label", exact=True).fill("")
    signed_in.get_by_role("button", name="Filter").click()
    expect(signed_in.get_by_text("No integration matches this filter.")).to_be_visible()


def test_the_pacticipant_page_shows_versions_and_can_i_deploy_reasons(
    signed_in: Page, web_broker: Broker, names: str
) -> None:
    consumer, provider = f"{names}Web", f"{names}Orders"
    for version in ("1.0.0", "1.1.0", "1.2.0"):
        web_broker.publish(consumer, provider, version)
    web_broker.verify(consumer, provider, "1.2.0", "7.0.0", success=False)
    web_broker.deploy(provider, "7.0.0", "production")
    web_broker.environment("test")

    signed_in.goto(f"{web_broker.url}/ui?name={names}")
    signed_in.get_by_role("link", name=consumer, exact=True).first.click()

    expect(signed_in.get_by_role("heading", name=consumer, level=1)).to_be_visible()
    versions = signed_in.locator("table.versions tbody tr td:first-child")
    expect(versions).to_have_text(["1.2.0", "1.1.0", "1.0.0"])  # newest first
    expect(signed_in.locator("table.versions")).to_contain_text("main")
    production = signed_in.locator('article[data-environment="production"]')
    expect(production.locator(".decision")).to_contain_text("No")
    expect(production).to_contain_text("failed")  # the reason names the failed verification
    expect(production.locator("tbody")).to_contain_text("7.0.0")
    test_env = signed_in.locator('article[data-environment="test"]')
    expect(test_env.locator(".decision")).to_contain_text("Unknown")
    expect(test_env).to_contain_text(f"{provider}")
    screenshot(signed_in, "pacticipant")

    # Another version: its can-i-deploy, from the versions table's link.
    signed_in.get_by_role("link", name="Can 1.0.0 be deployed?").click()
    expect(signed_in.get_by_label("Version", exact=True)).to_have_value("1.0.0")
    expect(production.locator(".decision")).to_contain_text("Can 1.0.0 be deployed?")


def test_signing_in_with_a_token_and_out(browser: Browser, web_broker: Broker) -> None:
    context = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900})
    page = context.new_page()
    page.goto(f"{web_broker.url}/ui")
    expect(page).to_have_url(re.compile(r"/ui/sign-in\?next=%2Fui$"))
    screenshot(page, "sign-in")

    page.get_by_label("Token", exact=True).fill("not-the-token")
    page.get_by_role("button", name="Sign in with the token").click()
    expect(page.get_by_role("alert")).to_have_text("The bearer token is not known to this broker")

    page.get_by_label("Token", exact=True).fill(ADMIN)
    page.get_by_role("button", name="Sign in with the token").click()
    expect(page).to_have_url(f"{web_broker.url}/ui")
    expect(page.get_by_text("Signed in as ACCORD_ADMIN_TOKEN")).to_be_visible()
    cookie = next(c for c in context.cookies() if c["name"] == "accord_session")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    assert not [c for c in context.cookies() if c["name"] == "accord_session"]
    page.goto(f"{web_broker.url}/ui")
    expect(page).to_have_url(re.compile(r"/ui/sign-in"))
    context.close()


def test_a_form_post_without_its_csrf_token_gets_403(signed_in: Page, web_broker: Broker) -> None:
    """The browser's cookies go with the request, as a cross-site form would send them."""
    refused = signed_in.request.post(f"{web_broker.url}/ui/sign-out", form={"next": "/"})
    assert refused.status == 403
    assert "CSRF token" in refused.text()
    signed_in.goto(f"{web_broker.url}/ui")
    expect(signed_in.get_by_text("Signed in as ACCORD_ADMIN_TOKEN")).to_be_visible()


def test_an_api_client_asking_for_the_root_still_gets_hal(
    signed_in: Page, web_broker: Broker
) -> None:
    signed_in.goto(f"{web_broker.url}/")
    expect(signed_in.get_by_role("heading", name="Integrations")).to_be_visible()
    for accept in ("application/hal+json", "application/hal+json, application/json", "*/*"):
        response = httpx.get(
            f"{web_broker.url}/", headers={"Accept": accept, "Authorization": f"Bearer {ADMIN}"}
        )
        assert response.headers["content-type"].startswith("application/hal+json"), accept
        assert "pb:publish-contracts" in response.json()["_links"]


def test_the_first_tab_reaches_the_skip_link_and_it_moves_focus_to_the_content(
    signed_in: Page, web_broker: Broker
) -> None:
    signed_in.goto(f"{web_broker.url}/ui")
    signed_in.keyboard.press("Tab")
    skip = signed_in.get_by_role("link", name="Skip to the content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    signed_in.keyboard.press("Enter")
    expect(signed_in.locator("main")).to_be_focused()


@pytest.mark.parametrize("width", WIDTHS.values())
def test_pages_fit_the_screen_without_sideways_scrolling(
    signed_in: Page, web_broker: Broker, names: str, width: int
) -> None:
    web_broker.publish(f"{names}AVeryLongConsumerName", f"{names}AVeryLongProviderName", "1.0.0")
    signed_in.set_viewport_size({"width": width, "height": 900})
    for path in (f"/ui?name={names}", f"/ui/pacticipants/{names}AVeryLongConsumerName"):
        signed_in.goto(web_broker.url + path)
        overflow = signed_in.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than {width}px"


def test_the_pact_page_shows_the_interactions_and_the_verification_results(
    signed_in: Page, web_broker: Broker, names: str
) -> None:
    consumer, provider = f"{names}Web", f"{names}Orders"
    web_broker.publish(consumer, provider, "1.0.0")
    web_broker.publish(consumer, provider, "1.1.0")
    web_broker.verify(consumer, provider, "1.1.0", "3.0.0", success=True)
    web_broker.verify(consumer, provider, "1.1.0", "3.1.0", success=False)

    signed_in.goto(f"{web_broker.url}/ui?name={names}")
    row(signed_in, consumer, provider).get_by_role("link", name=re.compile("The pact of")).click()

    expect(signed_in.get_by_role("heading", level=1)).to_have_text(
        f"Pact of {consumer} with {provider}"
    )
    interaction = signed_in.locator("article.interaction")
    expect(interaction).to_have_count(1)
    expect(interaction.get_by_role("heading", level=3)).to_have_text(
        f"1. a request from {consumer}"
    )
    expect(interaction.locator(".request-line").first).to_have_text(
        f"GET /{consumer.lower()}/1.1.0"
    )
    expect(interaction).to_contain_text("Status 200")
    results = signed_in.locator("table.results tbody tr")
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_contain_text("3.1.0")
    expect(results.nth(0).locator(".status-failure")).to_be_visible()
    expect(results.nth(1).locator(".status-success")).to_be_visible()
    screenshot(signed_in, "pact")

    signed_in.get_by_role("navigation", name="Other versions of this pact").get_by_role(
        "link", name="1.0.0"
    ).click()
    expect(
        signed_in.get_by_text("No provider version has verified this pact's content yet.")
    ).to_be_visible()


def test_comparing_two_versions_of_a_pact_highlights_the_changed_interaction(
    signed_in: Page, web_broker: Broker, names: str
) -> None:
    consumer, provider = f"{names}Web", f"{names}Orders"
    web_broker.publish(consumer, provider, "1.0.0")
    web_broker.publish(consumer, provider, "1.1.0")  # the request path names the version

    signed_in.goto(
        f"{web_broker.url}/ui/pacts/provider/{provider}/consumer/{consumer}/version/1.1.0"
    )
    signed_in.get_by_label("Compare with the pact of version", exact=True).select_option("1.0.0")
    signed_in.get_by_role("button", name="Compare").click()

    expect(
        signed_in.get_by_role("heading", name="Changes from version 1.0.0 to 1.1.0")
    ).to_be_visible()
    changed = signed_in.locator("article.diff-changed")
    expect(changed).to_have_count(1)
    expect(changed.locator(".changed-path")).to_have_text(["request.path"])
    expect(changed.locator(".side-before .part-changed")).to_contain_text(
        f"/{consumer.lower()}/1.0.0"
    )
    expect(changed.locator(".side-after .part-changed")).to_contain_text(
        f"/{consumer.lower()}/1.1.0"
    )
    screenshot(signed_in, "pact-comparison")
