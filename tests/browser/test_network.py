"""The network page in Chromium (#15): every integration drawn, clickable, readable."""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import Page, expect

from broker.web.network_layout import label
from tests.browser.conftest import WIDTHS, Broker, screenshot
from tests.support.network_graph import network

pytestmark = pytest.mark.browser

# What the drawing looks like in the browser: each box's and label's rendered bounds.
BOUNDS = """() => [...document.querySelectorAll('svg.network a.node')].map(node => {
  const box = node.querySelector('rect').getBoundingClientRect();
  const text = node.querySelector('text').getBoundingClientRect();
  return {name: node.dataset.pacticipant, left: box.left, right: box.right, top: box.top,
          bottom: box.bottom, textLeft: text.left, textRight: text.right};
})"""


def test_the_network_page_draws_every_integration_with_its_status(
    signed_in: Page, web_broker: Broker, names: str
) -> None:
    web, mobile, orders, payments = (f"{names}{s}" for s in ("Web", "Mobile", "Orders", "Pay"))
    web_broker.publish(web, orders, "1.0.0")
    web_broker.publish(mobile, orders, "1.0.0")
    web_broker.publish(orders, payments, "2.0.0")
    web_broker.publish(payments, orders, "3.0.0")  # a cycle
    web_broker.verify(web, orders, "1.0.0", "2.0.0", success=True)
    web_broker.verify(mobile, orders, "1.0.0", "2.0.0", success=False)
    web_broker.verify(payments, orders, "3.0.0", "2.0.0", success=True)
    expected = {
        (web, orders): "success",
        (mobile, orders): "failure",
        (orders, payments): "unverified",
        (payments, orders): "success",
    }

    signed_in.goto(f"{web_broker.url}/ui")
    signed_in.get_by_role("navigation", name="Main").get_by_role("link", name="Network").click()
    signed_in.get_by_label("Pacticipant name contains", exact=True).fill(names)
    signed_in.get_by_role("button", name="Filter").click()

    expect(signed_in.get_by_role("heading", name="Network", level=1)).to_be_visible()
    edges = signed_in.locator("svg.network a.edge")
    expect(edges).to_have_count(len(expected))
    for (consumer, provider), status in expected.items():
        edge = signed_in.locator(f'a.edge[data-consumer="{consumer}"][data-provider="{provider}"]')
        expect(edge).to_have_attribute("data-status", status)
        expect(edge.locator("path.edge-line")).to_have_class(re.compile(f"edge-{status}"))
        # Drawn: a line of some length (a straight vertical one has an empty bounding box).
        length = edge.locator("path.edge-line").evaluate("path => path.getTotalLength()")
        assert length > 0
    nodes = signed_in.locator("svg.network a.node")
    expect(nodes).to_have_count(4)
    for name in (web, mobile, orders, payments):
        node = signed_in.locator(f'a.node[data-pacticipant="{name}"]')
        expect(node).to_have_attribute("href", re.compile(f"/ui/pacticipants/{name}$"))
        expect(node.locator("text")).to_have_text(label(name))  # long names are cut
    # The legend and the text alternative.
    legend = signed_in.get_by_role("list", name="Legend")
    for word in ("Verified", "Failed", "Unverified"):
        expect(legend).to_contain_text(word)
    table = signed_in.locator("table.integrations tbody tr")
    expect(table).to_have_count(len(expected))
    screenshot(signed_in, "network")

    # An edge opens its pact (by keyboard: lines are links), a box its pacticipant.
    signed_in.locator(f'a.edge[data-consumer="{mobile}"]').focus()
    signed_in.keyboard.press("Enter")
    expect(signed_in.get_by_role("heading", level=1)).to_have_text(
        f"Pact of {mobile} with {orders}"
    )
    signed_in.go_back()
    signed_in.locator(f'a.node[data-pacticipant="{payments}"]').click()
    expect(signed_in.get_by_role("heading", name=payments, level=1)).to_be_visible()


def test_fifty_pacticipants_and_a_hundred_and_twenty_integrations_are_readable(
    signed_in: Page, web_broker: Broker
) -> None:
    """No boxes overlap as Chromium draws them, and each label fits in its box."""
    prefix = "n50-"
    names, edges = network()
    rng = random.Random(15)
    for consumer, provider in edges:
        web_broker.publish(prefix + consumer, prefix + provider, "1.0.0")
        roll = rng.random()
        if roll < 0.7:  # most integrations verified, a few failing, some not yet
            web_broker.verify(prefix + consumer, prefix + provider, "1.0.0", "9.0.0", success=True)
        elif roll < 0.85:
            web_broker.verify(prefix + consumer, prefix + provider, "1.0.0", "9.0.0", success=False)

    signed_in.goto(f"{web_broker.url}/ui/network?name={prefix}")

    expect(signed_in.locator("svg.network a.edge")).to_have_count(len(edges))
    expect(signed_in.locator("svg.network a.node")).to_have_count(len(names))
    bounds = signed_in.evaluate(BOUNDS)
    for i, a in enumerate(bounds):
        assert a["left"] <= a["textLeft"] and a["textRight"] <= a["right"], a
        for b in bounds[i + 1 :]:
            apart = (
                a["right"] <= b["left"]
                or b["right"] <= a["left"]
                or a["bottom"] <= b["top"]
                or b["bottom"] <= a["top"]
            )
            assert apart, (a, b)
    screenshot(signed_in, "network-50")

    # At 375 px the drawing scrolls in its own box; the page does not scroll sideways.
    signed_in.set_viewport_size({"width": WIDTHS["phone"], "height": 900})
    overflow = signed_in.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    scrolls = signed_in.evaluate(
        "(() => { const g = document.querySelector('.graph'); "
        "return g.scrollWidth > g.clientWidth; })()"
    )
    assert scrolls
