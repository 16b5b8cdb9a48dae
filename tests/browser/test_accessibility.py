"""Accessibility and the public base URL in Chromium (#15 item 12).

The home, pacticipant, pact and sign-in pages: every control has an accessible name, every
image and SVG a text alternative, nothing scrolls sideways at 375 px, and Tab reaches the main
links and forms with a visible focus. A broker whose `ACCORD_BASE_URL` is another origin than
the one the browser uses puts every link, form and badge under that base URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

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

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Pages:
    """The paths of the pages a test looks at."""

    home: str
    pacticipant: str
    pact: str


def history(broker: Broker, names: str) -> Pages:
    """Two versions of a pact, one verified, the provider deployed: every page has content."""
    consumer, provider = f"{names}Web", f"{names}Orders"
    broker.publish(consumer, provider, "1.0.0")
    broker.publish(consumer, provider, "1.1.0")
    broker.verify(consumer, provider, "1.1.0", "2.0.0", success=True)
    broker.deploy(provider, "2.0.0", "production")
    return Pages(
        home=f"/ui?name={names}",
        pacticipant=f"/ui/pacticipants/{consumer}",
        pact=f"/ui/pacts/provider/{provider}/consumer/{consumer}/version/1.1.0",
    )


def test_the_home_pacticipant_and_pact_pages_are_accessible(
    signed_in: Page, web_broker: Broker, names: str
) -> None:
    pages = history(web_broker, names)
    for path in (pages.home, pages.pacticipant, pages.pact):
        signed_in.goto(web_broker.url + path)
        assert_accessible(signed_in)
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
            f"{PUBLIC}/pacts/provider/BaseOrders/consumer/BaseWeb/latest/badge.svg"
        )
        snippet = page.get_by_label("Markdown for a README").input_value()
        assert f"({PUBLIC}/pacts/provider/BaseOrders/consumer/BaseWeb/latest/badge.svg)" in snippet
        # The badge it names is the broker's own, served at the path under the base URL.
        served = httpx.get(
            elsewhere + "/pacts/provider/BaseOrders/consumer/BaseWeb/latest/badge.svg"
        )
        assert served.status_code == 200
        assert served.headers["content-type"].startswith("image/svg+xml")
    finally:
        context.close()
