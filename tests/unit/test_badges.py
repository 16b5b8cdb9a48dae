"""Badge titles, statuses and drawing (the Pact Broker's words and colours)."""

from __future__ import annotations

import pytest

from broker.domain.badges import badge, pact_badge, pact_badge_title, pact_status


@pytest.mark.parametrize(
    ("success", "latest", "status"),
    [
        (None, True, "unknown"),
        (True, True, "verified"),
        (True, False, "changed"),
        (False, True, "failed"),
        (False, False, "failed"),
    ],
)
def test_status_from_the_newest_result(success: bool | None, latest: bool, status: str) -> None:
    assert pact_status(success, of_latest_content=latest) == status


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("my-web_app", "mwa"),
        ("My Web App", "mwa"),
        ("MyWebApp", "mwa"),
        ("HTTPServer", "hs"),
        ("orders", "orders"),
    ],
)
def test_initials(name: str, short: str) -> None:
    assert pact_badge_title(name, "x", initials=True, label="consumer") == f"{short} pact"


def test_titles_name_both_sides_with_tags_unless_the_label_picks_one() -> None:
    assert pact_badge_title("Web", "Orders") == "web/orders pact"
    assert pact_badge_title("Web", "Orders", label="Provider") == "orders pact"
    title = pact_badge_title("Web", "Orders", consumer_tag="dev", provider_tag="prod")
    assert title == "web (dev)/orders (prod) pact"


def test_text_is_escaped_and_a_missing_pact_says_so() -> None:
    assert "&lt;b&gt;" in badge("<b>", "x", "#000")
    missing = pact_badge(None, "verified")
    assert ">pact not found<" in missing and ">unknown<" in missing and "#9f9f9f" in missing
