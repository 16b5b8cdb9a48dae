"""The admin pages in-process, on both backends (#15 item 9): each form does what its API does.

Every form is sent as a browser sends it (the CSRF token of the signed-in session's page), and
the API, asked with a bearer token, then shows the change, or shows that nothing was stored.
tests/browser/test_admin.py drives the same pages in Chromium.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.integration.http.conftest import broker_app, settings_for

Client = AsyncTestClient[Any]

ADMIN = "admin-secret-for-the-admin-pages"
AS_BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
AS_ADMIN = {"Authorization": f"Bearer {ADMIN}"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ADMIN_PAGES = [
    "/ui/admin",
    "/ui/admin/tokens",
    "/ui/admin/users",
    "/ui/admin/teams",
    "/ui/admin/modes",
    "/ui/admin/webhooks",
]


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[Client]:
    """A broker with `ACCORD_ADMIN_TOKEN`, and a browser session signed in with it."""
    async with AsyncTestClient(app=broker_app(settings_for(database_url, admin_token=ADMIN))) as c:
        c.follow_redirects = False
        await sign_in(c, ADMIN)
        yield c


async def sign_in(client: Client, secret: str) -> None:
    form = {"csrf_token": await token_of(client, "/ui/sign-in"), "token": secret, "next": "/ui"}
    response = await client.post("/ui/sign-in", data=form, headers=AS_BROWSER)
    assert response.status_code == 303, response.text


async def token_of(client: Client, path: str) -> str:
    """The CSRF token a page's forms carry."""
    page = await client.get(path, headers=AS_BROWSER)
    assert page.status_code == 200, page.text
    found = CSRF.search(page.text)
    assert found is not None
    return found[1]


async def submit(client: Client, source: str, action: str, **fields: str) -> Any:
    """Send a form of the page `source` to `action` as the browser would."""
    data = {"csrf_token": await token_of(client, source), **fields}
    return await client.post(action, data=data, headers=AS_BROWSER)


async def api(client: Client, method: str, path: str, **kwargs: Any) -> Any:
    return await client.request(method, path, headers=AS_ADMIN, **kwargs)


async def test_a_token_created_on_the_page_works_once_shown_and_stops_when_revoked(
    client: Client,
) -> None:
    created = await submit(
        client, "/ui/admin/tokens", "/ui/admin/tokens", name="ci", role="write", teams="a, b"
    )
    assert created.status_code == 201, created.text
    secret = re.search(r'id="new-secret"[^>]*value="(accord_[^"]+)"', created.text)
    assert secret is not None
    bearer = {"Authorization": f"Bearer {secret[1]}"}
    assert (await client.get("/pacticipants", headers=bearer)).status_code == 200

    listed = await client.get("/ui/admin/tokens", headers=AS_BROWSER)
    assert secret[1] not in listed.text
    assert 'data-name="ci"' in listed.text
    tokens = (await api(client, "GET", "/admin/tokens")).json()["_embedded"]["tokens"]
    [token] = [t for t in tokens if t["name"] == "ci"]
    assert token["teams"] == ["a", "b"]
    assert token["role"] == "write"

    revoked = await submit(client, "/ui/admin/tokens", f"/ui/admin/tokens/{token['id']}/revoke")
    assert revoked.status_code == 303
    assert revoked.headers["location"].endswith("/ui/admin/tokens?done=revoked")
    assert (await client.get("/pacticipants", headers=bearer)).status_code == 401


async def test_a_refused_token_form_names_each_bad_field_and_stores_nothing(
    client: Client,
) -> None:
    refused = await submit(
        client,
        "/ui/admin/tokens",
        "/ui/admin/tokens",
        name=" ",
        role="boss",
        expiresAt="next tuesday",
    )
    assert refused.status_code == 400
    assert "<strong>Expires at</strong>: must be a time" in refused.text
    assert 'value="next tuesday"' in refused.text  # the form comes back as it was sent
    again = await submit(client, "/ui/admin/tokens", "/ui/admin/tokens", name=" ", role="boss")
    assert again.status_code == 400
    assert "<strong>Name</strong>: must not be blank" in again.text
    assert "<strong>Role</strong>: must be one of read, write, approver, admin" in again.text
    assert (await api(client, "GET", "/admin/tokens")).json()["_embedded"]["tokens"] == []


async def test_users_are_created_disabled_enabled_and_deleted_from_the_page(
    client: Client,
) -> None:
    short = await submit(
        client, "/ui/admin/users", "/ui/admin/users", username="ann", password="short", role="read"
    )
    assert short.status_code == 400
    assert "<strong>Password</strong>: must have at least 8 characters" in short.text
    # The field says it is invalid, and points at the problem as well as at its hint.
    assert 'aria-invalid="true" aria-describedby="user-password-hint form-problem"' in short.text
    assert 'name="username" type="text" autocomplete="off" value="ann" required>' in short.text
    assert (await api(client, "GET", "/admin/users/ann")).status_code == 404

    fields = {"username": "ann", "password": "long enough", "role": "approver", "teams": "alpha"}
    made = await submit(client, "/ui/admin/users", "/ui/admin/users", **fields)
    assert made.status_code == 303, made.text
    shown = (await api(client, "GET", "/admin/users/ann")).json()
    assert (shown["role"], shown["teams"], shown["disabled"]) == ("approver", ["alpha"], False)

    duplicate = await submit(client, "/ui/admin/users", "/ui/admin/users", **fields)
    assert duplicate.status_code == 409, duplicate.text

    disabled = await submit(client, "/ui/admin/users", "/ui/admin/users/ann/disable")
    assert disabled.status_code == 303
    assert (await api(client, "GET", "/admin/users/ann")).json()["disabled"] is True
    enabled = await submit(client, "/ui/admin/users", "/ui/admin/users/ann/enable")
    assert enabled.status_code == 303
    assert (await api(client, "GET", "/admin/users/ann")).json()["disabled"] is False

    unconfirmed = await submit(client, "/ui/admin/users", "/ui/admin/users/ann/delete")
    assert unconfirmed.status_code == 400
    assert "<strong>Confirm</strong>" in unconfirmed.text
    assert (await api(client, "GET", "/admin/users/ann")).status_code == 200
    deleted = await submit(client, "/ui/admin/users", "/ui/admin/users/ann/delete", confirm="yes")
    assert deleted.status_code == 303
    assert (await api(client, "GET", "/admin/users/ann")).status_code == 404


async def test_teams_are_saved_and_pacticipants_assigned_and_taken_on_the_page(
    client: Client,
) -> None:
    saved = await submit(
        client, "/ui/admin/teams", "/ui/admin/teams", name="payments", pacticipants="Web, Orders"
    )
    assert saved.status_code == 303, saved.text
    assigned = await submit(
        client, "/ui/admin/teams", "/ui/admin/teams/payments/assign", pacticipant="Billing"
    )
    assert assigned.status_code == 303, assigned.text
    taken = await submit(
        client, "/ui/admin/teams", "/ui/admin/teams/payments/unassign", pacticipant="Web"
    )
    assert taken.status_code == 303, taken.text
    team = (await api(client, "GET", "/admin/teams/payments")).json()
    assert sorted(team["pacticipants"]) == ["Billing", "Orders"]

    blank = await submit(
        client, "/ui/admin/teams", "/ui/admin/teams/payments/assign", pacticipant="  "
    )
    assert blank.status_code == 400
    assert "<strong>Pacticipant</strong>: must not be blank" in blank.text
    unknown = await submit(
        client, "/ui/admin/teams", "/ui/admin/teams/nobody/assign", pacticipant="Web"
    )
    assert unknown.status_code == 404
    listed = (await api(client, "GET", "/admin/teams")).json()["_embedded"]["teams"]
    assert [t["name"] for t in listed] == ["payments"]


async def test_modes_and_approval_policies_are_set_on_the_page(client: Client) -> None:
    await api(client, "POST", "/pacticipants", json={"name": "Web"})
    moded = await submit(
        client,
        "/ui/admin/modes",
        "/ui/admin/modes/mode",
        pacticipant="Web",
        mode="brownfield-enterprise",
        page="1",
    )
    assert moded.status_code == 303, moded.text
    assert (await api(client, "GET", "/pacticipants/Web/mode")).json()["mode"] == (
        "brownfield-enterprise"
    )
    policy = {"pacticipant": "Web", "teams": "alpha, beta", "required": "2", "page": "1"}
    set_policy = await submit(client, "/ui/admin/modes", "/ui/admin/modes/policy", **policy)
    assert set_policy.status_code == 303, set_policy.text
    shown = (await api(client, "GET", "/pacticipants/Web/approval-policy")).json()
    assert (shown["teams"], shown["required"]) == (["alpha", "beta"], 2)

    too_many = {**policy, "teams": "gamma", "required": "3"}
    refused = await submit(client, "/ui/admin/modes", "/ui/admin/modes/policy", **too_many)
    assert refused.status_code == 400
    assert "<strong>Approvals required</strong>: must be between 1 and 1" in refused.text
    not_a_number = {**policy, "required": "two"}
    refused = await submit(client, "/ui/admin/modes", "/ui/admin/modes/policy", **not_a_number)
    assert "<strong>Approvals required</strong>: must be a whole number" in refused.text
    bad_mode = await submit(
        client, "/ui/admin/modes", "/ui/admin/modes/mode", pacticipant="Web", mode="chaos"
    )
    assert bad_mode.status_code == 400
    assert "<strong>Mode</strong>: must be one of greenfield" in bad_mode.text
    shown = (await api(client, "GET", "/pacticipants/Web/approval-policy")).json()
    assert (shown["teams"], shown["required"]) == (["alpha", "beta"], 2)
    page = await client.get("/ui/admin/modes", headers=AS_BROWSER)
    assert "2 of alpha, beta" in page.text


async def test_a_reader_gets_403_on_every_admin_page_and_sees_no_admin_link(
    client: Client,
) -> None:
    made = await api(client, "POST", "/admin/tokens", json={"name": "reader", "role": "read"})
    client.cookies.clear()
    await sign_in(client, made.json()["token"])
    home = await client.get("/ui", headers=AS_BROWSER)
    assert ">Admin</a>" not in home.text
    for path in ADMIN_PAGES:
        page = await client.get(path, headers=AS_BROWSER)
        assert page.status_code == 403, path
        assert page.headers["content-type"].startswith("text/html")
        assert "which may not GET" in page.text
    forged = await submit(client, "/ui", "/ui/admin/tokens", name="mine", role="admin")
    assert forged.status_code == 403
    client.cookies.clear()
    await sign_in(client, ADMIN)
    names = [
        t["name"] for t in (await api(client, "GET", "/admin/tokens")).json()["_embedded"]["tokens"]
    ]
    assert names == ["reader"]


async def test_an_admin_form_without_its_csrf_token_is_refused_and_stores_nothing(
    client: Client,
) -> None:
    home = await client.get("/ui", headers=AS_BROWSER)
    assert ">Admin</a>" in home.text
    refused = await client.post("/ui/admin/teams", data={"name": "forged"}, headers=AS_BROWSER)
    assert refused.status_code == 403
    assert "CSRF token" in refused.text
    assert (await api(client, "GET", "/admin/teams")).json()["_embedded"]["teams"] == []


async def test_on_an_open_broker_the_admin_pages_are_open_as_the_admin_api_is(
    database_url: str,
) -> None:
    async with AsyncTestClient(app=broker_app(settings_for(database_url))) as open_client:
        open_client.follow_redirects = False
        home = await open_client.get("/ui", headers=AS_BROWSER)
        assert ">Admin</a>" in home.text
        for path in ADMIN_PAGES:
            page = await open_client.get(path, headers=AS_BROWSER)
            assert page.status_code == 200, path
        # The first token closes the broker: it is shown once, and then needed.
        made = await submit(
            open_client, "/ui/admin/tokens", "/ui/admin/tokens", name="first", role="admin"
        )
        assert made.status_code == 201, made.text
        assert 'id="new-secret"' in made.text
        after = await open_client.get("/ui/admin/tokens", headers=AS_BROWSER)
        assert after.status_code == 303
        assert "/ui/sign-in?next=%2Fui%2Fadmin%2Ftokens" in after.headers["location"]
