"""The matrix page in Chromium (#15): the CLI's selectors as a form, can-i-deploy's answer."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import WIDTHS, Broker, screenshot

pytestmark = pytest.mark.browser


def can_i_deploy(broker: Broker, pacticipant: str, version: str, environment: str) -> Any:
    asked = urlencode({"pacticipant": pacticipant, "version": version, "environment": environment})
    response = broker.api("GET", f"/can-i-deploy?{asked}")
    assert response.status_code == 200, response.text
    return response.json()


def ask(page: Page, pacticipant: str, version: str, environment: str) -> None:
    page.get_by_label("Pacticipant 1", exact=True).fill(pacticipant)
    page.get_by_label("Version 1", exact=True).fill(version)
    page.get_by_label("Environment (--to-environment)", exact=True).fill(environment)
    page.get_by_role("button", name="Ask").click()


def assert_same_answer(page: Page, api: Any) -> None:
    """The page's decision, reason and notices are the API's, word for word."""
    summary = api["summary"]
    shown = {True: "true", False: "false", None: "null"}[summary["deployable"]]
    expect(page.locator("#deployable")).to_have_attribute("data-deployable", shown)
    expect(page.locator("#deployable")).to_contain_text(
        {True: "Yes", False: "No", None: "Unknown"}[summary["deployable"]]
    )
    expect(page.locator("#summary-reason")).to_have_text(" ".join(summary["reason"].split()))
    notices = page.locator("#notices li")
    expect(notices).to_have_text([" ".join(n["text"].split()) for n in api["notices"]])
    rows = page.locator("table.matrix tbody tr")
    expect(rows).to_have_count(len(api["matrix"]))
    for row, expected in zip(rows.all(), api["matrix"], strict=True):
        expect(row).to_have_attribute("data-consumer", expected["consumer"]["name"])
        expect(row).to_have_attribute(
            "data-provider-version", expected["provider"]["version"]["number"]
        )


def test_the_matrix_form_answers_what_can_i_deploy_answers(
    signed_in: Page, web_broker: Broker, names: str
) -> None:
    consumer, provider = f"{names}Web", f"{names}Orders"
    web_broker.publish(consumer, provider, "1.0.0")
    web_broker.verify(consumer, provider, "1.0.0", "5.0.0", success=True)
    web_broker.deploy(provider, "5.0.0", "production")
    web_broker.publish(consumer, provider, "1.1.0")
    web_broker.publish(consumer, provider, "1.2.0")
    web_broker.verify(consumer, provider, "1.2.0", "5.0.0", success=False)

    signed_in.goto(f"{web_broker.url}/ui")
    signed_in.get_by_role("navigation", name="Main").get_by_role("link", name="Matrix").click()
    expect(signed_in.get_by_role("heading", name="Matrix and can-i-deploy")).to_be_visible()

    # Yes: 1.0.0 was verified by the provider version in production.
    ask(signed_in, consumer, "1.0.0", "production")
    yes = can_i_deploy(web_broker, consumer, "1.0.0", "production")
    assert yes["summary"]["deployable"] is True
    assert_same_answer(signed_in, yes)
    expect(signed_in.get_by_label("Pacticipant 1", exact=True)).to_have_value(consumer)
    screenshot(signed_in, "matrix")

    # No: 1.2.0's pact failed its verification by that version.
    ask(signed_in, consumer, "1.2.0", "production")
    no = can_i_deploy(web_broker, consumer, "1.2.0", "production")
    assert no["summary"]["deployable"] is False
    assert_same_answer(signed_in, no)
    expect(signed_in.locator("#summary-reason")).to_contain_text("failed")

    # Unknown: 1.1.0 has no verification.
    ask(signed_in, consumer, "1.1.0", "production")
    assert_same_answer(signed_in, can_i_deploy(web_broker, consumer, "1.1.0", "production"))


def test_several_selectors_as_the_cli_sends_them(
    signed_in: Page, web_broker: Broker, names: str
) -> None:
    """`--pacticipant A --version 1 --pacticipant B --latest`, pasted as the CLI's query."""
    consumer, provider = f"{names}Web", f"{names}Orders"
    web_broker.publish(consumer, provider, "1.0.0")
    web_broker.verify(consumer, provider, "1.0.0", "5.0.0", success=True)
    query = urlencode(
        [
            ("q[][pacticipant]", consumer),
            ("q[][version]", "1.0.0"),
            ("q[][pacticipant]", provider),
            ("q[][latest]", "true"),
            ("latestby", "cvpv"),
        ]
    )
    api = web_broker.api("GET", f"/matrix?{query}")
    assert api.status_code == 200, api.text

    signed_in.goto(f"{web_broker.url}/ui/matrix?{query}")

    assert_same_answer(signed_in, api.json())
    expect(signed_in.locator("#deployable")).to_contain_text(
        f"Do {consumer} 1.0.0 and {provider} (the latest) work together?"
    )
    expect(signed_in.get_by_label("Latest 2", exact=True)).to_be_checked()


def test_bad_selectors_are_shown_with_the_apis_errors(
    signed_in: Page, web_broker: Broker, names: str
) -> None:
    web_broker.publish(f"{names}Web", f"{names}Orders", "1.0.0")
    signed_in.goto(f"{web_broker.url}/ui/matrix")

    signed_in.get_by_label("Version 1", exact=True).fill("1.0.0")
    signed_in.get_by_role("button", name="Ask").click()

    errors = signed_in.get_by_role("alert")
    expect(errors).to_contain_text("The matrix query is not valid")
    expect(errors).to_contain_text("each selector needs a pacticipant")
    expect(signed_in.get_by_label("Pacticipant 1", exact=True)).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(signed_in.get_by_label("Version 1", exact=True)).to_have_value("1.0.0")

    ask(signed_in, f"{names}Web", "1.0.0", "no-such-environment")
    expect(errors).to_contain_text("no environment named 'no-such-environment'")
    expect(signed_in.get_by_label("Environment (--to-environment)", exact=True)).to_have_attribute(
        "aria-invalid", "true"
    )
    screenshot(signed_in, "matrix-errors")
    response = signed_in.request.get(
        f"{web_broker.url}/ui/matrix?environment=production", headers={"Accept": "text/html"}
    )
    assert response.status == 400


def test_the_pacticipant_page_opens_its_answer_in_the_matrix(
    signed_in: Page, web_broker: Broker, names: str
) -> None:
    consumer, provider = f"{names}Web", f"{names}Orders"
    web_broker.publish(consumer, provider, "1.0.0")
    web_broker.verify(consumer, provider, "1.0.0", "8.0.0", success=True)
    web_broker.deploy(provider, "8.0.0", "production")

    signed_in.goto(f"{web_broker.url}/ui/pacticipants/{consumer}")
    production = signed_in.locator('article[data-environment="production"]')
    reason = production.locator(".reason").inner_text()
    production.get_by_role("link", name="Ask the matrix").click()

    expect(signed_in.get_by_label("Pacticipant 1", exact=True)).to_have_value(consumer)
    expect(signed_in.get_by_label("Version 1", exact=True)).to_have_value("1.0.0")
    expect(signed_in.locator("#summary-reason")).to_have_text(" ".join(reason.split()))


@pytest.mark.parametrize("width", WIDTHS.values())
def test_the_matrix_page_fits_the_screen(
    signed_in: Page, web_broker: Broker, names: str, width: int
) -> None:
    consumer = f"{names}AVeryLongConsumerNameForTheMatrix"
    web_broker.publish(consumer, f"{names}AVeryLongProviderNameForTheMatrix", "1.0.0")
    web_broker.environment("production")  # whichever test of the process runs first
    signed_in.set_viewport_size({"width": width, "height": 900})
    query = urlencode(
        {"q[][pacticipant]": consumer, "q[][version]": "1.0.0", "environment": "production"}
    )
    signed_in.goto(f"{web_broker.url}/ui/matrix?{query}")
    expect(signed_in.locator("#deployable")).to_be_visible()
    overflow = signed_in.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the matrix page is {overflow}px wider than {width}px"
