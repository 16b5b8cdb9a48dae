"""The network and matrix pages in-process (#15), on both backends.

The network page draws each integration with the home page's status; the matrix page answers,
for the same query, what `GET /matrix` (and `GET /can-i-deploy`) answer, and refuses what they
refuse with the same errors.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlencode

import pytest
from litestar.testing import AsyncTestClient

from tests.support.html_elements import by_id, elements, with_class

Client = AsyncTestClient[Any]

AS_BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
BASE = "http://testserver.local"


async def publish(client: Client, consumer: str, provider: str, version: str, path: str) -> None:
    document = {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": f"a request for {path}",
                "request": {"method": "GET", "path": path},
                "response": {"status": 200},
            }
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }
    body = {
        "pacticipantName": consumer,
        "pacticipantVersionNumber": version,
        "branch": "main",
        "contracts": [
            {
                "consumerName": consumer,
                "providerName": provider,
                "specification": "pact",
                "contentType": "application/json",
                "content": base64.b64encode(json.dumps(document).encode()).decode(),
            }
        ],
    }
    response = await client.post("/contracts/publish", json=body)
    assert response.status_code == 200, response.text


async def verify(
    client: Client, consumer: str, provider: str, version: str, by: str, *, success: bool
) -> None:
    pact = await client.get(f"/pacts/provider/{provider}/consumer/{consumer}/version/{version}")
    assert pact.status_code == 200, pact.text
    href = pact.json()["_links"]["pb:publish-verification-results"]["href"]
    posted = await client.post(
        href.removeprefix(BASE), json={"success": success, "providerApplicationVersion": by}
    )
    assert posted.status_code == 201, posted.text


async def deploy(client: Client, pacticipant: str, version: str, environment: str) -> None:
    found = (await client.get(f"/environments?name={environment}")).json()
    listed = found.get("_embedded", {}).get("environments", [])
    if listed:
        uuid = listed[0]["uuid"]
    else:
        created = await client.post(
            "/environments", json={"name": environment, "production": environment == "production"}
        )
        assert created.status_code == 201, created.text
        uuid = created.json()["uuid"]
    response = await client.post(
        f"/pacticipants/{pacticipant}/versions/{version}/deployed-versions/environment/{uuid}",
        json={},
    )
    assert response.status_code == 201, response.text


async def page(client: Client, path: str, status: int = 200) -> str:
    response = await client.get(path, headers=AS_BROWSER)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


async def test_the_network_page_draws_each_integration_with_the_home_pages_status(
    client: Client,
) -> None:
    await publish(client, "Web", "Orders", "1", "/orders")
    await publish(client, "Mobile", "Orders", "1", "/orders/mobile")
    await publish(client, "Orders", "Payments", "1", "/payments")
    await verify(client, "Web", "Orders", "1", "2", success=True)
    await verify(client, "Mobile", "Orders", "1", "2", success=False)

    html = await page(client, "/ui/network")

    edges = {
        (e.attrs["data-consumer"], e.attrs["data-provider"]): e
        for e in with_class(html, "a", "edge")
    }
    assert {pair: e.attrs["data-status"] for pair, e in edges.items()} == {
        ("Web", "Orders"): "success",
        ("Mobile", "Orders"): "failure",
        ("Orders", "Payments"): "unverified",
    }
    # Each edge opens its latest pact; its name says both sides and the status in words.
    web = edges[("Web", "Orders")]
    assert web.attrs["href"].endswith("/ui/pacts/provider/Orders/consumer/Web/version/1")
    assert web.attrs["aria-label"] == "Web to Orders: verified"
    nodes = {e.attrs["data-pacticipant"]: e.attrs["href"] for e in with_class(html, "a", "node")}
    assert sorted(nodes) == ["Mobile", "Orders", "Payments", "Web"]
    assert all(href.endswith(f"/ui/pacticipants/{name}") for name, href in nodes.items())
    # The same statuses as the home page shows, row by row.
    home = await page(client, "/ui")
    badges = {
        (row.attrs["data-consumer"], row.attrs["data-provider"]): row.text
        for row in elements(home)
        if row.tag == "tr" and "data-consumer" in row.attrs
    }
    words = {"success": "Verified", "failure": "Failed", "unverified": "Unverified"}
    for pair, edge in edges.items():
        assert words[edge.attrs["data-status"]] in badges[pair]
    # The text alternative lists the same integrations.
    listed = [
        (row.attrs["data-consumer"], row.attrs["data-provider"])
        for row in elements(html)
        if row.tag == "tr" and "data-consumer" in row.attrs
    ]
    assert sorted(listed) == sorted(edges)


async def test_the_network_page_filters_as_the_home_page_does(client: Client) -> None:
    await publish(client, "Web", "Orders", "1", "/orders")
    await publish(client, "Mobile", "Stock", "1", "/stock")

    html = await page(client, "/ui/network?name=stock")

    pairs = [
        (e.attrs["data-consumer"], e.attrs["data-provider"]) for e in with_class(html, "a", "edge")
    ]
    assert pairs == [("Mobile", "Stock")]
    summary = by_id(html, "network-count")
    assert summary is not None
    assert "1 integration (of 2) match" in summary.text


async def test_an_empty_broker_has_no_network_to_draw(client: Client) -> None:
    html = await page(client, "/ui/network")
    assert "there is no network to draw" in html
    assert not with_class(html, "a", "edge")


@pytest.fixture
async def deployed(client: Client) -> Client:
    """Web 1 verified by Orders 2 (in production), Web 2 failed by it, Web 3 not verified."""
    await publish(client, "Web", "Orders", "1", "/orders/1")
    await publish(client, "Web", "Orders", "2", "/orders/2")
    await publish(client, "Web", "Orders", "3", "/orders/3")
    await verify(client, "Web", "Orders", "1", "2", success=True)
    await verify(client, "Web", "Orders", "2", "2", success=False)
    await deploy(client, "Orders", "2", "production")
    await client.post("/environments", json={"name": "test", "production": False})
    return client


def answer_on_page(html: str) -> dict[str, Any]:
    """The page's answer in the shape of the API's: deployable, reason, notices and rows."""
    decision = by_id(html, "deployable")
    reason = by_id(html, "summary-reason")
    assert decision is not None
    assert reason is not None
    deployable = {"true": True, "false": False, "null": None}[decision.attrs["data-deployable"]]
    return {
        "deployable": deployable,
        "reason": reason.text,
        "notices": [
            (e.attrs["data-type"], e.text)
            for e in elements(html)
            if e.tag == "li" and "data-type" in e.attrs
        ],
        "rows": [
            (
                e.attrs["data-consumer"],
                e.attrs["data-consumer-version"],
                e.attrs["data-provider"],
                e.attrs["data-provider-version"],
                e.attrs.get("data-ignored") == "true",
            )
            for e in elements(html)
            if e.tag == "tr" and "data-consumer-version" in e.attrs
        ],
    }


def answer_of_api(body: dict[str, Any]) -> dict[str, Any]:
    summary = body["summary"]
    return {
        "deployable": summary["deployable"],
        "reason": " ".join(summary["reason"].split()),
        "notices": [(n["type"], " ".join(n["text"].split())) for n in body["notices"]],
        "rows": [
            (
                r["consumer"]["name"],
                r["consumer"]["version"]["number"],
                r["provider"]["name"],
                r["provider"]["version"]["number"],
                r.get("ignored", False),
            )
            for r in body["matrix"]
        ],
    }


QUERIES = {
    "yes": "q[][pacticipant]=Web&q[][version]=1&environment=production",
    "no": "q[][pacticipant]=Web&q[][version]=2&environment=production",
    "unknown": "q[][pacticipant]=Web&q[][version]=3&environment=production",
    "nothing there": "q[][pacticipant]=Web&q[][version]=1&environment=test",
    "latest": "q[][pacticipant]=Web&q[][latest]=true&environment=production",
    "ignoring": "q[][pacticipant]=Web&q[][version]=2&environment=production"
    "&ignore[][pacticipant]=Orders",
    "between": "q[][pacticipant]=Web&q[][version]=1&q[][pacticipant]=Orders&q[][version]=2",
    "to a tag": "q[][pacticipant]=Web&q[][version]=1&latest=true&tag=prod",
    "no such version": "q[][pacticipant]=Web&q[][version]=9&environment=production",
    "as the ruby cli": "q%5B%5D%5Bpacticipant%5D=Web&q%5B%5D%5Bversion%5D=2"
    "&latestby=cvpv&environment=production",
}


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
async def test_the_matrix_page_answers_what_the_matrix_api_answers(
    deployed: Client, query: str
) -> None:
    api = await deployed.get(f"/matrix?{query}")
    assert api.status_code == 200, api.text

    html = await page(deployed, f"/ui/matrix?{query}")

    assert answer_on_page(html) == answer_of_api(api.json())


@pytest.mark.parametrize(("version", "deployable"), [("1", True), ("2", False), ("3", None)])
async def test_the_matrix_page_answers_what_can_i_deploy_answers(
    deployed: Client, version: str, deployable: bool | None
) -> None:
    asked = {"pacticipant": "Web", "version": version, "environment": "production"}
    api = await deployed.get(f"/can-i-deploy?{urlencode(asked)}")
    assert api.status_code == 200, api.text
    assert api.json()["summary"]["deployable"] is deployable

    form = {"q[][pacticipant]": "Web", "q[][version]": version, "environment": "production"}
    html = await page(deployed, f"/ui/matrix?{urlencode(form)}")

    assert answer_on_page(html) == answer_of_api(api.json())


async def test_blank_rows_of_the_form_are_left_out(deployed: Client) -> None:
    """The form sends every row; rows left blank are not selectors."""
    row = ["q[][pacticipant]", "q[][version]", "q[][branch]", "q[][tag]"]
    sent = [
        ("q[][pacticipant]", "Web"),
        ("q[][version]", "2"),
        ("q[][branch]", ""),
        ("q[][tag]", ""),
        *[(name, "") for name in row],
        ("environment", "production"),
        ("tag", ""),
        ("ignore[][pacticipant]", ""),
        ("ignore[][version]", ""),
    ]
    api = await deployed.get(f"/matrix?{QUERIES['no']}")

    html = await page(deployed, f"/ui/matrix?{urlencode(sent)}")

    assert answer_on_page(html) == answer_of_api(api.json())
    assert answer_on_page(html)["deployable"] is False


async def test_the_blank_form_asks_nothing(deployed: Client) -> None:
    html = await page(deployed, "/ui/matrix")
    assert by_id(html, "deployable") is None
    assert by_id(html, "matrix-errors") is None
    assert by_id(html, "q-0-pacticipant") is not None
    # The environments are offered as the target.
    options = [e.attrs["value"] for e in elements(html) if e.tag == "option"]
    assert options == ["production", "test"]


BAD = {
    "no pacticipant": "q[][version]=1&environment=production",
    "version and latest": "q[][pacticipant]=Web&q[][version]=1&q[][latest]=true",
    "two targets": "q[][pacticipant]=Web&q[][version]=1&environment=production&tag=prod",
    "latest and environment": "q[][pacticipant]=Web&q[][version]=1&environment=production"
    "&latest=true",
    "no such environment": "q[][pacticipant]=Web&q[][version]=1&environment=staging",
    "no such pacticipant": "q[][pacticipant]=Nobody&q[][version]=1&environment=production",
    "only a target": "environment=production",
}


@pytest.mark.parametrize("query", BAD.values(), ids=BAD.keys())
async def test_bad_selectors_are_the_apis_errors_on_a_400_page(
    deployed: Client, query: str
) -> None:
    api = await deployed.get(f"/matrix?{query}", headers={"Accept": "application/problem+json"})
    assert api.status_code == 400, api.text
    problem = api.json()

    html = await page(deployed, f"/ui/matrix?{query}", status=400)

    shown = by_id(html, "matrix-errors")
    assert shown is not None
    assert problem["detail"] in shown.text
    listed = {
        e.attrs["data-pointer"]: e.text
        for e in elements(html)
        if e.tag == "li" and "data-pointer" in e.attrs
    }
    expected = {e["pointer"]: e["detail"] for e in problem["errors"]}
    assert set(listed) == set(expected)
    for pointer, detail in expected.items():
        assert detail in listed[pointer]
    # The form keeps what was sent, to be corrected.
    assert by_id(html, "deployable") is None


async def test_the_pacticipant_page_links_each_environment_to_the_matrix(deployed: Client) -> None:
    html = await page(deployed, "/ui/pacticipants/Web")
    links = [
        e.attrs["href"]
        for e in elements(html)
        if e.tag == "a" and "/ui/matrix?" in e.attrs.get("href", "")
    ]
    expected = urlencode(
        {"q[][pacticipant]": "Web", "q[][version]": "3", "environment": "production"}
    )
    assert any(href.endswith(expected) for href in links), links
