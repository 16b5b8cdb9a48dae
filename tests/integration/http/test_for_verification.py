"""Pacts for verification: selectors, de-duplication by content, pending, validation."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.integration.http.test_pacts import BASE, body, pact

Client = AsyncTestClient[Any]
URL = "/pacts/provider/Orders/for-verification"


async def publish(
    client: Client, consumer: str, version: str, description: str, **extra: Any
) -> None:
    response = await client.post(
        "/contracts/publish",
        json=body(pact(description, consumer=consumer), version=version, **extra),
    )
    assert response.status_code == 200, response.text


async def select(client: Client, *selectors: dict[str, Any], **extra: Any) -> list[dict[str, Any]]:
    response = await client.post(URL, json={"consumerVersionSelectors": list(selectors), **extra})
    assert response.status_code == 200, response.text
    pacts: list[dict[str, Any]] = response.json()["_embedded"]["pacts"]
    return pacts


def who(entries: list[dict[str, Any]]) -> list[str]:
    return [e["_links"]["self"]["name"] for e in entries]


async def test_branch_tag_and_latest_selectors(client: Client) -> None:
    await publish(client, "Web", "1", "a", branch="main", tags=["prod"])
    await publish(client, "Web", "2", "b", branch="main")
    await publish(client, "Web", "3", "c", branch="feat", tags=["prod"])
    await publish(client, "App", "9", "z", branch="main")
    assert who(await select(client, {"mainBranch": True})) == [
        "Pact between App (9) and Orders",
        "Pact between Web (2) and Orders",
    ]
    assert who(await select(client, {"branch": "feat"})) == ["Pact between Web (3) and Orders"]
    assert who(await select(client, {"tag": "prod", "latest": True})) == [
        "Pact between Web (3) and Orders"
    ]
    assert who(await select(client, {"tag": "prod"})) == [
        "Pact between Web (1) and Orders",
        "Pact between Web (3) and Orders",
    ]
    assert who(await select(client, {"tag": "none", "latest": True, "fallbackTag": "prod"})) == [
        "Pact between Web (3) and Orders"
    ]
    assert who(await select(client, {"latest": True, "consumer": "App"})) == [
        "Pact between App (9) and Orders"
    ]
    assert who(await select(client, {"matchingBranch": True}, providerVersionBranch="feat")) == [
        "Pact between Web (3) and Orders"
    ]


async def test_one_entry_per_distinct_content_with_every_reason(client: Client) -> None:
    await publish(client, "Web", "1", "same", branch="main", tags=["prod"])
    await publish(client, "Web", "2", "same", branch="feat")
    entries = await select(client, {"tag": "prod", "latest": True}, {"branch": "feat"})
    assert len(entries) == 1
    assert (
        entries[0]["shortDescription"]
        == "latest version with tag prod, latest version from branch feat"
    )
    assert entries[0]["_links"]["self"]["name"] == "Pact between Web (2) and Orders"
    notice = entries[0]["verificationProperties"]["notices"][0]
    assert notice["when"] == "before_verification" and "1, 2" in notice["text"]
    # The pact URL (with its metadata segment) serves the pact and links back for results.
    served = (await client.get(entries[0]["_links"]["self"]["href"].removeprefix(BASE))).json()
    assert served["_links"]["pb:publish-verification-results"]["href"].startswith(
        entries[0]["_links"]["self"]["href"]
    )


async def test_environment_selectors(client: Client) -> None:
    prod = (
        await client.post("/environments", json={"name": "production", "production": True})
    ).json()
    test = (await client.post("/environments", json={"name": "test", "production": False})).json()
    for version, description in (("1", "a"), ("2", "b"), ("3", "c")):
        await publish(client, "Web", version, description)
    await client.post(
        f"/pacticipants/Web/versions/1/deployed-versions/environment/{prod['uuid']}", json={}
    )
    await client.post(
        f"/pacticipants/Web/versions/2/released-versions/environment/{prod['uuid']}", json={}
    )
    await client.post(
        f"/pacticipants/Web/versions/3/deployed-versions/environment/{test['uuid']}", json={}
    )
    assert who(await select(client, {"deployed": True})) == [
        "Pact between Web (1) and Orders",
        "Pact between Web (3) and Orders",
    ]
    assert who(await select(client, {"released": True})) == ["Pact between Web (2) and Orders"]
    assert who(await select(client, {"environment": "production"})) == [
        "Pact between Web (1) and Orders",
        "Pact between Web (2) and Orders",
    ]
    assert who(await select(client, {"deployedOrReleased": True, "environment": "test"})) == [
        "Pact between Web (3) and Orders"
    ]


async def test_pending_follows_successful_results_on_the_provider_branch(client: Client) -> None:
    await client.put("/pacticipants/Orders/branches/main/versions/p1", json={})
    await publish(client, "Web", "1", "a", branch="main")
    entries = await select(
        client, {"mainBranch": True}, providerVersionBranch="main", includePendingStatus=True
    )
    assert entries[0]["verificationProperties"]["pending"] is True
    pact_url = entries[0]["_links"]["self"]["href"].removeprefix(BASE)
    results = (await client.get(pact_url)).json()["_links"]["pb:publish-verification-results"][
        "href"
    ]
    await client.post(
        results.removeprefix(BASE), json={"success": True, "providerApplicationVersion": "p1"}
    )
    again = await select(
        client, {"mainBranch": True}, providerVersionBranch="main", includePendingStatus=True
    )
    assert again[0]["verificationProperties"]["pending"] is False
    other = await select(
        client, {"mainBranch": True}, providerVersionBranch="new-feature", includePendingStatus=True
    )
    assert other[0]["verificationProperties"]["pending"] is True
    without = await select(client, {"mainBranch": True})
    assert "pending" not in without[0]["verificationProperties"]


async def test_defaults_and_the_get_the_rust_verifier_sends_first(client: Client) -> None:
    await publish(client, "Web", "1", "a", branch="main")
    await publish(client, "App", "7", "b")  # no main branch: the latest pact
    response = await client.get(URL)
    assert response.status_code == 200
    assert response.json()["_links"]["self"]["href"] == f"{BASE}{URL}"
    assert who(await select(client)) == [
        "Pact between App (7) and Orders",
        "Pact between Web (1) and Orders",
    ]
    link = (await client.get("/")).json()["_links"]["pb:provider-pacts-for-verification"]
    assert link["templated"] is True


async def test_bad_selectors_are_400_and_unknown_providers_404(client: Client) -> None:
    await publish(client, "Web", "1", "a")
    for selector, detail in [
        ({"consumer": "Web"}, "must set one of"),
        ({"tag": "x", "branch": "y"}, "tag and branch"),
        ({"branch": "main", "environment": "production"}, "cannot be combined"),
        ({"environment": "nowhere"}, "no environment named"),
        ({"matchingBranch": True}, "needs providerVersionBranch"),
        ({"fallbackTag": "x", "tag": "y"}, "fallbackTag needs"),
    ]:
        response = await client.post(URL, json={"consumerVersionSelectors": [selector]})
        assert response.status_code == 400, selector
        assert detail in " ".join(response.json()["errors"]["consumerVersionSelectors.0"]), (
            response.json()
        )
    assert (
        await client.post("/pacts/provider/Nobody/for-verification", json={})
    ).status_code == 404


async def test_wip_pacts_are_branch_heads_not_yet_verified_on_the_provider_branch(
    client: Client,
) -> None:
    await client.put("/pacticipants/Orders/branches/main/versions/p1", json={})
    await publish(client, "Web", "1", "a", branch="main")
    await publish(client, "Web", "2", "b", branch="feature-x")
    request = {
        "providerVersionBranch": "main",
        "includePendingStatus": True,
        "includeWipPactsSince": "2020-01-01",
    }
    entries = await select(client, {"mainBranch": True}, **request)
    assert who(entries) == ["Pact between Web (1) and Orders", "Pact between Web (2) and Orders"]
    wip = entries[1]
    assert wip["verificationProperties"]["wip"] is True
    assert wip["verificationProperties"]["pending"] is True
    assert "wip" not in entries[0]["verificationProperties"]
    # A WIP verification does not take the pact off the WIP list...
    served = (await client.get(wip["_links"]["self"]["href"].removeprefix(BASE))).json()
    results = served["_links"]["pb:publish-verification-results"]["href"].removeprefix(BASE)
    await client.post(results, json={"success": True, "providerApplicationVersion": "p1"})
    assert len(await select(client, {"mainBranch": True}, **request)) == 2
    # ...but a result through the explicitly selected pact URL does.
    pact_url = (await client.get("/pacts/provider/Orders/consumer/Web/version/2")).json()
    plain = pact_url["_links"]["pb:publish-verification-results"]["href"].removeprefix(BASE)
    await client.post(plain, json={"success": True, "providerApplicationVersion": "p1"})
    assert who(await select(client, {"mainBranch": True}, **request)) == [
        "Pact between Web (1) and Orders"
    ]
    # A date after the publication leaves the pact out; a bad date is a 400.
    late = {**request, "includeWipPactsSince": "2999-01-01"}
    assert len(await select(client, {"mainBranch": True}, **late)) == 1
    bad = await client.post(URL, json={**request, "includeWipPactsSince": "yesterday"})
    assert bad.status_code == 400
    assert "includeWipPactsSince" in bad.json()["errors"]


async def test_a_wip_candidate_verified_before_the_provider_branch_existed_is_not_wip(
    client: Client,
) -> None:
    # §7.6: a success from before the provider branch was created counts for that branch.
    await publish(client, "Web", "1", "a", branch="main")
    await publish(client, "Web", "2", "b", branch="feature-x")
    await publish(client, "Web", "3", "c", branch="feature-y")
    pact_url = (await client.get("/pacts/provider/Orders/consumer/Web/version/2")).json()
    plain = pact_url["_links"]["pb:publish-verification-results"]["href"].removeprefix(BASE)
    await client.post(plain, json={"success": True, "providerApplicationVersion": "p0"})
    await client.put("/pacticipants/Orders/branches/main/versions/p1", json={})
    request = {"providerVersionBranch": "main", "includeWipPactsSince": "2020-01-01"}
    entries = await select(client, {"mainBranch": True}, **request)
    assert who(entries) == ["Pact between Web (1) and Orders", "Pact between Web (3) and Orders"]
    assert entries[1]["verificationProperties"]["wip"] is True
    # A branch not created yet has verified nothing: every head is work in progress.
    later = {**request, "providerVersionBranch": "release"}
    assert len(await select(client, {"mainBranch": True}, **later)) == 3


async def test_the_deprecated_get_form_takes_its_selectors_from_the_query(client: Client) -> None:
    """§7.7: snake_case, Rack-nested query parameters, as pact-js 9 and the Ruby verifier send."""
    await publish(client, "Web", "1", "a", branch="main", tags=["prod"])
    await publish(client, "Web", "2", "b", branch="main", tags=["prod"])
    await publish(client, "Web", "3", "c", branch="feat")
    await publish(client, "App", "9", "z", tags=["prod"])
    query = (
        "consumer_version_selectors[][tag]=prod&consumer_version_selectors[][latest]=true"
        "&consumer_version_selectors[][consumer]=Web"
        "&include_pending_status=true&provider_version_tags[]=main"
    )
    response = await client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.text
    entries = response.json()["_embedded"]["pacts"]
    assert who(entries) == ["Pact between Web (2) and Orders"]
    assert entries[0]["verificationProperties"]["pending"] is True
    notices = " ".join(n["text"] for n in entries[0]["verificationProperties"]["notices"])
    assert "latest version with tag prod of Web" in notices
    assert "with tag main" in notices
    every_prod = await client.get(f"{URL}?consumer_version_selectors[][tag]=prod")
    assert who(every_prod.json()["_embedded"]["pacts"]) == [
        "Pact between App (9) and Orders",
        "Pact between Web (1) and Orders",
        "Pact between Web (2) and Orders",
    ]
    wip = await client.get(
        f"{URL}?consumer_version_selectors[][tag]=prod&consumer_version_selectors[][latest]=true"
        "&provider_version_branch=main&include_wip_pacts_since=2020-01-01"
    )
    assert "Pact between Web (3) and Orders" in who(wip.json()["_embedded"]["pacts"])


async def test_the_deprecated_get_form_rejects_what_it_cannot_read(client: Client) -> None:
    await publish(client, "Web", "1", "a")
    for query, field in [
        ("consumer_version_selectors[][branch]=main", "consumer_version_selectors/0"),
        ("consumer_version_selectors[][latest]=yes", "consumer_version_selectors/0/latest"),
        ("include_pending_status=maybe", "include_pending_status"),
        ("include_wip_pacts_since=last-week", "include_wip_pacts_since"),
    ]:
        response = await client.get(f"{URL}?{query}", headers={"Accept": "application/hal+json"})
        assert response.status_code == 400, query
        assert field.replace("/", ".") in response.json()["errors"], response.json()


async def test_a_successful_wip_verification_counts_for_pending_status(client: Client) -> None:
    """§7.5: a WIP result keeps the pact on the WIP list, but it is an ordinary success for
    pending status once the pact is selected explicitly."""
    await client.put("/pacticipants/Orders/branches/main/versions/p1", json={})
    await publish(client, "Web", "1", "a", branch="main")
    await publish(client, "Web", "2", "b", branch="feature-x")
    explicit = {"providerVersionBranch": "main", "includePendingStatus": True}
    (before,) = await select(client, {"branch": "feature-x"}, **explicit)
    assert before["verificationProperties"]["pending"] is True
    entries = await select(
        client, {"mainBranch": True}, **explicit, includeWipPactsSince="2020-01-01"
    )
    wip = entries[1]
    assert wip["verificationProperties"]["wip"] is True
    served = (await client.get(wip["_links"]["self"]["href"].removeprefix(BASE))).json()
    results = served["_links"]["pb:publish-verification-results"]["href"].removeprefix(BASE)
    await client.post(results, json={"success": True, "providerApplicationVersion": "p1"})
    (after,) = await select(client, {"branch": "feature-x"}, **explicit)
    assert after["verificationProperties"]["pending"] is False


async def test_wip_pacts_from_consumer_tags_and_in_provider_tag_mode(client: Client) -> None:
    """§7.6: the latest version with each consumer tag is a candidate too; with provider tags
    instead of a branch, a pact stays WIP until every provider tag has verified it."""
    await publish(client, "Web", "1", "a", tags=["prod"])
    await publish(client, "Web", "2", "b", tags=["feat-x"])
    request = {
        "providerVersionTags": ["main", "prod"],
        "includePendingStatus": True,
        "includeWipPactsSince": "2020-01-01",
    }
    entries = await select(client, {"tag": "prod", "latest": True}, **request)
    assert who(entries) == ["Pact between Web (1) and Orders", "Pact between Web (2) and Orders"]
    wip = entries[1]
    assert wip["verificationProperties"]["wip"] is True
    notices = " ".join(n["text"] for n in wip["verificationProperties"]["notices"])
    assert "latest version with tag feat-x" in notices
    # Verified (not as WIP) by a provider version tagged main only: still WIP for prod.
    await client.put("/pacticipants/Orders/versions/p1/tags/main", json={})
    pact = (await client.get("/pacts/provider/Orders/consumer/Web/version/2")).json()
    href = pact["_links"]["pb:publish-verification-results"]["href"].removeprefix(BASE)
    await client.post(href, json={"success": True, "providerApplicationVersion": "p1"})
    still = await select(client, {"tag": "prod", "latest": True}, **request)
    assert who(still)[1:] == ["Pact between Web (2) and Orders"]
    assert "with tag prod" in " ".join(
        n["text"] for n in still[1]["verificationProperties"]["notices"]
    )
    await client.put("/pacticipants/Orders/versions/p1/tags/prod", json={})
    done = await select(client, {"tag": "prod", "latest": True}, **request)
    assert who(done) == ["Pact between Web (1) and Orders"]


async def test_in_provider_tag_mode_a_wip_success_counts_for_pending_status(
    client: Client,
) -> None:
    """§7.5 with provider tags: each tag's successful results count, WIP ones included."""
    await client.put("/pacticipants/Orders/versions/p1/tags/main", json={})
    await publish(client, "Web", "1", "a", branch="feature-x")
    await publish(client, "App", "1", "z", branch="feature-x")
    explicit = {"providerVersionTags": ["main", "prod"], "includePendingStatus": True}
    before = await select(client, {"branch": "feature-x"}, **explicit)
    assert [e["verificationProperties"]["pending"] for e in before] == [True, True]
    wip = await select(
        client,
        {"mainBranch": True},
        providerVersionBranch="main",
        includeWipPactsSince="2020-01-01",
    )
    web = next(e for e in wip if "Web" in e["_links"]["self"]["name"])
    served = (await client.get(web["_links"]["self"]["href"].removeprefix(BASE))).json()
    results = served["_links"]["pb:publish-verification-results"]["href"].removeprefix(BASE)
    await client.post(results, json={"success": True, "providerApplicationVersion": "p1"})
    after = await select(client, {"branch": "feature-x"}, **explicit)
    assert [e["verificationProperties"]["pending"] for e in after] == [True, True]
    notices = " ".join(n["text"] for n in after[1]["verificationProperties"]["notices"])
    assert "with tag prod has not yet been published" in notices
    await client.put("/pacticipants/Orders/versions/p1/tags/prod", json={})
    done = await select(client, {"branch": "feature-x"}, **explicit)
    assert [e["verificationProperties"]["pending"] for e in done] == [True, False]
    notices = " ".join(n["text"] for n in done[1]["verificationProperties"]["notices"])
    assert "verified by a version of Orders with tag main, prod" in notices
