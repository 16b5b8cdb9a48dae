"""Authentication and permissions over HTTP: the route table, 401, 403, tokens, users, teams."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from litestar import Litestar, get, put
from litestar.enums import ScopeType
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.testing import AsyncTestClient
from litestar.types import ASGIApp, Receive, Scope, Send

from broker.app import asgi_app, create_app
from broker.domain.auth import Need, password_hash, token_sha
from broker.domain.errors import ThrottledError, UnauthenticatedError
from broker.http.permissions import Rule, UndeclaredRuleError, declared, require_declared, write
from broker.services.auth import CONCURRENT_PASSWORD_CHECKS, AuthService
from broker.services.login_throttle import LoginThrottle
from broker.storage.factory import open_storage
from broker.storage.interface import Storage
from tests.integration.http.conftest import broker_app, settings_for

Client = AsyncTestClient[Any]

ADMIN = "admin-secret-for-tests"
CHALLENGE = 'Bearer, Basic realm="accord"'
BASE = "http://testserver.local"
PACT = {"consumer": {"name": "Billing"}, "provider": {"name": "Ledger"}, "interactions": []}


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def basic(username: str, password: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[Client]:
    """The application with `ACCORD_ADMIN_TOKEN` set."""
    app = broker_app(settings_for(database_url, admin_token=ADMIN))
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


async def new_token(client: Client, role: str, *teams: str, **extra: Any) -> str:
    body = {"name": f"{role}-{'-'.join(teams)}", "role": role, "teams": list(teams), **extra}
    response = await client.post("/admin/tokens", json=body, headers=bearer(ADMIN))
    assert response.status_code == 201, response.text
    secret: str = response.json()["token"]
    return secret


def test_every_route_of_the_app_declares_its_permission() -> None:
    """Each handler's opt names what it needs; OPTIONS needs what GET of its path needs."""
    app = create_app(settings_for("sqlite:///unused.db"))
    rules = declared(app)
    routes = {
        (method, route.path)
        for route in app.routes
        for method in getattr(route, "methods", set())
        if method != "OPTIONS"
    }
    assert sorted(routes - rules.keys()) == []
    for route in app.routes:
        options, _ = route.route_handler_map["OPTIONS"]  # type: ignore[union-attr]
        expected = rules.get(("GET", route.path), Rule(Need.READ)).need
        assert options.opt["need"] is expected, route.path


@get("/undeclared")
async def undeclared() -> None:
    """A handler declaring nothing."""


@put("/pacticipants/{name:str}", opt=write(owner="pacticipant"))
async def wrong_owner(name: FromPath[str]) -> None:
    """A handler naming an owner its path does not have."""


@pytest.mark.parametrize(("handler", "why"), [(undeclared, "no need"), (wrong_owner, "no path")])
def test_an_app_with_a_handler_declaring_no_permission_does_not_start(
    handler: HTTPRouteHandler, why: str
) -> None:
    with pytest.raises(UndeclaredRuleError, match=why):
        require_declared(Litestar([handler], openapi_config=None))


@pytest.mark.parametrize("accept", ["application/hal+json", "application/problem+json"])
async def test_no_credentials_is_401_with_a_challenge_and_a_sentence(
    client: Client, accept: str
) -> None:
    response = await client.get("/pacticipants", headers={"Accept": accept})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == CHALLENGE
    body = response.json()
    assert "PACT_BROKER_TOKEN" in body["detail"]
    assert body["errors"]
    assert body["type"].endswith("/problems/unauthenticated")


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-token", "Bearer ", "Token abc", "Basic !!!", "Basic " + "bm9jb2xvbg=="],
)
async def test_bad_credentials_are_401(client: Client, authorization: str) -> None:
    response = await client.get("/pacticipants", headers={"Authorization": authorization})
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == CHALLENGE
    assert response.json()["errors"]


async def test_the_health_checks_stay_open(client: Client) -> None:
    assert (await client.get("/diagnostic/status/heartbeat")).status_code == 200
    assert (await client.get("/diagnostic/status/dependencies")).status_code == 200


async def test_a_read_token_reads_but_may_not_write(client: Client) -> None:
    read = await new_token(client, "read")
    assert (await client.get("/pacticipants", headers=bearer(read))).status_code == 200
    response = await client.put("/pacticipants/Billing", json={}, headers=bearer(read))
    assert response.status_code == 403
    body = response.json()
    assert "read role" in body["detail"]
    assert body["errors"]
    # for-verification is a query sent as POST: a read.
    response = await client.post(
        "/pacts/provider/Ledger/for-verification", json={}, headers=bearer(read)
    )
    assert response.status_code != 403


async def test_a_writer_may_not_write_another_teams_pacticipant(client: Client) -> None:
    owned = await client.put(
        "/admin/teams/payments", json={"pacticipants": ["Billing"]}, headers=bearer(ADMIN)
    )
    assert owned.json()["pacticipants"] == ["Billing"]
    shown = await client.get("/admin/teams/payments", headers=bearer(ADMIN))
    assert shown.json()["pacticipants"] == ["Billing"]
    listed = await client.get("/admin/teams", headers=bearer(ADMIN))
    assert [t["name"] for t in listed.json()["_embedded"]["teams"]] == ["payments"]
    missing = await client.get("/admin/teams/nobody", headers=bearer(ADMIN))
    assert missing.status_code == 404
    web = await new_token(client, "write", "web")
    payments = await new_token(client, "write", "payments")
    version = "/pacticipants/Billing/versions/1"

    refused = await client.put(version, json={}, headers=bearer(web))
    assert refused.status_code == 403
    assert "payments" in refused.json()["detail"]
    pact = "/pacts/provider/Ledger/consumer/Billing/version/1"
    assert (await client.put(pact, json=PACT, headers=bearer(web))).status_code == 403
    publish = {
        "pacticipantName": "Billing",
        "pacticipantVersionNumber": "1",
        "contracts": [
            {
                "consumerName": "Billing",
                "providerName": "Ledger",
                "specification": "pact",
                "contentType": "application/json",
                "content": base64.b64encode(json.dumps(PACT).encode()).decode(),
            }
        ],
    }
    response = await client.post("/contracts/publish", json=publish, headers=bearer(web))
    assert response.status_code == 403
    assert (await client.get("/pacticipants/Billing", headers=bearer(web))).status_code == 404

    assert (await client.put(version, json={}, headers=bearer(payments))).status_code == 201
    assert (await client.put(pact, json=PACT, headers=bearer(payments))).status_code == 201
    response = await client.post("/contracts/publish", json=publish, headers=bearer(payments))
    assert response.status_code == 200, response.text
    # Nobody owns Web: any writer may write it.
    assert (
        await client.put("/pacticipants/Web/versions/1", json={}, headers=bearer(web))
    ).status_code == 201


async def test_revoked_and_expired_tokens_are_refused(client: Client, database_url: str) -> None:
    created = await client.post(
        "/admin/tokens", json={"name": "ci", "role": "read"}, headers=bearer(ADMIN)
    )
    token = created.json()
    assert (await client.get("/pacticipants", headers=bearer(token["token"]))).status_code == 200
    revoked = await client.delete(f"/admin/tokens/{token['id']}", headers=bearer(ADMIN))
    assert revoked.status_code == 204
    response = await client.get("/pacticipants", headers=bearer(token["token"]))
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]

    # The admin API refuses a past expiry, so the expired token is stored directly.
    storage = await open_storage(database_url)
    try:
        async with storage.transaction() as tx:
            await tx.insert_token(
                name="old",
                role="admin",
                teams=(),
                secret_sha=token_sha("expired-secret"),
                expires_at=datetime.now(UTC) - timedelta(minutes=1),
                now=datetime.now(UTC) - timedelta(days=1),
            )
    finally:
        await storage.close()
    response = await client.get("/pacticipants", headers=bearer("expired-secret"))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


async def test_a_token_with_a_future_expiry_works(client: Client) -> None:
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    secret = await new_token(client, "read", expiresAt=later)
    assert (await client.get("/pacticipants", headers=bearer(secret))).status_code == 200


async def test_basic_auth_users(client: Client) -> None:
    user = {"username": "ann", "password": "correct horse", "role": "write", "teams": ["web"]}
    created = await client.post("/admin/users", json=user, headers=bearer(ADMIN))
    assert created.status_code == 201
    shown = created.json()
    assert (shown["username"], shown["role"], shown["teams"]) == ("ann", "write", ["web"])
    assert created.headers["location"].endswith("/admin/users/ann")
    again = await client.post("/admin/users", json=user, headers=bearer(ADMIN))
    assert again.status_code == 409

    good = basic("ann", "correct horse")
    created = await client.post("/pacticipants", json={"name": "Web"}, headers=good)
    assert created.status_code == 201
    wrong = await client.get("/pacticipants", headers=basic("ann", "wrong horse"))
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == CHALLENGE
    assert (await client.get("/pacticipants", headers=basic("bob", "x"))).status_code == 401


async def test_the_admin_api_lists_tokens_without_secrets_and_is_for_admins(
    client: Client,
) -> None:
    secret = await new_token(client, "write", "web")
    listed = await client.get("/admin/tokens", headers=bearer(ADMIN))
    assert listed.status_code == 200
    tokens = listed.json()["_embedded"]["tokens"]
    assert [(t["name"], t["role"], t["teams"]) for t in tokens] == [("write-web", "write", ["web"])]
    assert "token" not in tokens[0]
    assert secret not in listed.text
    for method, path in [("GET", "/admin/tokens"), ("PUT", "/admin/teams/web")]:
        response = await client.request(method, path, json={}, headers=bearer(secret))
        assert response.status_code == 403, (method, path)


async def test_an_open_broker_closes_once_a_token_exists(database_url: str) -> None:
    async with AsyncTestClient(app=asgi_app(settings_for(database_url))) as client:
        assert (await client.post("/pacticipants", json={"name": "A"})).status_code == 201
        secret = await new_token(client, "read")
        assert (await client.get("/pacticipants")).status_code == 401
        assert (await client.get("/pacticipants", headers=bearer(secret))).status_code == 200
    # A restarted broker finds the stored token and stays closed.
    async with AsyncTestClient(app=asgi_app(settings_for(database_url))) as client:
        assert (await client.get("/pacticipants")).status_code == 401


@pytest.mark.parametrize("accept", ["application/hal+json", "application/problem+json"])
@pytest.mark.parametrize("path", ["/pacticipants", "/diagnostic/status/heartbeat"])
async def test_trust_11_two_authorization_headers_are_a_400_naming_the_header(
    client: Client, accept: str, path: str
) -> None:
    """Even two valid credentials: which one counts would be the server's guess."""
    reader = await new_token(client, "read")
    headers = [("Accept", accept), ("Authorization", f"Bearer {reader}")]
    # The test client joins repeated headers into one; httpx's ASGI transport sends each.
    transport = httpx.ASGITransport(app=client.app)
    seconds = (
        f"Bearer {ADMIN}",
        f"Bearer {reader}",
        basic("ann", "correct horse")["Authorization"],
    )
    for second in seconds:
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as raw:
            response = await raw.get(path, headers=[*headers, ("Authorization", second)])
        assert response.status_code == 400, response.text
        body = response.json()
        assert "Authorization" in body["detail"]
        if accept == "application/problem+json":
            assert [e["pointer"] for e in body["errors"]] == ["/headers/Authorization"]
        else:
            assert list(body["errors"]) == ["headers.Authorization"]
    one = await client.get("/pacticipants", headers=bearer(reader))
    assert one.status_code == 200


def from_address(app: ASGIApp) -> ASGIApp:
    """The app, seeing each request come from the address in its `X-Test-Address` header."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            address = dict(scope["headers"]).get(b"x-test-address")
            if address:
                scope["client"] = (address.decode(), 40000)
        await app(scope, receive, send)

    return wrapped


async def test_trust_08_failed_logins_are_throttled_per_user_and_per_address(
    database_url: str,
) -> None:
    """Over the limit a username, or an address, gets 429 until its failures age out."""
    settings = settings_for(
        database_url, admin_token=ADMIN, login_failures_per_user=3, login_failures_per_address=5
    )
    app = from_address(asgi_app(settings))
    async with AsyncTestClient(app=app) as client:
        for name in ("ann", "bob", "carl"):
            user = {"username": name, "password": f"{name} is long enough", "role": "read"}
            created = await client.post("/admin/users", json=user, headers=bearer(ADMIN))
            assert created.status_code == 201, created.text

        async def login(name: str, password: str, address: str) -> Any:
            headers = {**basic(name, password), "X-Test-Address": address}
            return await client.get("/pacticipants", headers=headers)

        for _ in range(3):
            assert (await login("ann", "wrong", "10.0.0.1")).status_code == 401
        # Ann is locked out for the window, wherever she comes from, right password or not.
        locked = await login("ann", "ann is long enough", "10.0.0.2")
        assert locked.status_code == 429, locked.text
        assert 0 < int(locked.headers["retry-after"]) <= 60
        assert locked.json()["errors"]
        assert locked.json()["type"].endswith("/problems/too-many-requests")
        # Another user is unaffected, from another address and from Ann's guesser's too.
        assert (await login("bob", "bob is long enough", "10.0.0.2")).status_code == 200
        assert (await login("bob", "bob is long enough", "10.0.0.1")).status_code == 200

        # One address guessing many usernames (known or not) is stopped as a whole.
        for name in ("x1", "x2", "bob", "x3", "x4"):
            assert (await login(name, "wrong", "10.0.0.9")).status_code == 401
        spraying = await login("carl", "carl is long enough", "10.0.0.9")
        assert spraying.status_code == 429, spraying.text
        assert "retry-after" in spraying.headers
        # ... while the same users from elsewhere still log in (Bob's one failure counts 1 of 3).
        assert (await login("carl", "carl is long enough", "10.0.0.3")).status_code == 200
        assert (await login("bob", "bob is long enough", "10.0.0.3")).status_code == 200
        # Bearer tokens are not throttled by basic-auth failures.
        assert (await client.get("/pacticipants", headers=bearer(ADMIN))).status_code == 200


async def test_trust_08_unknown_usernames_pay_the_scrypt_cost_off_the_event_loop(
    storage: Storage,
) -> None:
    """Every basic login hashes once, known user or not, on a worker thread."""
    threads: list[int] = []

    def counting_hasher(password: str, salt: str) -> str:
        threads.append(threading.get_ident())
        return password_hash(password, salt)

    auth = AuthService(storage, admin_token=None, hasher=counting_hasher)
    await auth.create_user(username="ann", password="correct horse", role="read", teams=())
    threads.clear()  # the decoy's hash and Ann's
    attempts = [("ann", "wrong horse"), ("nobody", "wrong horse"), ("nobody", "correct horse")]
    for username, password in attempts:
        with pytest.raises(UnauthenticatedError, match="username or password is not correct"):
            await auth.authenticate(basic(username, password)["Authorization"], "10.0.0.1")
    actor = await auth.authenticate(basic("ann", "correct horse")["Authorization"], "10.0.0.1")
    assert actor.name == "user:ann"
    assert len(threads) == len(attempts) + 1
    assert threading.get_ident() not in threads


async def test_trust_08_behind_a_trusted_proxy_each_forwarded_caller_has_its_own_limit(
    database_url: str,
) -> None:
    """A proxy's callers are told apart by X-Forwarded-For; nobody else's header is believed."""
    settings = settings_for(
        database_url,
        admin_token=ADMIN,
        login_failures_per_user=100,
        login_failures_per_address=2,
        trusted_proxies=("10.0.0.1/32",),
    )
    async with AsyncTestClient(app=from_address(asgi_app(settings))) as client:
        user = {"username": "ann", "password": "ann is long enough", "role": "read"}
        assert (await client.post("/admin/users", json=user, headers=bearer(ADMIN))).is_success

        async def login(password: str, peer: str, forwarded: str) -> int:
            headers = {**basic("ann", password), "X-Test-Address": peer}
            response = await client.get(
                "/pacticipants", headers={**headers, "X-Forwarded-For": forwarded}
            )
            return response.status_code

        assert [await login("wrong", "10.0.0.1", "198.51.100.7") for _ in range(3)] == [
            401,
            401,
            429,
        ]
        assert await login("ann is long enough", "10.0.0.1", "198.51.100.8") == 200
        # Straight to the broker, a forged header changes nothing: the peer is the address.
        assert [await login("wrong", "203.0.113.5", f"192.0.2.{i}") for i in range(3)] == [
            401,
            401,
            429,
        ]


async def test_trust_08_a_burst_of_wrong_passwords_is_hashed_no_more_than_the_limit_allows(
    storage: Storage,
) -> None:
    """Concurrent attempts queue for the hash and are refused once enough have failed."""
    threads: list[int] = []

    def counting_hasher(password: str, salt: str) -> str:
        threads.append(threading.get_ident())
        return password_hash(password, salt)

    throttle = LoginThrottle(storage, per_user=3, per_address=1000, window=60)
    auth = AuthService(storage, admin_token=ADMIN, hasher=counting_hasher, throttle=throttle)
    await auth.create_user(username="ann", password="correct horse", role="read", teams=())
    threads.clear()
    wrong = basic("ann", "wrong horse")["Authorization"]
    answers = await asyncio.gather(
        *(auth.authenticate(wrong, f"10.0.0.{i}") for i in range(40)), return_exceptions=True
    )
    refused = [a for a in answers if isinstance(a, ThrottledError)]
    assert len(threads) <= 3 + CONCURRENT_PASSWORD_CHECKS
    assert len(refused) == 40 - len(threads)
    assert all(isinstance(a, UnauthenticatedError | ThrottledError) for a in answers)
