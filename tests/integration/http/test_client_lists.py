"""Resources the real clients still missed (#14 item 6): lists, labels, HEAD, the matrix as text."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Any]


async def test_pacticipants_are_listed_at_the_top_level_too(client: Client) -> None:
    """The Rust `list-pacticipants` reads `pacticipants`, which the Pact Broker still sends."""
    for body in ({"name": "Orders", "displayName": "Order service"}, {"name": "Billing"}):
        assert (await client.post("/pacticipants", json=body)).status_code == 201
    body = (await client.get("/pacticipants")).json()
    listed = body["pacticipants"]
    assert [(p["name"], p["displayName"]) for p in listed] == [
        ("Billing", None),
        ("Orders", "Order service"),
    ]
    assert listed[1]["_links"]["self"]["href"].endswith("/pacticipants/Orders")
    assert {p["title"] for p in listed} == {
        "DEPRECATED - Please use the embedded pacticipants collection"
    }
    assert [p["name"] for p in body["_embedded"]["pacticipants"]] == ["Billing", "Orders"]


async def publish(client: Client, path: str = "/orders") -> None:
    """Web publishes a pact with Orders: version 1.0.0, or 2.0.0 for another path."""
    consumer, provider = "Web", "Orders"
    version = "1.0.0" if path == "/orders" else "2.0.0"
    pact = {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": "a list of orders",
                "request": {"method": "GET", "path": path},
                "response": {"status": 200},
            }
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }
    url = f"/pacts/provider/{provider}/consumer/{consumer}/version/{version}"
    assert (await client.put(url, json=pact)).status_code == 201


async def test_head_answers_as_get_without_the_body(client: Client) -> None:
    await publish(client)
    assert (await client.put("/pacticipants/Web/labels/ui", json={})).status_code == 201
    matrix = "/matrix?q[][pacticipant]=Web&q[][version]=1.0.0&latestby=cvp&latest=true"
    for path in (
        "/",
        "/pacticipants",
        "/pacticipants/Web",
        "/pacticipants/Web/versions/1.0.0",
        "/pacticipants/Web/labels/ui",
        "/pacts/provider/Orders/consumer/Web/version/1.0.0",
        "/pacts/latest",
        "/diagnostic/status/heartbeat",
        matrix,
        "/pacticipants/Missing",
    ):
        got = await client.get(path)
        head = await client.head(path)
        assert head.status_code == got.status_code, path
        assert head.content == b"", path
        assert got.content, path
        for name in ("content-type", "content-length"):
            assert head.headers.get(name) == got.headers.get(name), (path, name)


async def test_head_is_refused_where_get_is_and_named_in_allow(client: Client) -> None:
    refused = await client.head("/contracts/publish")
    assert refused.status_code == 405
    assert refused.content == b""
    assert "HEAD" not in refused.headers["allow"]
    put_on_index = await client.put("/", json={})
    assert put_on_index.status_code == 405
    assert set(put_on_index.headers["allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


async def test_a_pacticipants_labels_are_listed(client: Client) -> None:
    assert (await client.post("/pacticipants", json={"name": "Web"})).status_code == 201
    empty = await client.get("/pacticipants/Web/labels")
    assert empty.status_code == 200, empty.text
    assert empty.headers["content-type"] == "application/hal+json;charset=utf-8"
    assert empty.json()["_embedded"]["labels"] == []
    for label in ("ui", "team a/b"):
        path = f"/pacticipants/Web/labels/{quote(label, safe='')}"
        assert (await client.put(path, json={})).status_code == 201
    body = (await client.get("/pacticipants/Web/labels")).json()
    assert body["_links"]["self"] == {
        "href": "http://testserver.local/pacticipants/Web/labels",
        "title": "Labels",
    }
    labels = body["_embedded"]["labels"]
    assert [label["name"] for label in labels] == ["team a/b", "ui"]
    single = (await client.get("/pacticipants/Web/labels/ui")).json()
    assert labels[1] == single
    assert labels[0]["_links"]["self"]["href"] == (
        "http://testserver.local/pacticipants/Web/labels/team%20a%2Fb"
    )


async def test_the_labels_of_a_missing_pacticipant_are_not_found(client: Client) -> None:
    response = await client.get("/pacticipants/Missing/labels")
    assert response.status_code == 404, response.text


COMMIT = "0123456789abcdef0123456789abcdef01234567"
BETWEEN = "/matrix?q[][pacticipant]=Web&q[][pacticipant]=Orders&latestby=cvpv"


async def verify(client: Client, version: str, success: bool) -> str:
    path = f"/pacts/provider/Orders/consumer/Web/version/{version}"
    sha = (await client.get(path)).json()["_links"]["pb:pact-version"]["name"]
    result = await client.post(
        f"/pacts/provider/Orders/consumer/Web/pact-version/{sha}/verification-results",
        json={"success": success, "providerApplicationVersion": COMMIT},
    )
    assert result.status_code == 201, result.text
    href: str = result.json()["_links"]["self"]["href"]
    return href


async def test_the_matrix_is_a_text_table_when_text_plain_is_asked_for(client: Client) -> None:
    await publish(client)
    url = await verify(client, "1.0.0", success=False)
    as_json = await client.get(BETWEEN)
    assert as_json.headers["content-type"] == "application/hal+json;charset=utf-8"
    for accept in ("text/plain", "application/hal+json;q=0.5, text/*"):
        response = await client.get(BETWEEN, headers={"Accept": accept})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/plain")
        assert response.text == (
            "CONSUMER | C.VERSION | PROVIDER | P.VERSION | SUCCESS? | RESULT#\n"
            "---------|-----------|----------|-----------|----------|--------\n"
            "Web      | 1.0.0     | Orders   | 0123456   | false    | 1      \n"
            "\n"
            "VERIFICATION RESULTS\n"
            "--------------------\n"
            f"1. {url} (failure)"
        )
    for accept in ("application/hal+json, application/json", "*/*", "application/json"):
        response = await client.get(BETWEEN, headers={"Accept": accept})
        assert response.json() == as_json.json(), accept


async def test_the_text_matrix_shows_unknowns_and_is_empty_without_rows(client: Client) -> None:
    await publish(client)
    empty = await client.get(BETWEEN, headers={"Accept": "text/plain"})
    assert (await client.get(BETWEEN)).json()["matrix"] == []
    assert (empty.status_code, empty.text) == (200, "")
    await verify(client, "1.0.0", success=True)
    await publish(client, path="/other")  # version 2.0.0, new content, not verified
    query = f"q[][pacticipant]=Web&q[][version]=2.0.0&q[][pacticipant]=Orders&q[][version]={COMMIT}"
    unknown = await client.get(f"/matrix?{query}", headers={"Accept": "text/plain"})
    assert unknown.text == (
        "CONSUMER | C.VERSION | PROVIDER | P.VERSION | SUCCESS? | RESULT#\n"
        "---------|-----------|----------|-----------|----------|--------\n"
        "Web      | 2.0.0     | Orders   | 0123456   | ???      |        "
    )
