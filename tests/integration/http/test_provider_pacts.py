"""A provider's pacts: all, by tag, by branch and main branch, latest; and its provider states."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.integration.http.test_pacts import BASE, body, pact

Client = AsyncTestClient[Any]


def v3_pact(consumer: str, *states: dict[str, Any]) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": "Orders"},
        "interactions": [
            {
                "description": f"request {i}",
                "providerStates": [state],
                "request": {"method": "GET", "path": f"/orders/{i}"},
                "response": {"status": 200},
            }
            for i, state in enumerate(states)
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


async def publish(client: Client, document: dict[str, Any], version: str, **extra: Any) -> None:
    response = await client.post("/contracts/publish", json=body(document, version, **extra))
    assert response.status_code == 200, response.text


async def world(client: Client) -> None:
    """Web: 1 on main tagged prod, 2 on main, 3 on feat. Mobile: 7 on main, 8 on feat."""
    await publish(client, pact("web one"), "1", branch="main", tags=["prod"])
    await publish(client, pact("web two"), "2", branch="main")
    await publish(client, pact("web three"), "3", branch="feat")
    await publish(client, pact("m one", consumer="Mobile"), "7", branch="main")
    await publish(client, pact("m two", consumer="Mobile"), "8", branch="feat")


def pacts_of(listing: dict[str, Any]) -> list[tuple[str, str]]:
    links = listing["_links"]
    assert links["pacts"] == links["pb:pacts"]
    return [(p["name"], p["href"].rsplit("/", 1)[1]) for p in links["pb:pacts"]]


async def listing(client: Client, path: str) -> dict[str, Any]:
    response = await client.get(path)
    assert response.status_code == 200, (path, response.text)
    assert response.headers["content-type"].startswith("application/hal+json")
    return dict(response.json())


async def test_provider_pacts_all_by_tag_and_by_branch(client: Client) -> None:
    await world(client)
    everything = await listing(client, "/pacts/provider/Orders")
    assert sorted(pacts_of(everything)) == sorted(
        [("Web", "1"), ("Web", "2"), ("Web", "3"), ("Mobile", "7"), ("Mobile", "8")]
    )
    links = everything["_links"]
    assert links["self"] == {
        "href": f"{BASE}/pacts/provider/Orders",
        "title": "All pact versions for the provider Orders",
    }
    assert links["pb:provider"] == {"href": f"{BASE}/pacticipants/Orders", "name": "Orders"}
    assert links["provider"] == links["pb:provider"]
    web_three = next(p for p in links["pb:pacts"] if p["href"].endswith("/Web/version/3"))
    assert web_three == {
        "href": f"{BASE}/pacts/provider/Orders/consumer/Web/version/3",
        "title": "Pact between Web (3) and Orders",
        "name": "Web",
    }
    assert pacts_of(await listing(client, "/pacts/provider/Orders/tag/prod")) == [("Web", "1")]
    on_feat = await listing(client, "/pacts/provider/Orders/branch/feat")
    assert sorted(pacts_of(on_feat)) == [("Mobile", "8"), ("Web", "3")]
    assert on_feat["_links"]["self"]["title"] == (
        "All pact versions for the provider Orders with consumer version branch 'feat'"
    )
    on_main = await listing(client, "/pacts/provider/Orders/branch")
    assert sorted(pacts_of(on_main)) == [("Mobile", "7"), ("Web", "1"), ("Web", "2")]


async def test_latest_provider_pacts_by_branch_and_main_branch(client: Client) -> None:
    await world(client)
    latest_main = await listing(client, "/pacts/provider/Orders/branch/latest")
    assert sorted(pacts_of(latest_main)) == [("Mobile", "7"), ("Web", "2")]
    latest_feat = await listing(client, "/pacts/provider/Orders/branch/feat/latest")
    assert sorted(pacts_of(latest_feat)) == [("Mobile", "8"), ("Web", "3")]
    assert latest_feat["_links"]["self"]["href"] == (
        f"{BASE}/pacts/provider/Orders/branch/feat/latest"
    )
    assert pacts_of(await listing(client, "/pacts/provider/Orders/branch/none/latest")) == []


async def test_one_consumers_pacts_by_branch_and_tag(client: Client) -> None:
    await world(client)
    await publish(client, pact("web four"), "4", branch="main", tags=["prod"])
    on_main = await listing(client, "/pacts/provider/Orders/consumer/Web/branch/main")
    numbers = [p["_embedded"]["consumerVersion"]["number"] for p in on_main["_embedded"]["pacts"]]
    assert numbers == ["4", "2", "1"]
    first = on_main["_embedded"]["pacts"][0]
    assert first["_links"]["self"] == {
        "href": f"{BASE}/pacts/provider/Orders/consumer/Web/version/4",
        "title": "Pact between Web (4) and Orders",
    }
    assert first["_embedded"]["consumerVersion"]["_links"]["self"] == {
        "href": f"{BASE}/pacticipants/Web/versions/4",
        "title": "Version",
        "name": "4",
    }
    assert "createdAt" in first
    links = on_main["_links"]
    assert links["consumer"] == {
        "href": f"{BASE}/pacticipants/Web",
        "title": "Consumer",
        "name": "Web",
    }
    assert links["provider"]["name"] == "Orders"
    assert [link["href"].rsplit("/", 1)[1] for link in links["pact-versions"]] == ["4", "2", "1"]
    assert links["pact-versions"][0]["name"].startswith("Version 4 - ")
    assert links["pb:pacts"][0] == {
        "href": f"{BASE}/pacts/provider/Orders/consumer/Web/version/4",
        "title": "Pact between Web (4) and Orders",
        "name": "Web",
    }
    main_branch = await listing(client, "/pacts/provider/Orders/consumer/Web/branch")
    assert main_branch["_embedded"] == on_main["_embedded"]
    latest_main = await listing(client, "/pacts/provider/Orders/consumer/Web/branch/latest")
    assert latest_main["_embedded"]["pacts"] == [first]
    tagged = await listing(client, "/pacts/provider/Orders/consumer/Web/tag/prod")
    numbers = [p["_embedded"]["consumerVersion"]["number"] for p in tagged["_embedded"]["pacts"]]
    assert numbers == ["4", "1"]


async def test_unknown_pacticipants_are_not_found(client: Client) -> None:
    await world(client)
    for path in (
        "/pacts/provider/Nobody",
        "/pacts/provider/Nobody/tag/prod",
        "/pacts/provider/Nobody/branch",
        "/pacts/provider/Nobody/branch/latest",
        "/pacts/provider/Nobody/branch/main",
        "/pacts/provider/Nobody/provider-states",
        "/pacts/provider/Orders/consumer/Nobody/branch/main",
        "/pacts/provider/Orders/consumer/Nobody/tag/prod",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path


async def test_provider_states_of_the_latest_main_branch_pacts(client: Client) -> None:
    await publish(
        client,
        v3_pact("Web", {"name": "an order exists", "params": {"id": 1}}, {"name": "no orders"}),
        "1",
        branch="main",
    )
    # Newer on main: replaces Web's first pact.
    await publish(
        client,
        v3_pact("Web", {"name": "an order exists", "params": {"id": 2}}, {"name": "no orders"}),
        "2",
        branch="main",
    )
    await publish(client, v3_pact("Web", {"name": "only on feat"}), "3", branch="feat")
    await publish(client, pact("m", consumer="Mobile"), "7", branch="main")
    await publish(client, v3_pact("Mobile", {"name": "no orders"}), "8", branch="develop-x")

    states = await listing(client, "/pacts/provider/Orders/provider-states")
    assert states == {
        "providerStates": [
            {"name": "an order exists", "consumers": ["Mobile"]},
            {"name": "an order exists", "consumers": ["Web"], "params": {"id": 2}},
            {"name": "no orders", "consumers": ["Web"]},
        ]
    }
    on_feat = await listing(client, "/pacts/provider/Orders/provider-states/branch/feat")
    assert on_feat == {"providerStates": [{"name": "only on feat", "consumers": ["Web"]}]}


async def test_index_links_to_the_provider_pacts(client: Client) -> None:
    links = (await client.get("/")).json()["_links"]
    expected = {
        "pb:provider-pacts": "/pacts/provider/{provider}",
        "pb:provider-pacts-with-tag": "/pacts/provider/{provider}/tag/{tag}",
        "pb:provider-pacts-with-branch": "/pacts/provider/{provider}/branch/{branch}",
        "pb:provider-pacts-with-main-branch": "/pacts/provider/{provider}/branch",
        "pb:latest-provider-pacts": "/pacts/provider/{provider}/latest",
        "pb:latest-provider-pacts-with-tag": "/pacts/provider/{provider}/latest/{tag}",
        "pb:latest-provider-pacts-with-branch": "/pacts/provider/{provider}/branch/{branch}/latest",
        "pb:latest-provider-pacts-with-main-branch": "/pacts/provider/{provider}/branch/latest",
        "pb:tagged-pact-versions": "/pacts/provider/{provider}/consumer/{consumer}/tag/{tag}",
        "pb:branch-pact-versions": "/pacts/provider/{provider}/consumer/{consumer}/branch/{branch}",
        "pb:main-branch-pact-versions": "/pacts/provider/{provider}/consumer/{consumer}/branch",
        "pb:latest-main-branch-pact-versions": (
            "/pacts/provider/{provider}/consumer/{consumer}/branch/latest"
        ),
    }
    for relation, path in expected.items():
        assert links[relation]["href"] == BASE + path, relation
        assert links[relation]["templated"] is True, relation


async def test_provider_states_of_the_versions_live_in_an_environment(client: Client) -> None:
    await publish(client, v3_pact("Web", {"name": "deployed state"}), "1", branch="main")
    await publish(client, v3_pact("Web", {"name": "newer state"}), "2", branch="main")
    await publish(client, v3_pact("Mobile", {"name": "released state"}), "7", branch="main")
    environment = await client.post("/environments", json={"name": "prod", "production": True})
    assert environment.status_code == 201, environment.text
    uuid = environment.json()["uuid"]
    deployed = await client.post(
        f"/pacticipants/Web/versions/1/deployed-versions/environment/{uuid}", json={}
    )
    assert deployed.status_code == 201, deployed.text
    released = await client.post(
        f"/pacticipants/Mobile/versions/7/released-versions/environment/{uuid}", json={}
    )
    assert released.status_code == 201, released.text
    expected = {
        "providerStates": [
            {"name": "deployed state", "consumers": ["Web"]},
            {"name": "released state", "consumers": ["Mobile"]},
        ]
    }
    for which in (uuid, "prod"):
        path = f"/pacts/provider/Orders/provider-states/environment/{which}"
        assert await listing(client, path) == expected
    missing = await client.get("/pacts/provider/Orders/provider-states/environment/nowhere")
    assert missing.status_code == 404
