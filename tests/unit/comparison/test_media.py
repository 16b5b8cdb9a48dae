"""Which of the spec's media types a Content-Type or Accept header selects."""

from __future__ import annotations

import pytest

from verifier.comparison.media import VALIDATABLE_TYPES, body_status, find_matching_type


@pytest.mark.parametrize(
    ("header", "offered", "expected"),
    [
        ("application/json", ["application/json"], "application/json"),
        ("Application/JSON", ["application/json"], "application/json"),
        ("application/json; charset=utf-8", ["application/json"], "application/json"),
        ("application/vnd.api+json", ["application/json"], "application/json"),
        ("text/plain, application/json;q=0.9", ["application/json", "text/plain"], "text/plain"),
        (
            "text/plain;q=0.1, application/json",
            ["text/plain", "application/json"],
            "application/json",
        ),
        ("application/json", ["application/*"], "application/*"),
        ("image/png", ["*/*"], "*/*"),
        ("application/*", ["text/html", "application/xml"], "application/xml"),
        ("*/*", ["text/html", "application/xml"], "text/html"),
        ("application/xml", ["application/json"], None),
        ("application/json", [], None),
    ],
)
def test_a_header_selects_the_media_type_the_comparator_would(
    header: str, offered: list[str], expected: str | None
) -> None:
    assert find_matching_type(header, offered) == expected


def test_json_and_form_bodies_are_validated_and_others_only_warned_about() -> None:
    assert body_status("application/json", True, VALIDATABLE_TYPES) == "validate"
    assert body_status("multipart/form-data; boundary=x", True, VALIDATABLE_TYPES) == "validate"
    assert body_status("image/png", True, VALIDATABLE_TYPES) == "warn"
    assert body_status("image/png", False, VALIDATABLE_TYPES) == "skip"
