"""Reading the admin pages' forms (broker/web/admin_forms.py): bounded, and errors by label."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from litestar.datastructures import FormMultiDict

from broker.domain.errors import FieldError, InvalidInputError
from broker.web.admin_forms import (
    MAX_FIELD,
    MAX_NAMES,
    kept,
    names,
    optional_moment,
    shown,
    text,
    whole_number,
)


def form(**fields: str) -> FormMultiDict:
    return FormMultiDict(fields)


def test_a_list_field_splits_on_commas_and_lines_and_leaves_blanks_out() -> None:
    assert names(form(teams="alpha, beta,\n gamma ,,"), "teams") == ("alpha", "beta", "gamma")
    assert names(form(), "teams") == ()


def test_a_list_of_too_many_names_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInputError) as refused:
        names(form(teams=",".join(f"t{n}" for n in range(MAX_NAMES + 1))), "teams")
    assert refused.value.errors == [FieldError("/teams", f"must name at most {MAX_NAMES}")]


def test_a_field_longer_than_the_bound_is_refused_before_any_service_sees_it() -> None:
    with pytest.raises(InvalidInputError) as refused:
        text(form(name="x" * (MAX_FIELD + 1)), "name")
    assert refused.value.errors[0].pointer == "/name"
    assert text(form(name="  ci  "), "name") == "ci"
    assert text(form(password="  spaced  "), "password", strip=False) == "  spaced  "


def test_a_time_without_an_offset_is_utc_and_one_with_an_offset_keeps_it() -> None:
    assert optional_moment(form(expiresAt="2030-01-31T12:00"), "expiresAt") == datetime(
        2030, 1, 31, 12, 0, tzinfo=UTC
    )
    offset = optional_moment(form(expiresAt="2030-01-31T12:00+02:00"), "expiresAt")
    assert offset is not None and offset.utcoffset() == timedelta(hours=2)
    assert offset == datetime(2030, 1, 31, 10, 0, tzinfo=UTC)
    assert optional_moment(form(expiresAt=" "), "expiresAt") is None
    with pytest.raises(InvalidInputError) as refused:
        optional_moment(form(expiresAt="soon"), "expiresAt")
    assert refused.value.errors[0].pointer == "/expiresAt"


def test_a_whole_number_is_read_and_anything_else_left_for_the_service_to_refuse() -> None:
    assert whole_number("2") == 2
    assert whole_number("-1") == -1
    assert whole_number("two") == "two"
    assert whole_number("1" * 30) == "1" * 30  # no huge integers parsed


def test_a_refusal_names_each_field_by_its_label() -> None:
    error = InvalidInputError(
        "The token is not valid",
        [FieldError("/teams/1", "must not be blank"), FieldError("/expiresAt", "is past")],
    )
    seen = shown(error)
    assert seen.problems == (("Teams", "must not be blank"), ("Expires at", "is past"))
    assert seen.fields == frozenset({"teams", "expiresAt"})
    whole = shown(InvalidInputError("No", [FieldError("", "the caller is user:ann")]))
    assert whole.problems == (("Form", "the caller is user:ann"),)


def test_a_refused_form_keeps_what_was_sent_cut_to_the_bound() -> None:
    assert kept(form(name="ci", teams="x" * (MAX_FIELD + 5)), "name", "teams", "role") == {
        "name": "ci",
        "teams": "x" * MAX_FIELD,
        "role": "",
    }
