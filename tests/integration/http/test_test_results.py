"""`POST /pacticipants/{p}/versions/{v}/test-results`: JUnit reports stored per version."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Any]
PROBLEM = {"Accept": "application/problem+json"}

URL = "/pacticipants/Orders/versions/1.0.0/test-results"
JUNIT = """<?xml version="1.0"?>
<testsuites><testsuite name="probe">
<testcase classname="GET /orders/{id}" name="auth.valid"/>
<testcase classname="GET /orders/{id}" name="not-found"><failure message="500"/></testcase>
</testsuite></testsuites>"""
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<testsuites><testsuite name="&lol2;"/></testsuites>"""


def body(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "api",
        "systems": ["Orders", "Payments"],
        "branch": "main",
        "reports": [{"name": "probe.xml", "content": JUNIT}],
    } | changes


async def test_publishing_stores_each_report_and_lists_it_back(client: Client) -> None:
    published = await client.post(URL, json=body())
    assert published.status_code == 201, published.text
    answer = published.json()
    assert (answer["pacticipant"], answer["version"]) == ("Orders", "1.0.0")
    assert answer["_embedded"]["testResults"][0] | {"createdAt": None} == {
        "name": "probe.xml",
        "kind": "api",
        "systems": ["Orders", "Payments"],
        "branch": "main",
        "tests": 2,
        "failures": 1,
        "skipped": 0,
        "createdAt": None,
    }
    assert answer["_links"]["pb:coverage"]["href"].endswith(
        "/pacticipants/Orders/coverage?version=1.0.0"
    )
    listed = await client.get(URL)
    assert listed.status_code == 200
    assert listed.json()["_embedded"]["testResults"] == answer["_embedded"]["testResults"]
    branch = await client.get("/pacticipants/Orders/branches/main/versions/1.0.0")
    assert branch.status_code == 200


async def test_hostile_reports_are_refused_naming_the_report(client: Client) -> None:
    laughs = await client.post(
        URL, json=body(reports=[{"name": "a.xml", "content": BILLION_LAUGHS}]), headers=PROBLEM
    )
    assert laughs.status_code == 400
    errors = laughs.json()["errors"]
    assert errors[0]["pointer"] == "/reports/0/content"
    assert "document type" in errors[0]["detail"]
    huge = "<testsuite>" + " " * (3 * 1024 * 1024) + "</testsuite>"
    refused = await client.post(
        URL, json=body(reports=[{"name": "b.xml", "content": huge}]), headers=PROBLEM
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["pointer"] == "/reports/0/content"
    assert "larger than" in refused.json()["errors"][0]["detail"]
    assert (await client.get(URL)).status_code == 404  # nothing was stored, not even the version


async def test_event_check_results_nested_too_deeply_are_refused_naming_the_report(
    client: Client,
) -> None:
    """An unknown member nested 200,000 deep made msgspec raise RecursionError: a 500."""
    deep = "[" * 200_000 + "]" * 200_000
    content = f'[{{"interaction": "i", "check": "event.format", "outcome": "passed", "x": {deep}}}]'
    refused = await client.post(
        URL,
        json=body(kind="event", reports=[{"name": "e.json", "content": content}]),
        headers=PROBLEM,
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"pointer": "/reports/0/content", "detail": "nests too deeply to be read"}
    ]
    assert (await client.get(URL)).status_code == 404


async def test_bad_fields_are_each_named(client: Client) -> None:
    refused = await client.post(
        URL, json=body(kind="smoke", systems=[""], reports=[]), headers=PROBLEM
    )
    assert refused.status_code == 400
    assert [e["pointer"] for e in refused.json()["errors"]] == ["/kind", "/systems/0", "/reports"]
    missing = await client.post(URL, json={})
    assert missing.status_code == 400


async def test_publishing_is_audited_with_a_hash_of_what_was_read(client: Client) -> None:
    assert (await client.post(URL, json=body())).status_code == 201
    entries = (await client.get("/audit?action=test-results.publish")).json()
    listed = entries["_embedded"]["entries"]
    assert [(e["subject"], e["pacticipants"]) for e in listed] == [
        ("test-results:Orders@1.0.0", ["Orders"])
    ]
    assert len(listed[0]["hashAfter"]) == 64
