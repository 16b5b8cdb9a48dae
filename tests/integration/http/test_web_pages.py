"""The web interface in-process (#15): negotiation of `/`, sign-in, sessions and CSRF.

The browser tests (tests/browser) drive the same pages in Chromium; these check the HTTP
contract the pages keep: cookies' attributes, redirects, status codes and the API's rules.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from tests.integration.http.conftest import broker_app, settings_for

Client = AsyncTestClient[Any]

ADMIN = "admin-secret-for-the-web-pages"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
AS_BROWSER = {"Accept": BROWSER}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[Client]:
    """The application with `ACCORD_ADMIN_TOKEN` set: pages need a signed-in browser."""
    async with AsyncTestClient(app=broker_app(settings_for(database_url, admin_token=ADMIN))) as c:
        c.follow_redirects = False  # the tests look at each redirect
        yield c


@pytest.fixture
async def open_client(database_url: str) -> AsyncIterator[Client]:
    """The application without any credentials: pages are open as the API is."""
    async with AsyncTestClient(app=broker_app(settings_for(database_url))) as c:
        c.follow_redirects = False  # the tests look at each redirect
        yield c


async def publish(client: Client, consumer: str, provider: str, version: str) -> None:
    document = {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": "a request for an order",
                "request": {"method": "GET", "path": "/orders/1"},
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
    response = await client.post("/contracts/publish", json=body, headers=bearer(ADMIN))
    assert response.status_code == 200, response.text


async def csrf_token(client: Client) -> str:
    """Open the sign-in page as a browser does: the CSRF cookie comes with its form token."""
    page = await client.get("/ui/sign-in", headers=AS_BROWSER)
    assert page.status_code == 200, page.text
    found = CSRF.search(page.text)
    assert found is not None
    return found[1]


async def sign_in(client: Client, **fields: str) -> httpx.Response:
    form = {"csrf_token": await csrf_token(client), "next": "/ui", **fields}
    return await client.post("/ui/sign-in", data=form, headers=AS_BROWSER)


async def new_token(client: Client, role: str) -> tuple[str, str]:
    """A token's secret and id."""
    body = {"name": f"web-{role}", "role": role, "teams": []}
    response = await client.post("/admin/tokens", json=body, headers=bearer(ADMIN))
    assert response.status_code == 201, response.text
    return response.json()["token"], response.headers["location"].rsplit("/", 1)[1]


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/hal+json",
        "application/json",
        "application/hal+json, application/json",
    ],
)
async def test_api_clients_asking_for_the_root_still_get_the_hal_index(
    open_client: Client, accept: str | None
) -> None:
    """What the Pact clients send (real-clients.md §2) keeps the index, exactly as before."""
    headers = {} if accept is None else {"Accept": accept}
    response = await open_client.get("/", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/hal+json")
    assert "pb:publish-contracts" in response.json()["_links"]
    assert response.headers["vary"] == "Accept"


async def test_a_browser_asking_for_the_root_gets_the_home_page(open_client: Client) -> None:
    await publish(open_client, "Web", "Orders", "1.0.0")
    response = await open_client.get("/", headers=AS_BROWSER)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'data-consumer="Web" data-provider="Orders"' in response.text
    assert "Open broker: no sign-in needed" in response.text
    assert response.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_links_in_pages_use_the_public_base_url(database_url: str) -> None:
    settings = settings_for(database_url, base_url="https://broker.example.com/accord")
    async with AsyncTestClient(app=broker_app(settings)) as client:
        client.follow_redirects = False
        await publish(client, "Web", "Orders", "1.0.0")
        page = await client.get("/ui", headers=AS_BROWSER)
    assert 'href="https://broker.example.com/accord/ui/pacticipants/Web"' in page.text
    assert 'href="https://broker.example.com/accord/ui/static/accord.css"' in page.text


async def test_a_browser_without_a_session_is_sent_to_sign_in_and_an_api_client_gets_401(
    client: Client,
) -> None:
    page = await client.get("/ui/pacticipants/Web?page=2", headers=AS_BROWSER)
    assert page.status_code == 303
    assert page.headers["location"].endswith(
        "/ui/sign-in?next=%2Fui%2Fpacticipants%2FWeb%3Fpage%3D2"
    )
    api = await client.get("/ui")
    assert api.status_code == 401
    assert api.headers["www-authenticate"] == 'Bearer, Basic realm="accord"'
    hal = await client.get("/")
    assert hal.status_code == 401


async def test_signing_in_with_a_token_starts_a_session_in_a_strict_httponly_cookie(
    client: Client,
) -> None:
    secret, _ = await new_token(client, "read")
    response = await sign_in(client, method="token", token=secret)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/ui")
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("accord_session="))
    assert "HttpOnly" in session
    assert "samesite=strict" in session.lower()
    assert "Secure" not in session  # plain http: a Secure cookie would never come back
    assert secret not in session
    page = await client.get("/ui", headers=AS_BROWSER)
    assert page.status_code == 200
    assert "Signed in as" in page.text
    assert "(read)" in page.text
    assert "Sign out" in page.text


async def test_the_cookies_are_secure_behind_an_https_base_url(database_url: str) -> None:
    settings = settings_for(database_url, admin_token=ADMIN, base_url="https://broker.example.com")
    async with AsyncTestClient(app=broker_app(settings)) as client:
        client.follow_redirects = False
        page = await client.get("/ui/sign-in", headers=AS_BROWSER)
        csrf_cookie = page.headers["set-cookie"]
        assert "Secure" in csrf_cookie
        # The test client speaks plain http, so it would not send a Secure cookie: send it.
        nonce = csrf_cookie.split(";")[0]
        token = CSRF.search(page.text)
        assert token is not None
        response = await client.post(
            "/ui/sign-in",
            data={"csrf_token": token[1], "method": "token", "token": ADMIN},
            headers={**AS_BROWSER, "Cookie": nonce},
        )
    assert response.status_code == 303, response.text
    session = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("accord_session=")
    )
    assert "Secure" in session
    assert response.headers["location"] == "https://broker.example.com/"


async def test_a_wrong_token_is_refused_with_a_message(client: Client) -> None:
    response = await sign_in(client, method="token", token="not-a-token")
    assert response.status_code == 401
    assert "The bearer token is not known to this broker" in response.text
    assert "accord_session=" not in response.headers.get("set-cookie", "")
    assert (await client.get("/ui", headers=AS_BROWSER)).status_code == 303


async def test_signing_in_with_a_users_password_and_a_new_password_ends_the_session(
    client: Client,
) -> None:
    body = {"username": "ann", "password": "correct horse", "role": "write", "teams": []}
    created = await client.post("/admin/users", json=body, headers=bearer(ADMIN))
    assert created.status_code == 201, created.text
    wrong = await sign_in(client, method="password", username="ann", password="wrong horse")
    assert wrong.status_code == 401
    assert "The username or password is not correct" in wrong.text
    assert 'value="ann"' in wrong.text  # the username stays filled in
    response = await sign_in(client, method="password", username="ann", password="correct horse")
    assert response.status_code == 303
    page = await client.get("/ui", headers=AS_BROWSER)
    assert "user:ann" in page.text
    changed = await client.put(
        "/admin/users/ann/password", json={"password": "another horse"}, headers=bearer(ADMIN)
    )
    assert changed.status_code == 200, changed.text
    assert (await client.get("/ui", headers=AS_BROWSER)).status_code == 303


async def test_a_revoked_token_ends_its_session(client: Client) -> None:
    secret, token_id = await new_token(client, "write")
    await sign_in(client, method="token", token=secret)
    assert (await client.get("/ui", headers=AS_BROWSER)).status_code == 200
    revoked = await client.delete(f"/admin/tokens/{token_id}", headers=bearer(ADMIN))
    assert revoked.status_code == 204
    assert (await client.get("/ui", headers=AS_BROWSER)).status_code == 303


async def test_an_edited_session_cookie_is_not_accepted(client: Client) -> None:
    await sign_in(client, method="token", token=ADMIN)
    value = client.cookies["accord_session"]
    payload, mac = value.split(".")
    client.cookies.set("accord_session", f"{payload}x.{mac}")
    assert (await client.get("/ui", headers=AS_BROWSER)).status_code == 303


async def test_signing_out_ends_the_session(client: Client) -> None:
    await sign_in(client, method="token", token=ADMIN)
    page = await client.get("/ui", headers=AS_BROWSER)
    token = CSRF.search(page.text)
    assert token is not None
    response = await client.post("/ui/sign-out", data={"csrf_token": token[1]}, headers=AS_BROWSER)
    assert response.status_code == 303
    assert response.headers["location"].endswith("/ui/sign-in?signed-out=1")
    assert "accord_session" not in client.cookies
    assert (await client.get("/ui", headers=AS_BROWSER)).status_code == 303
    signed_out = await client.get("/ui/sign-in?signed-out=1", headers=AS_BROWSER)
    assert "You have signed out" in signed_out.text


@pytest.mark.parametrize("path", ["/ui/sign-in", "/ui/sign-out"])
async def test_a_form_without_its_csrf_token_is_refused(client: Client, path: str) -> None:
    await csrf_token(client)  # the browser has its CSRF cookie, the form lacks the token
    missing = await client.post(path, data={"method": "token", "token": ADMIN}, headers=AS_BROWSER)
    assert missing.status_code == 403
    assert "CSRF token" in missing.text
    forged = await client.post(
        path, data={"csrf_token": "forged", "method": "token", "token": ADMIN}, headers=AS_BROWSER
    )
    assert forged.status_code == 403
    assert "accord_session" not in client.cookies


async def test_a_token_from_another_browser_is_refused(client: Client) -> None:
    """The token belongs to the nonce in the browser's cookie, not to the broker at large."""
    token = await csrf_token(client)
    client.cookies.clear()
    await csrf_token(client)  # a new browser: a new nonce
    response = await client.post(
        "/ui/sign-in", data={"csrf_token": token, "method": "token", "token": ADMIN}
    )
    assert response.status_code == 403


async def test_sign_in_goes_back_only_to_a_page_of_this_broker(client: Client) -> None:
    form = {"csrf_token": await csrf_token(client), "method": "token", "token": ADMIN}
    away = await client.post("/ui/sign-in", data={**form, "next": "//evil.example.com/x"})
    assert away.status_code == 303
    assert away.headers["location"] == "http://testserver.local/"


async def test_the_pacticipant_page_answers_404_and_400_as_pages(open_client: Client) -> None:
    missing = await open_client.get("/ui/pacticipants/Nobody", headers=AS_BROWSER)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "No pacticipant named &#39;Nobody&#39; exists" in missing.text
    await publish(open_client, "Web", "Orders", "1.0.0")
    bad = await open_client.get("/ui/pacticipants/Web?page=zero", headers=AS_BROWSER)
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("text/html")
    assert "The page number is not valid" in bad.text


async def test_the_stylesheet_is_served_from_the_package(open_client: Client) -> None:
    response = await open_client.get("/ui/static/accord.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert (await open_client.get("/ui/static/missing.css")).status_code == 404


async def test_the_pact_page_names_a_missing_pact(open_client: Client) -> None:
    await publish(open_client, "Web", "Orders", "1.0.0")
    found = await open_client.get(
        "/ui/pacts/provider/Orders/consumer/Web/version/1.0.0", headers=AS_BROWSER
    )
    assert found.status_code == 200
    assert "1. a request for an order" in found.text
    missing = await open_client.get(
        "/ui/pacts/provider/Orders/consumer/Web/version/9.9.9", headers=AS_BROWSER
    )
    assert missing.status_code == 404
    assert "9.9.9" in missing.text


async def test_comparing_with_a_version_without_a_pact_is_a_404_page(open_client: Client) -> None:
    await publish(open_client, "Web", "Orders", "1.0.0")
    await publish(open_client, "Web", "Orders", "1.1.0")
    same = await open_client.get(
        "/ui/pacts/provider/Orders/consumer/Web/version/1.1.0?compare=1.0.0", headers=AS_BROWSER
    )
    assert same.status_code == 200
    assert "The two pacts have the same interactions." in same.text
    missing = await open_client.get(
        "/ui/pacts/provider/Orders/consumer/Web/version/1.1.0?compare=0.1.0", headers=AS_BROWSER
    )
    assert missing.status_code == 404


async def test_a_repository_url_is_a_link_only_when_it_is_http(open_client: Client) -> None:
    await publish(open_client, "Web", "Orders", "1.0.0")
    changed = await open_client.patch(
        "/pacticipants/Web",
        json={"repositoryUrl": "javascript:alert(1)"},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert changed.status_code == 200, changed.text
    page = await open_client.get("/ui/pacticipants/Web", headers=AS_BROWSER)
    assert "javascript:alert(1)" in page.text
    assert 'href="javascript:' not in page.text


async def test_the_home_page_filters_by_owning_team(open_client: Client) -> None:
    await publish(open_client, "Web", "Orders", "1.0.0")
    await publish(open_client, "Mail", "Users", "1.0.0")
    team = await open_client.put("/admin/teams/billing", json={"pacticipants": ["Orders"]})
    assert team.status_code == 200, team.text
    page = await open_client.get("/ui?team=billing", headers=AS_BROWSER)
    assert 'data-consumer="Web" data-provider="Orders"' in page.text
    assert 'data-consumer="Mail"' not in page.text
    assert "1 of 2 integrations match." in page.text
    nobody = await open_client.get("/ui?team=nobody", headers=AS_BROWSER)
    assert "No integration matches this filter." in nobody.text
