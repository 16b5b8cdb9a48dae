"""The HAL resources of pacticipants, versions, branches, tags, environments and deployments."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Any]
JSON = {"Content-Type": "application/json"}


async def put(client: Any, path: str, body: str = "{}") -> Any:
    return await client.put(path, content=body, headers=JSON)


async def create_environment(client: Any, name: str, production: bool = False) -> dict[str, Any]:
    response = await client.post("/environments", json={"name": name, "production": production})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_index_lists_templated_relations_the_clients_expand(client: Client) -> None:
    links = (await client.get("/")).json()["_links"]
    for relation in (
        "pb:pacticipant",
        "pb:pacticipant-version",
        "pb:environment",
        "pb:pacticipant-branch-version",
    ):
        assert links[relation]["templated"] is True, relation
        assert links[relation]["href"].startswith("http://testserver.local/")
    assert links["pb:environments"]["href"] == "http://testserver.local/environments"
    assert "templated" not in links["pb:environments"]


async def test_every_index_relation_leads_to_a_route(client: Client) -> None:
    """No placeholder relations: each expands to a path the broker serves (never 405)."""
    await put(client, "/pacticipants/A/versions/1/tags/t")
    await put(client, "/pacticipants/A/branches/main/versions/1")
    pact = {"consumer": {"name": "A"}, "provider": {"name": "B"}, "interactions": []}
    assert (await client.put("/pacticipants/A/versions/1", json={})).status_code == 200
    # In enterprise mode the pact opens change request 1, which `accord:change-request` names.
    mode = {"mode": "brownfield-enterprise"}
    assert (await client.put("/pacticipants/A/mode", json=mode)).status_code == 200
    assert (
        await client.put("/pacts/provider/B/consumer/A/version/1", json=pact)
    ).status_code == 201
    env = await create_environment(client, "test")
    # `pb:webhook` and `pb:environment` both expand `{uuid}`: one webhook shares the uuid.
    hook = {"request": {"method": "POST", "url": "https://1.2.3.4/build"}}
    assert (await client.put(f"/webhooks/{env['uuid']}", json=hook)).status_code == 201
    values = {
        "pacticipant": "A",
        "version": "1",
        "tag": "t",
        "branch": "main",
        "uuid": env["uuid"],
        "provider": "B",
        "consumer": "A",
        "consumerApplicationVersion": "1",
        "environment": "test",
        "id": "1",
    }
    post_only = {"pb:publish-contracts", "pf:publish-provider-contract"}
    index = (await client.get("/")).json()["_links"]
    for curie in index.pop("curies"):
        href = curie["href"].removeprefix("http://testserver.local")
        response = await client.get(href.replace("{rel}", "pacticipants"))
        assert response.status_code == 200, (curie, response.text)
    for relation, link in index.items():
        href = link["href"].removeprefix("http://testserver.local")
        for key, value in values.items():
            href = href.replace("{" + key + "}", value)
        assert "{" not in href, (relation, href)
        if relation in post_only:
            response = await client.post(href, json={})
            assert response.status_code == 400, (relation, href, response.text)
        else:
            response = await client.get(href or "/")
            assert response.status_code == 200, (relation, href, response.text)


async def test_links_follow_the_forwarded_proto_and_host(client: Client) -> None:
    response = await client.get(
        "/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "broker.example.com"}
    )
    assert (
        response.json()["_links"]["pb:pacticipants"]["href"]
        == "https://broker.example.com/pacticipants"
    )


async def test_responses_are_hal_json(client: Client) -> None:
    response = await client.get("/pacticipants")
    assert response.headers["content-type"].startswith("application/hal+json")


async def test_creating_a_pacticipant_then_reading_and_patching_it(client: Client) -> None:
    created = await client.post(
        "/pacticipants", json={"name": "Orders", "repositoryUrl": "https://git/orders"}
    )
    assert created.status_code == 201
    assert created.headers["location"].endswith("/pacticipants/Orders")
    patched = await client.patch(
        "/pacticipants/Orders",
        content='{"displayName": "Order service"}',
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200
    body = (await client.get("/pacticipants/Orders")).json()
    assert (body["displayName"], body["repositoryUrl"]) == ("Order service", "https://git/orders")
    assert body["_links"]["pb:branch-version"]["templated"] is True
    assert body["_links"]["pb:version-tag"]["href"].endswith(
        "/pacticipants/Orders/versions/{version}/tags/{tag}"
    )


async def test_patch_creates_a_missing_pacticipant_and_put_replaces(client: Client) -> None:
    assert (
        await client.patch("/pacticipants/New", json={"mainBranch": "trunk"})
    ).status_code == 201
    replaced = await client.put("/pacticipants/New", json={"displayName": "Shiny"})
    assert replaced.status_code == 200
    assert (replaced.json()["displayName"], replaced.json()["mainBranch"]) == ("Shiny", None)
    assert (await client.put("/pacticipants/Missing", json={})).status_code == 404


async def test_pacticipants_list_is_paginated_by_name(client: Client) -> None:
    for name in ["c", "a", "b"]:
        await client.post("/pacticipants", json={"name": name})
    first = (await client.get("/pacticipants", params={"size": 2})).json()
    assert [p["name"] for p in first["_embedded"]["pacticipants"]] == ["a", "b"]
    assert first["page"] == {"number": 1, "size": 2, "totalElements": 3, "totalPages": 2}
    second = (
        await client.get(first["_links"]["next"]["href"].removeprefix("http://testserver.local"))
    ).json()
    assert [p["name"] for p in second["_embedded"]["pacticipants"]] == ["c"]
    assert "next" not in second["_links"]


async def test_labels(client: Client) -> None:
    await client.post("/pacticipants", json={"name": "A"})
    assert (await put(client, "/pacticipants/A/labels/team-x")).status_code == 201
    assert (await put(client, "/pacticipants/A/labels/team-x")).status_code == 200
    listed = (await client.get("/pacticipants/label/team-x")).json()
    assert [p["name"] for p in listed["_embedded"]["pacticipants"]] == ["A"]
    assert [
        label["name"]
        for label in (await client.get("/pacticipants/A")).json()["_embedded"]["labels"]
    ] == ["team-x"]
    assert (await client.delete("/pacticipants/A/labels/team-x")).status_code == 204
    assert (await client.get("/pacticipants/A/labels/team-x")).status_code == 404


async def test_versions_are_listed_newest_first_with_pages(client: Client) -> None:
    for number in ["1.0.0", "0.9.0", "2.0.0"]:
        assert (await put(client, f"/pacticipants/A/versions/{number}")).status_code == 201
    body = (await client.get("/pacticipants/A/versions", params={"size": 2})).json()
    assert [v["number"] for v in body["_embedded"]["versions"]] == ["2.0.0", "0.9.0"]
    assert body["page"]["totalElements"] == 3
    assert (await client.get("/pacticipants/A/latest-version")).json()["number"] == "2.0.0"


async def test_version_put_is_create_or_update_with_build_url_and_tags(client: Client) -> None:
    created = await put(
        client,
        "/pacticipants/A/versions/1",
        '{"buildUrl": "https://ci/1", "tags": [{"name": "prod"}]}',
    )
    assert created.status_code == 201
    again = await put(client, "/pacticipants/A/versions/1", '{"buildUrl": "https://ci/1b"}')
    assert again.status_code == 200
    body = again.json()
    assert body["buildUrl"] == "https://ci/1b"
    assert [t["name"] for t in body["_embedded"]["tags"]] == ["prod"]
    assert (await client.get("/pacticipants/A/latest-version/prod")).json()["number"] == "1"
    assert (await client.get("/pacticipants/A/latest-version/nope")).status_code == 404


async def test_deleting_a_version_takes_its_tags_and_deployments(client: Client) -> None:
    env = await create_environment(client, "test")
    await put(client, "/pacticipants/A/versions/1", '{"tags": [{"name": "prod"}]}')
    await put(client, "/pacticipants/A/branches/main/versions/1")
    await put(client, "/pacticipants/A/versions/2")
    await client.post(
        f"/pacticipants/A/versions/1/deployed-versions/environment/{env['uuid']}", json={}
    )
    assert (await client.delete("/pacticipants/A/versions/1")).status_code == 204
    assert (await client.get("/pacticipants/A/versions/1")).status_code == 404
    assert (await client.get("/pacticipants/A/latest-version/prod")).status_code == 404
    deployed = await client.get(f"/environments/{env['uuid']}/deployed-versions/currently-deployed")
    assert deployed.json()["_embedded"]["deployedVersions"] == []
    assert (await client.get("/pacticipants/A/branches/main/versions")).json()["_embedded"][
        "versions"
    ] == []
    assert (await client.get("/pacticipants/A/latest-version")).json()["number"] == "2"


async def test_tag_put_is_idempotent_and_creates_what_is_missing(client: Client) -> None:
    first = await put(client, "/pacticipants/A/versions/1/tags/prod", "")
    assert first.status_code == 201
    assert first.headers["location"].endswith("/pacticipants/A/versions/1/tags/prod")
    assert (await put(client, "/pacticipants/A/versions/1/tags/prod")).status_code == 200
    assert (await client.get("/pacticipants/A/versions/1/tags/prod")).json()["name"] == "prod"
    assert (await client.delete("/pacticipants/A/versions/1/tags/prod")).status_code == 204
    assert (await client.get("/pacticipants/A/versions/1/tags/prod")).status_code == 404


async def test_branch_head_is_the_version_added_last(client: Client) -> None:
    assert (await put(client, "/pacticipants/A/branches/main/versions/2")).status_code == 201
    assert (await put(client, "/pacticipants/A/branches/main/versions/1")).status_code == 201
    assert (await put(client, "/pacticipants/A/branches/main/versions/2")).status_code == 200
    branch = (await client.get("/pacticipants/A/branches/main")).json()
    assert branch["_embedded"]["latestVersion"]["number"] == "1"
    versions = (await client.get("/pacticipants/A/branches/main/versions")).json()["_embedded"][
        "versions"
    ]
    assert [v["number"] for v in versions] == ["1", "2"]
    two = (await client.get("/pacticipants/A/versions/2")).json()["_embedded"]["branchVersions"]
    assert two == [{"name": "main", "latest": False, "_links": two[0]["_links"]}]
    assert (await client.get("/pacticipants/A")).json()["mainBranch"] == "main"


async def test_names_with_slashes_and_spaces_travel_as_one_segment(client: Client) -> None:
    response = await put(client, "/pacticipants/my%20app/branches/feature%2Fx/versions/1.0%2Fbeta")
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "feature/x"
    assert response.json()["_links"]["self"]["href"].endswith(
        "/pacticipants/my%20app/branches/feature%2Fx/versions/1.0%2Fbeta"
    )
    version = (await client.get("/pacticipants/my%20app/versions/1.0%2Fbeta")).json()
    assert version["number"] == "1.0/beta"
    assert [b["name"] for b in version["_embedded"]["branchVersions"]] == ["feature/x"]
    assert (await client.get("/pacticipants/my%20app/branches/feature/x")).status_code == 404


async def test_environment_lifecycle(client: Client) -> None:
    env = await create_environment(client, "prod-eu", production=True)
    assert env["displayName"] == "Prod Eu"
    listing = (await client.get("/environments")).json()
    assert [e["name"] for e in listing["_embedded"]["environments"]] == ["prod-eu"]
    assert listing["_links"]["pb:environments"][0]["name"] == "prod-eu"
    assert (await client.get("/environments", params={"name": "nope"})).json()["_embedded"][
        "environments"
    ] == []
    updated = await client.put(
        f"/environments/{env['uuid']}",
        json={
            "name": "prod-eu",
            "displayName": "Production EU",
            "production": True,
            "contacts": [{"name": "Ops", "details": {"emailAddress": "ops@example.com"}}],
        },
    )
    assert updated.status_code == 200
    again = (await client.get(f"/environments/{env['uuid']}")).json()
    assert again["displayName"] == "Production EU"
    assert again["contacts"][0]["details"] == {"emailAddress": "ops@example.com"}
    assert (await client.delete(f"/environments/{env['uuid']}")).status_code == 204
    assert (await client.get(f"/environments/{env['uuid']}")).status_code == 404


async def test_version_links_record_deployment_per_environment(client: Client) -> None:
    test = await create_environment(client, "test")
    prod = await create_environment(client, "production", production=True)
    await put(client, "/pacticipants/A/versions/1")
    links = (await client.get("/pacticipants/A/versions/1")).json()["_links"]
    assert {
        link["name"]: link["href"].rsplit("/", 1)[1] for link in links["pb:record-deployment"]
    } == {"test": test["uuid"], "production": prod["uuid"]}
    assert [link["name"] for link in links["pb:record-release"]] == ["production", "test"]


async def test_deploying_replaces_the_previous_version_per_application_instance(
    client: Client,
) -> None:
    env = await create_environment(client, "production", production=True)
    for number in ["1", "2", "3"]:
        await put(client, f"/pacticipants/A/versions/{number}")
    base = f"/environments/{env['uuid']}/deployed-versions/currently-deployed"

    async def record(number: str, body: dict[str, Any]) -> Any:
        return await client.post(
            f"/pacticipants/A/versions/{number}/deployed-versions/environment/{env['uuid']}",
            json=body,
        )

    assert (await record("1", {"applicationInstance": "blue"})).status_code == 201
    assert (await record("2", {"applicationInstance": "green"})).status_code == 201
    assert (await record("2", {"applicationInstance": "green"})).status_code == 200
    assert (await record("3", {"target": "blue"})).status_code == 201
    current = (await client.get(base, params={"pacticipant": "A"})).json()["_embedded"][
        "deployedVersions"
    ]
    assert sorted(
        (d["_embedded"]["version"]["number"], d["applicationInstance"]) for d in current
    ) == [("2", "green"), ("3", "blue")]
    only_blue = (await client.get(base, params={"applicationInstance": "blue"})).json()[
        "_embedded"
    ]["deployedVersions"]
    assert [d["_embedded"]["version"]["number"] for d in only_blue] == ["3"]
    assert (await client.get(base, params={"applicationInstance": ""})).json()["_embedded"][
        "deployedVersions"
    ] == []

    undeploy = await client.patch(
        current[0]["_links"]["self"]["href"].removeprefix("http://testserver.local"),
        content='{"currentlyDeployed": false}',
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert undeploy.status_code == 200
    assert undeploy.json()["currentlyDeployed"] is False
    assert undeploy.json()["undeployedAt"] is not None
    assert len((await client.get(base)).json()["_embedded"]["deployedVersions"]) == 1
    refused = await client.patch(
        current[0]["_links"]["self"]["href"].removeprefix("http://testserver.local"),
        json={"currentlyDeployed": True},
    )
    assert refused.status_code == 422


async def test_deployment_needs_an_existing_version_and_environment(client: Client) -> None:
    env = await create_environment(client, "test")
    missing_version = await client.post(
        f"/pacticipants/A/versions/9/deployed-versions/environment/{env['uuid']}", json={}
    )
    assert missing_version.status_code == 404
    await put(client, "/pacticipants/A/versions/1")
    missing_env = await client.post(
        "/pacticipants/A/versions/1/deployed-versions/environment/nope", json={}
    )
    assert missing_env.status_code == 404
    assert (await client.get("/pacticipants/A/versions/9")).status_code == 404


async def test_releases_stay_supported_side_by_side_until_support_ends(client: Client) -> None:
    env = await create_environment(client, "production", production=True)
    for number in ["1", "2"]:
        await put(client, f"/pacticipants/A/versions/{number}")
        created = await client.post(
            f"/pacticipants/A/versions/{number}/released-versions/environment/{env['uuid']}",
            json={},
        )
        assert created.status_code == 201
    base = f"/environments/{env['uuid']}/released-versions/currently-supported"
    supported = (await client.get(base, params={"pacticipant": "A"})).json()["_embedded"][
        "releasedVersions"
    ]
    assert sorted(r["_embedded"]["version"]["number"] for r in supported) == ["1", "2"]
    one = (await client.get(base, params={"pacticipant": "A", "version": "1"})).json()["_embedded"][
        "releasedVersions"
    ][0]
    ended = await client.patch(
        one["_links"]["self"]["href"].removeprefix("http://testserver.local"),
        json={"currentlySupported": False},
    )
    assert ended.status_code == 200
    assert ended.json()["supportEndedAt"] is not None
    supported = (await client.get(base)).json()["_embedded"]["releasedVersions"]
    assert [r["_embedded"]["version"]["number"] for r in supported] == ["2"]
    again = await client.post(
        f"/pacticipants/A/versions/1/released-versions/environment/{env['uuid']}", json={}
    )
    assert again.status_code == 200
    assert again.json()["currentlySupported"] is True


async def test_deleting_an_environment_removes_its_deployments(client: Client) -> None:
    env = await create_environment(client, "test")
    await put(client, "/pacticipants/A/versions/1")
    await client.post(
        f"/pacticipants/A/versions/1/deployed-versions/environment/{env['uuid']}", json={}
    )
    assert (await client.delete(f"/environments/{env['uuid']}")).status_code == 204
    version = (await client.get("/pacticipants/A/versions/1")).json()
    assert version["_links"]["pb:deployed-environments"] == []
    assert version["_links"]["pb:record-deployment"] == []
