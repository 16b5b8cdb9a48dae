"""HEAD through the ASGI server a user runs: GET's status and headers, and no body (#14)."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.e2e


def test_head_answers_as_get_over_http(broker_url: str) -> None:
    created = httpx.post(f"{broker_url}/pacticipants", json={"name": "Orders"})
    assert created.status_code == 201, created.text
    for path in ("/", "/pacticipants", "/pacticipants/Orders", "/pacticipants/Missing"):
        got = httpx.get(broker_url + path)
        head = httpx.head(broker_url + path)
        assert head.status_code == got.status_code, path
        assert head.content == b"", path
        assert head.headers["content-length"] == str(len(got.content)), path
        assert head.headers["content-type"] == got.headers["content-type"], path
