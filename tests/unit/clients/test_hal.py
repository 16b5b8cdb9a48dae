from __future__ import annotations

import pytest

from clients.sdk import Link, UnexpectedResponseError
from clients.sdk import _hal as hal
from clients.sdk._wire import Links


def test_expanding_a_template_percent_encodes_slashes_and_spaces() -> None:
    href = "http://b/pacticipants/{pacticipant}/branches/{branch}/versions/{version}"

    expanded = hal.expand(
        href, {"pacticipant": "Order Service", "branch": "feature/x", "version": "1.0+a"}
    )

    assert expanded == "http://b/pacticipants/Order%20Service/branches/feature%2Fx/versions/1.0%2Ba"


def test_expanding_keeps_unreserved_characters() -> None:
    assert hal.expand("/p/{name}", {"name": "a-b_c.d~e"}) == "/p/a-b_c.d~e"


def test_expanding_a_query_template() -> None:
    href = "/can-i-deploy?pacticipant={pacticipant}&version={version}"

    assert (
        hal.expand(href, {"pacticipant": "A B", "version": "1"})
        == "/can-i-deploy?pacticipant=A%20B&version=1"
    )


def test_expanding_without_a_value_for_a_variable_fails() -> None:
    with pytest.raises(ValueError, match=r"\{tag\}"):
        hal.expand("/v/{version}/tags/{tag}", {"version": "1"})


def test_a_relation_is_found_by_its_literal_key_whether_object_or_array() -> None:
    links: Links = {
        "pb:environments": Link(href="/environments"),
        "pb:record-deployment": [
            Link(href="/d/1", name="test"),
            Link(href="/d/2", name="production"),
        ],
    }

    assert hal.find_link(links, "pb:environments").href == "/environments"
    assert hal.find_link(links, "pb:record-deployment").href == "/d/1"
    named = hal.find_named_link(links, "pb:record-deployment", "production")
    assert named is not None
    assert named.href == "/d/2"
    assert hal.find_named_link(links, "pb:record-deployment", "staging") is None


def test_a_missing_relation_says_which_and_where() -> None:
    with pytest.raises(UnexpectedResponseError, match="the index has no pb:environments link"):
        hal.find_link({}, "pb:environments", where="the index")
