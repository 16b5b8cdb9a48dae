"""Query strings, header values and form bodies read as the comparator reads them."""

from __future__ import annotations

from verifier.comparison.queries import parse_body, parse_query, parse_value


def test_repeated_and_comma_separated_values_are_lists() -> None:
    assert parse_query("a=1&a=2&b=3,4&c=5") == {"a": ["1", "2"], "b": ["3", "4"], "c": "5"}


def test_brackets_and_dots_make_objects_and_lists() -> None:
    assert parse_query("f[x]=1&g.y=2&h[]=3") == {"f": {"x": "1"}, "g": {"y": "2"}, "h": ["3"]}


def test_escapes_and_plus_signs_are_decoded() -> None:
    assert parse_query("q=hello+world%21&flag") == {"q": "hello world!", "flag": ""}


def test_without_dots_and_commas_values_stay_whole() -> None:
    assert parse_query("a=1,2&b.c=3", dots_and_commas=False) == {"a": "1,2", "b.c": "3"}


def test_header_values_become_objects_lists_or_text() -> None:
    assert parse_value("a=1,b=2") == {"a": "1", "b": "2"}
    assert parse_value("1,2,3") == ["1", "2", "3"]
    assert parse_value("plain") == "plain"
    assert parse_value(None) is None


def test_form_bodies_are_read_by_their_content_type() -> None:
    assert parse_body("a=1&b=x", "application/x-www-form-urlencoded") == {"a": "1", "b": "x"}
    multipart = '--B\r\nContent-Disposition: form-data; name="f"\r\n\r\nvalue\r\n--B--\r\n'
    assert parse_body(multipart, "multipart/form-data; boundary=B") == {"f": "value"}
    assert parse_body({"already": "json"}, "application/json") == {"already": "json"}
