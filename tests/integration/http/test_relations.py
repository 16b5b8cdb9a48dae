"""The index and pact relations of pact-broker-api §2 and §6: each leads to a route that answers."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from litestar.testing import AsyncTestClient

from broker.domain.pact_metadata import encode_metadata
from tests.integration.http.test_pacts import BASE, PACTS, body, encoded, pact

Client = AsyncTestClient[Any]


def expand(href: str, **values: str) -> str:
    """A templated href with its `{names}` filled, as a path below the base URL."""
    for key, value in values.items():
        href = href.replace("{" + key + "}", value)
    return href.removeprefix(BASE)


def numbers(listing: dict[str, Any]) -> list[str]:
    return [p["_embedded"]["consumerVersion"]["number"] for p in listing["_embedded"]["pacts"]]


async def publish_history(client: Client) -> None:
    """1 on main tagged prod, 2 on feat, 3 on main, 4 on feat tagged prod."""
    for version, branch, tags in (
        ("1", "main", ["prod"]),
        ("2", "feat", []),
        ("3", "main", []),
        ("4", "feat", ["prod"]),
    ):
        response = await client.post(
            "/contracts/publish",
            json=body(pact(f"v{version}"), version=version, branch=branch, tags=tags),
        )
        assert response.status_code == 200, response.text


async def test_pact_versions_relations_of_the_index_list_an_integrations_pacts(
    client: Client,
) -> None:
    await publish_history(client)
    response = await client.patch("/pacticipants/Web", json={"mainBranch": "main"})
    assert response.status_code == 200, response.text
    links = (await client.get("/")).json()["_links"]
    names = {"provider": "Orders", "consumer": "Web"}

    async def listed(rel: str, **more: str) -> dict[str, Any]:
        assert links[rel]["templated"] is True
        response = await client.get(expand(links[rel]["href"], **names, **more))
        assert response.status_code == 200, (rel, response.text)
        return dict(response.json())

    tagged = await listed("pb:tagged-pact-versions", tag="prod")
    assert numbers(tagged) == ["4", "1"]
    assert tagged["_links"]["self"]["href"] == f"{BASE}{PACTS}/tag/prod"
    assert numbers(await listed("pb:branch-pact-versions", branch="feat")) == ["4", "2"]
    assert numbers(await listed("pb:main-branch-pact-versions")) == ["3", "1"]
    latest_feat = await listed("pb:latest-branch-pact-versions", branch="feat")
    assert latest_feat["interactions"][0]["description"] == "v4"
    # As the Rust get-pacts reads it: a list holding the newest main-branch pact.
    assert numbers(await listed("pb:latest-main-branch-pact-versions")) == ["3"]
    assert numbers(await listed("pb:branch-pact-versions", branch="none")) == []


async def test_main_branch_pacts_without_a_main_branch(client: Client) -> None:
    await publish_history(client)
    response = await client.patch("/pacticipants/Web", json={"mainBranch": None})
    assert response.json()["mainBranch"] is None
    assert numbers((await client.get(f"{PACTS}/branch")).json()) == []
    assert numbers((await client.get(f"{PACTS}/branch/latest")).json()) == []
    assert (await client.get("/pacts/provider/Orders/consumer/Nobody/branch")).status_code == 404
    assert (await client.get("/pacts/provider/Orders/consumer/Nobody/tag/x")).status_code == 404


async def test_pact_resource_links_to_tagging_and_the_matrix(client: Client) -> None:
    await publish_history(client)
    links = (await client.get(f"{PACTS}/version/3")).json()["_links"]
    version = f"{BASE}/pacticipants/Web/versions/3"
    assert links["pb:tag-prod-version"]["href"] == f"{version}/tags/prod"
    response = await client.put(links["pb:tag-prod-version"]["href"].removeprefix(BASE))
    assert response.status_code in {200, 201}, response.text
    assert numbers((await client.get(f"{PACTS}/tag/prod")).json()) == ["4", "3", "1"]
    assert links["pb:tag-version"]["templated"] is True
    tag_href = expand(links["pb:tag-version"]["href"], tag="qa")
    assert (await client.put(tag_href)).status_code in {200, 201}
    assert (await client.get(tag_href)).status_code == 200
    matrix = links["pb:matrix-for-consumer-version"]["href"]
    assert dict(parse_qsl(urlsplit(matrix).query)) == {
        "q[][pacticipant]": "Web",
        "q[][version]": "3",
        "latestby": "cvpv",
    }
    response = await client.get(matrix.removeprefix(BASE))
    assert response.status_code == 200, response.text
    assert "matrix" in response.json()
    assert links["curies"] == [
        {"name": "pb", "href": f"{BASE}/doc/{{rel}}?context=pact", "templated": True}
    ]


async def test_the_index_names_its_curies(client: Client) -> None:
    links = (await client.get("/")).json()["_links"]
    assert links["curies"] == [
        {"name": name, "href": f"{BASE}/doc/{{rel}}?context=index", "templated": True}
        for name in ("pb", "beta")
    ]


async def test_every_pb_relation_of_the_index_and_the_pact_has_a_doc_page(client: Client) -> None:
    await publish_history(client)
    index = (await client.get("/")).json()["_links"]
    served = (await client.get(f"{PACTS}/version/1")).json()["_links"]
    segment = encode_metadata(("1",), pending=False, wip=False)
    sha = served["pb:pact-version"]["name"]
    by_metadata = (await client.get(f"{PACTS}/pact-version/{sha}/metadata/{segment}")).json()
    consumer = (await client.get(served["pb:consumer"]["href"].removeprefix(BASE))).json()
    assert consumer["_links"]["curies"][0]["href"] == f"{BASE}/doc/{{rel}}?context=pacticipant"
    relations = sorted(
        {
            rel
            for rel in (*index, *served, *by_metadata["_links"], *consumer["_links"])
            if rel.startswith(("pb:", "beta:"))
        }
    )
    assert "pb:consumer-versions" in relations
    assert "pb:publish-contracts" in relations and "pb:tag-version" in relations
    assert "pb:can-i-deploy-branch-to-environment-badge" in relations
    for rel, values in (
        ("pb:can-i-deploy-badge", {"tag": "prod", "environment": "production"}),
        ("pb:can-i-deploy-branch-to-environment-badge", {"branch": "main", "environment": "x"}),
    ):
        badge = await client.get(expand(consumer["_links"][rel]["href"], **values))
        assert badge.status_code == 200, (rel, badge.text)
        assert badge.headers["content-type"].startswith("image/svg+xml")
    for rel in relations:
        prefix, _, name = rel.partition(":")
        curie = next(c for c in index["curies"] if c["name"] == prefix)
        page = expand(curie["href"], rel=name)
        response = await client.get(page)
        assert response.status_code == 200, (rel, response.text)
        assert response.headers["content-type"].startswith("text/html")
        assert f":{name}</h1>" in response.text


async def test_doc_pages_in_text_and_unknown_relations(client: Client) -> None:
    text = await client.get("/doc/publish-contracts", headers={"Accept": "text/plain"})
    assert text.status_code == 200
    assert text.headers["content-type"].startswith("text/plain")
    assert text.text.startswith("pb:publish-contracts\n")
    assert "Methods: POST" in text.text
    prefixed = await client.get("/doc/pb:publish-contracts?context=index")
    assert prefixed.status_code == 200 and "<h1>pb:publish-contracts</h1>" in prefixed.text
    browser = await client.get(
        "/doc/diff", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert browser.headers["content-type"].startswith("text/html")
    for unknown in ("/doc/no-such-relation", "/doc/accord:audit", "/doc/xx:diff"):
        response = await client.get(unknown)
        assert response.status_code == 404, unknown
        assert "errors" in response.json() or "title" in response.json()


async def test_latest_verification_results_of_a_consumer_version(client: Client) -> None:
    publication = body(pact("a"), version="1")
    billing = pact("b")
    billing["provider"] = {"name": "Billing"}
    publication["contracts"].append(
        {**publication["contracts"][0], "providerName": "Billing", "content": encoded(billing)}
    )
    assert (await client.post("/contracts/publish", json=publication)).status_code == 200
    latest = "/verification-results/consumer/Web/version/1/latest"

    async def verify(provider: str, success: bool, version: str) -> None:
        served = (await client.get(f"/pacts/provider/{provider}/consumer/Web/version/1")).json()
        href = served["_links"]["pb:publish-verification-results"]["href"].removeprefix(BASE)
        response = await client.post(
            href, json={"success": success, "providerApplicationVersion": version}
        )
        assert response.status_code == 201, response.text

    await verify("Orders", False, "7")
    await verify("Orders", True, "8")
    summary = (await client.get(latest)).json()
    assert summary["success"] is False
    assert summary["providerSummary"] == {
        "successful": ["Orders"],
        "failed": [],
        "unknown": ["Billing"],
    }
    [result] = summary["_embedded"]["verificationResults"]
    assert (result["providerName"], result["providerApplicationVersion"]) == ("Orders", "8")
    assert summary["_links"]["self"]["href"] == f"{BASE}{latest}"
    await verify("Billing", False, "3")
    summary = (await client.get(latest)).json()
    assert summary["success"] is False
    assert summary["providerSummary"]["failed"] == ["Billing"]
    await verify("Billing", True, "4")
    assert (await client.get(latest)).json()["success"] is True
    version = (await client.get("/pacticipants/Web/versions/1")).json()
    rel = "pb:latest-verification-results-where-pacticipant-is-consumer"
    assert version["_links"][rel]["href"] == f"{BASE}{latest}"
    for missing in ("Nobody/version/1", "Web/version/9"):
        response = await client.get(f"/verification-results/consumer/{missing}/latest")
        assert response.status_code == 404, missing


async def test_a_pact_by_metadata_url_names_the_consumer_versions_it_stands_for(
    client: Client,
) -> None:
    await publish_history(client)
    sha = (await client.get(f"{PACTS}/version/3")).json()["_links"]["pb:pact-version"]["name"]
    segment = encode_metadata(("3", "1"), pending=False, wip=False)
    served = (await client.get(f"{PACTS}/pact-version/{sha}/metadata/{segment}")).json()
    assert served["_links"]["pb:consumer-versions"] == [
        {
            "href": f"{BASE}/pacticipants/Web/versions/{number}",
            "title": "Consumer version",
            "name": number,
        }
        for number in ("3", "1")
    ]
    unknown = (await client.get(f"{PACTS}/pact-version/{sha}/metadata/c1234")).json()
    assert unknown["_links"]["pb:consumer-versions"] == []
    plain = (await client.get(f"{PACTS}/version/3")).json()
    assert "pb:consumer-versions" not in plain["_links"]
