"""The API reference (`/ui/api`) and the HAL browser (`/ui/hal`) in-process (#15 item 10)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from broker.web import subrequest
from tests.integration.http.conftest import broker_app, settings_for
from tests.integration.http.test_web_pages import (
    ADMIN,
    AS_BROWSER,
    Client,
    new_token,
    publish,
    sign_in,
)


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[Client]:
    """The application with `ACCORD_ADMIN_TOKEN` set: pages need a signed-in browser."""
    async with AsyncTestClient(app=broker_app(settings_for(database_url, admin_token=ADMIN))) as c:
        c.follow_redirects = False
        yield c


async def signed_in_as(client: Client, role: str) -> None:
    """Sign the client's browser in with a new token of `role` (a session cookie, no header)."""
    secret, _ = await new_token(client, role)
    response = await sign_in(client, method="token", token=secret)
    assert response.status_code == 303, response.text


async def test_every_operation_of_the_openapi_document_is_listed(client: Client) -> None:
    await signed_in_as(client, "read")
    document = (await client.get("/openapi.json")).json()
    ids = [
        op["operationId"]
        for item in document["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    ]
    page = await client.get("/ui/api", headers=AS_BROWSER)
    assert page.status_code == 200, page.text
    missing = [i for i in ids if f'data-operation="{i}"' not in page.text]
    assert not missing
    assert f"{len(ids)} of {len(ids)} operations" in page.text
    assert 'href="http://testserver.local/ui/api"' in page.text  # the navigation's "API"


async def test_the_filter_keeps_the_operations_containing_its_text(client: Client) -> None:
    await signed_in_as(client, "read")
    page = await client.get("/ui/api", params={"q": "OPENAPI.json"}, headers=AS_BROWSER)
    assert page.status_code == 200
    assert re.findall(r'data-operation="([^"]+)"', page.text) == ["openapi", "openapi_head"]
    nothing = await client.get("/ui/api", params={"q": "no-such-thing"}, headers=AS_BROWSER)
    assert "No operation matches this filter." in nothing.text


async def test_an_operation_page_renders_its_parameters_and_schemas(client: Client) -> None:
    await signed_in_as(client, "read")
    document = (await client.get("/openapi.json")).json()
    op = document["paths"]["/pacticipants/{pacticipant}/versions"]["get"]
    names = [p["name"] for p in op["parameters"]]
    assert names == ["pacticipant", "page", "size"]  # the path's and the query's
    page = await client.get(f"/ui/api/operation/{op['operationId']}", headers=AS_BROWSER)
    assert page.status_code == 200, page.text
    for name in names:
        assert f'data-parameter="{name}"' in page.text
    assert "<dt>Needs</dt><dd>read" in page.text
    # Every `$ref` shown links to a component listed on the same page.
    refs = set(re.findall(r'href="#schema-([^"]+)"', page.text))
    assert refs
    assert {r for r in refs if f'id="schema-{r}"' not in page.text} == set()
    assert 'data-status="401"' in page.text


async def test_an_unknown_operation_is_not_found(client: Client) -> None:
    await signed_in_as(client, "read")
    page = await client.get("/ui/api/operation/no_such_operation", headers=AS_BROWSER)
    assert page.status_code == 404


async def test_the_hal_page_of_the_index_links_to_the_pacticipants(client: Client) -> None:
    await signed_in_as(client, "read")
    page = await client.get("/ui/hal", params={"path": "/"}, headers=AS_BROWSER)
    assert page.status_code == 200, page.text
    assert 'href="http://testserver.local/ui/hal?path=/pacticipants"' in page.text
    assert '<tr data-rel="pb:pacticipants">' in page.text
    assert 'answered <span class="status status-success">200</span>' in page.text
    # The relation's documentation, browsed the same way, and a form for a templated link.
    assert 'href="http://testserver.local/ui/hal?path=/doc/pacticipants"' in page.text
    assert 'name="template" value="/pacticipants/{pacticipant}"' in page.text


async def test_following_a_link_shows_the_resource_fetched_as_the_session(client: Client) -> None:
    await publish(client, "Web", "Orders", "1.0.0")
    await signed_in_as(client, "read")
    page = await client.get("/ui/hal", params={"path": "/pacticipants"}, headers=AS_BROWSER)
    assert page.status_code == 200, page.text
    assert "&#34;name&#34;: &#34;Web&#34;" in page.text  # the JSON, pretty-printed and escaped


async def test_a_name_with_a_slash_is_browsed_in_one_segment(client: Client) -> None:
    created = await client.post(
        "/pacticipants", json={"name": "team/web"}, headers={"Authorization": f"Bearer {ADMIN}"}
    )
    assert created.status_code == 201, created.text
    await signed_in_as(client, "read")
    page = await client.get(
        "/ui/hal", params={"path": "/pacticipants/team%2Fweb"}, headers=AS_BROWSER
    )
    assert page.status_code == 200, page.text
    assert 'answered <span class="status status-success">200</span>' in page.text
    assert "&#34;name&#34;: &#34;team/web&#34;" in page.text
    missing = await client.get("/ui/hal", params={"path": "/pacticipants/nope"}, headers=AS_BROWSER)
    assert missing.status_code == 200, missing.text  # the page shows the API's answer
    assert 'answered <span class="status status-failure">404</span>' in missing.text


async def test_the_links_of_embedded_resources_are_listed(client: Client) -> None:
    await publish(client, "Web", "Orders", "1.0.0")
    await signed_in_as(client, "read")
    page = await client.get("/ui/hal", params={"path": "/pacticipants"}, headers=AS_BROWSER)
    assert page.status_code == 200, page.text
    rows = re.findall(
        r'<span class="muted">(pacticipants\[\d\])</span> <code>self</code>', page.text
    )
    assert rows == ["pacticipants[0]", "pacticipants[1]"]


async def test_a_filled_template_redirects_to_its_path(client: Client) -> None:
    await signed_in_as(client, "read")
    response = await client.get(
        "/ui/hal",
        params={"template": "/pacticipants/{pacticipant}", "v-pacticipant": "feature/x y"},
        headers=AS_BROWSER,
    )
    assert response.status_code == 303
    assert response.headers["location"] == (
        "http://testserver.local/ui/hal?path=/pacticipants/feature%252Fx%2520y"
    )
    empty = await client.get(
        "/ui/hal", params={"template": "/pacticipants/{pacticipant}"}, headers=AS_BROWSER
    )
    assert empty.status_code == 400


@pytest.mark.parametrize(
    "path",
    ["//evil.example/", "http://evil.example/", "/\\evil.example/", "evil.example", "/ui/hal"],
)
async def test_a_path_off_this_brokers_api_is_refused_and_never_fetched(
    client: Client, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetched: list[Any] = []
    real = subrequest.get

    async def spy(*args: Any) -> subrequest.Answer:
        fetched.append(args)
        return await real(*args)

    monkeypatch.setattr(subrequest, "get", spy)
    await signed_in_as(client, "read")
    page = await client.get("/ui/hal", params={"path": path}, headers=AS_BROWSER)
    assert page.status_code == 400, page.text
    assert "The path to browse is not valid" in page.text
    assert not fetched


async def test_a_reader_following_an_admin_link_sees_the_apis_403(client: Client) -> None:
    await signed_in_as(client, "read")
    page = await client.get("/ui/hal", params={"path": "/admin/tokens"}, headers=AS_BROWSER)
    assert page.status_code == 200, page.text
    assert 'answered <span class="status status-failure">403</span>' in page.text
    assert "needs the admin role" in page.text


async def test_without_a_session_the_hal_browser_asks_to_sign_in(client: Client) -> None:
    page = await client.get("/ui/hal", params={"path": "/"}, headers=AS_BROWSER)
    assert page.status_code == 303
    assert "/ui/sign-in?next=" in page.headers["location"]


async def test_links_are_followed_under_the_public_base_url_only(database_url: str) -> None:
    settings = settings_for(database_url, base_url="https://broker.example.com/accord")
    async with AsyncTestClient(app=broker_app(settings)) as client:
        page = await client.get("/ui/hal", params={"path": "/"}, headers=AS_BROWSER)
    assert page.status_code == 200, page.text
    assert 'href="https://broker.example.com/accord/ui/hal?path=/pacticipants"' in page.text
