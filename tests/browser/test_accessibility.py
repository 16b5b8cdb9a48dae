"""Accessibility and the public base URL in Chromium (#15 item 12).

The home, pacticipant, pact and sign-in pages: every control has an accessible name, every
image and SVG a text alternative, nothing scrolls sideways at 375 px, and Tab reaches the main
links and forms with a visible focus. A broker whose `ACCORD_BASE_URL` is another origin than
the one the browser uses puts every link, form and badge under that base URL.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.a11y import (
    assert_accessible,
    assert_keyboard_reaches,
    images_without_alternatives,
    sideways_overflow,
    unnamed_controls,
)
from tests.browser.conftest import WIDTHS, Broker, screenshot
from tests.e2e.conftest import running_broker
from tests.integration.http.test_provider_contracts import PACT, contract_body


# What `pact-broker publish` sends for one pact document.
def pact_body(consumer: str, document: dict[str, Any]) -> dict[str, Any]:
    return {
        "pacticipantName": consumer,
        "pacticipantVersionNumber": "1.0.0",
        "branch": "main",
        "contracts": [
            {
                "consumerName": consumer,
                "providerName": document["provider"]["name"],
                "specification": "pact",
                "contentType": "application/json",
                "content": base64.b64encode(json.dumps(document).encode()).decode(),
            }
        ],
    }


pytestmark = pytest.mark.browser

WIDEST = 1920


@dataclass(frozen=True)
class Pages:
    """The paths of the pages a test looks at."""

    home: str
    pacticipant: str
    pact: str


def history(broker: Broker, names: str) -> Pages:
    """Two versions of a pact, one verified, the provider deployed: every page has content.

    Also a provider publishing a provider contract (the home page's bi-directional status), an
    approval policy and a webhook on the consumer (its page's governance sections).
    """
    consumer, provider = f"{names}web", f"{names}orders"
    broker.publish(consumer, provider, "1.0.0")
    broker.publish(consumer, provider, "1.1.0")
    broker.verify(consumer, provider, "1.1.0", "2.0.0", success=True)
    broker.deploy(provider, "2.0.0", "production")
    broker.deploy(consumer, "1.0.0", "production")
    bdct_consumer, bdct_provider = f"{names}mobile", f"{names}pets"
    pact = {**PACT, "consumer": {"name": bdct_consumer}, "provider": {"name": bdct_provider}}
    published = broker.api("POST", "/contracts/publish", json=pact_body(bdct_consumer, pact))
    assert published.status_code == 200, published.text
    body = contract_body("3.0.0", branch="main")
    contract = broker.api(
        "POST", f"/provider-contracts/provider/{bdct_provider}/publish", json=body
    )
    assert contract.status_code == 200, contract.text
    team = broker.api("PUT", f"/admin/teams/{names}team", json={"pacticipants": [consumer]})
    assert team.status_code == 200, team.text
    policy = broker.api(
        "PUT",
        f"/pacticipants/{consumer}/approval-policy",
        json={"teams": [f"{names}team"], "required": 1},
    )
    assert policy.status_code == 200, policy.text
    hook = {
        "description": f"Build {provider} when the pact changes",
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "events": [{"name": "contract_requiring_verification_published"}],
        "request": {"method": "POST", "url": "https://1.2.3.4/builds"},
    }
    made = broker.api("POST", "/webhooks", json=hook)
    assert made.status_code == 201, made.text
    return Pages(
        home=f"/ui?name={names}",
        pacticipant=f"/ui/pacticipants/{consumer}",
        pact=f"/ui/pacts/provider/{provider}/consumer/{consumer}/version/1.1.0",
    )


def test_the_home_pacticipant_and_pact_pages_are_accessible(
    signed_in: Page, web_broker: Broker
) -> None:
    # Names of this test alone that read well: its screenshots are the README's.
    prefix = "shop-"
    pages = history(web_broker, prefix)
    for path, name in (
        (pages.home, "home"),
        (pages.pacticipant, "pacticipant"),
        (pages.pact, "pact"),
    ):
        signed_in.goto(web_broker.url + path)
        assert_accessible(signed_in)
        assert sideways_overflow(signed_in, WIDEST) == 0, f"{path} scrolls sideways at {WIDEST}"
        screenshot(signed_in, f"accessible-{name}")
    signed_in.goto(web_broker.url + pages.home)
    expect(signed_in.locator(f'tr[data-consumer="{prefix}mobile"] .contract-status')).to_have_text(
        re.compile("Compatible")
    )
    signed_in.goto(web_broker.url + pages.pacticipant)
    expect(signed_in.locator("tr[data-webhook]")).to_have_count(1)
    expect(signed_in.locator(".policy")).to_contain_text(f"1 of the team {prefix}team")
    signed_in.goto(web_broker.url + pages.pact)
    # The badge loads for the signed-in browser although the broker needs a token to read.
    badge = signed_in.get_by_role("img", name=re.compile("verification status"))
    expect(badge).to_be_visible()
    signed_in.wait_for_function("() => document.querySelector('img.badge').complete")
    assert badge.evaluate("(img) => img.naturalWidth") > 0
    # The pact page's badge is an image with a text alternative.
    expect(signed_in.get_by_role("img", name=re.compile("verification status"))).to_have_count(1)


def test_the_sign_in_page_is_accessible_and_its_forms_reachable(
    browser: Browser, web_broker: Broker
) -> None:
    context = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{web_broker.url}/ui/sign-in")
        assert_accessible(page)
        reached = assert_keyboard_reaches(page, ["a.skip-link", "main form"])
        # Every text field of both forms, in order: token, then user name and password.
        fields = [r for r in reached if r["tag"] == "input"]
        assert len(fields) >= 3, reached
        screenshot(page, "sign-in")
    finally:
        context.close()


def test_tab_reaches_the_main_links_and_forms_with_a_visible_focus(
    signed_in: Page, web_broker: Broker, names: str
) -> None:
    pages = history(web_broker, names)
    wanted = {
        pages.home: [
            "a.skip-link",
            'nav[aria-label="Main"] a',
            "form[role=search] input",
            "form[role=search] button",
            "tbody a",
        ],
        pages.pacticipant: [
            'nav[aria-label="Main"] a',
            "#candidate",
            "table.versions a",
        ],
        pages.pact: ['nav[aria-label="Main"] a', "#compare", "#badge-markdown", ".facts a"],
    }
    for path, selectors in wanted.items():
        signed_in.goto(web_broker.url + path)
        reached = assert_keyboard_reaches(signed_in, selectors)
        assert reached[0]["text"] == "Skip to the content", reached[:3]


def test_the_checks_catch_what_they_look_for(signed_in: Page, web_broker: Broker) -> None:
    """The helpers are not vacuous: a page with each fault is caught by its check."""
    signed_in.goto(f"{web_broker.url}/ui")
    signed_in.set_content(
        "<main><input id='x'><button></button><img src='x.png'>"
        "<svg width='10' height='10'><rect width='10' height='10'/></svg>"
        "<svg aria-hidden='true'></svg><svg role='img' aria-label='named'></svg>"
        "<canvas width='900' height='10'></canvas></main>"
    )
    assert len(unnamed_controls(signed_in)) == 2  # the input and the empty button
    missing = images_without_alternatives(signed_in)
    assert len(missing) == 2, missing  # the img without alt and the unnamed svg
    assert sideways_overflow(signed_in) > 0
    with pytest.raises(AssertionError, match="accessible name"):
        assert_accessible(signed_in)


PUBLIC = "http://accord.example.test/public"


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An open broker that believes it is served at PUBLIC: its real URL."""
    workdir = tmp_path_factory.mktemp("base-url-broker")
    database = f"sqlite:///{workdir / 'accord.db'}"
    with running_broker(database, workdir, ACCORD_BASE_URL=PUBLIC) as url:
        yield url


# Every URL a page points the browser at: links, forms, stylesheets and images.
_URLS = """
() => [
  ...[...document.querySelectorAll('a[href], link[href]')].map(e => e.getAttribute('href')),
  ...[...document.querySelectorAll('form[action]')].map(e => e.getAttribute('action')),
  ...[...document.querySelectorAll('img[src]')].map(e => e.getAttribute('src')),
]
"""


def test_links_and_badges_use_the_public_base_url_not_the_browsers_origin(
    browser: Browser, elsewhere: str
) -> None:
    broker = Broker(elsewhere)
    broker.publish("BaseWeb", "BaseOrders", "1.0.0")
    pact = broker.api("GET", "/pacts/provider/BaseOrders/consumer/BaseWeb/version/1.0.0")
    # The API's links are under the public base URL too: follow this one to the real server.
    results = pact.json()["_links"]["pb:publish-verification-results"]["href"]
    assert results.startswith(PUBLIC + "/")
    posted = broker.api(
        "POST",
        results.removeprefix(PUBLIC),
        json={"success": True, "providerApplicationVersion": "2.0.0"},
    )
    assert posted.status_code == 201, posted.text
    assert not elsewhere.startswith(PUBLIC)
    context = browser.new_context()
    page = context.new_page()
    try:
        for path in (
            "/ui",
            "/ui/pacticipants/BaseWeb",
            "/ui/pacts/provider/BaseOrders/consumer/BaseWeb/version/1.0.0",
        ):
            page.goto(elsewhere + path)
            urls = page.evaluate(_URLS)
            assert urls, path
            outside = [u for u in urls if not u.startswith((PUBLIC + "/", "#"))]
            assert not outside, f"{path} points outside {PUBLIC}: {outside}"
        badge = page.get_by_role("img", name=re.compile("verification status"))
        assert badge.get_attribute("src") == (
            f"{PUBLIC}/ui/pacts/provider/BaseOrders/consumer/BaseWeb/latest/badge.svg"
        )
        snippet = page.get_by_label("Markdown for a README").input_value()
        assert f"({PUBLIC}/pacts/provider/BaseOrders/consumer/BaseWeb/latest/badge.svg)" in snippet
        # The badge it names is the broker's own, served at the path under the base URL.
        for badge_path in (
            "/pacts/provider/BaseOrders/consumer/BaseWeb/latest/badge.svg",
            "/ui/pacts/provider/BaseOrders/consumer/BaseWeb/latest/badge.svg",
        ):
            served = httpx.get(elsewhere + badge_path)
            assert served.status_code == 200
            assert served.headers["content-type"].startswith("image/svg+xml")
            assert "verified" in served.text
    finally:
        context.close()
