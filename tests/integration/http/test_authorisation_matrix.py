"""The authorisation matrix (#5): every route of the app against each kind of caller.

The rules the app's handlers declare in their `opt` drive the cases, so a new route is covered
without editing this file, and a handler declaring none stops the app (and this module) cold.
A fixture world (pacticipants of team alpha with versions, a branch, a tag, a label, pacts, a
verification result, an environment, a deployment, a release, a provider contract…) is
published once per backend, and each path parameter is filled from it by name (or by the
segment before it and its name, where one name means two things, as `uuid` does). A parameter
the world has no value for fails that route's cases and names it: add the value to
`build_world` rather than letting a route escape the matrix.
"""

from __future__ import annotations

import base64
import importlib
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import pytest_asyncio
from litestar.testing import AsyncTestClient

from broker.app import asgi_app, create_app
from broker.domain.auth import Need, token_sha
from broker.domain.webhooks import (
    CONTRACT_CONTENT_CHANGED,
    EventSubject,
    NewEvent,
    sequence_key,
)
from broker.http.permissions import Rule, declared
from broker.storage.factory import open_storage
from tests.conftest import BACKENDS, truncate_tables
from tests.integration.http.conftest import settings_for

# One broker per backend serves every case of this module, so the tests share its loop.
pytestmark = pytest.mark.asyncio(loop_scope="module")

Client = AsyncTestClient[Any]

ADMIN = "admin-secret-for-the-authorisation-matrix"
AS_ADMIN = {"Authorization": f"Bearer {ADMIN}"}
EXPIRED = "expired-secret-for-the-authorisation-matrix"
CHALLENGE = 'Bearer, Basic realm="accord"'

TEAM, BYSTANDER = "alpha", "omega"
# Team alpha owns both pairs. The refusal and read cases use the first; the owning writer's
# cases really change things (DELETE included), so they get the second pair to spoil.
CONSUMER, PROVIDER = "AlphaConsumer", "AlphaProvider"
SCRATCH_CONSUMER, SCRATCH_PROVIDER = "AlphaScratchConsumer", "AlphaScratchProvider"
GOVERNED = "AlphaGovernedConsumer"  # in enterprise mode, so its pact opens a change request
# Names team alpha owns before anything is published under them (#12 item 5): creating them is
# a write to alpha's pacticipants. Beta tries the first; alpha creates the second.
UNPUBLISHED, UNPUBLISHED_BY_ALPHA = "AlphaUnpublished", "AlphaUnpublishedByAlpha"
UNPUBLISHED_PROVIDER = "AlphaUnpublishedProvider"  # named first by another team's pact
# Consumer and provider share version numbers, branch and tag, so `version` means the same
# in `/pacts/…/version/{version}` and `/provider-contracts/…/version/{version}`.
EARLIER, VERSION = "0.9.0", "1.0.0"
BRANCH, TAG, LABEL, ENVIRONMENT = "main", "prod", "billing", "production"
METADATA = "bWV0YWRhdGE"  # the pact URL's metadata segment is opaque to clients


def matrix_query(consumer: str, provider: str) -> str:
    """The matrix between the pair's versions `VERSION`."""
    return (
        f"q[][pacticipant]={consumer}&q[][version]={VERSION}"
        f"&q[][pacticipant]={provider}&q[][version]={VERSION}"
    )


# Every route of the app, by method and path template, with the rule its handler declares.
ROUTES = declared(create_app(settings_for("sqlite:///unused.db")))

# Queries without which a read route answers 400: a real question about the world.
QUERIES = {
    ("GET", "/matrix"): matrix_query(CONSUMER, PROVIDER),
    ("GET", "/can-i-deploy"): f"pacticipant={CONSUMER}&version={VERSION}&to={TAG}",
}

# Reads that answer other than 2xx with the world as built, with the status and why. Empty
# today: every read finds what it asks for. Keep it short, and give each entry its reason.
NOT_2XX_WITH_THE_WORLD: dict[tuple[str, str], tuple[int, str]] = {
    # Any caller reaches it; the empty body names no password, and whose password a caller
    # may change (its own, or anyone's for an admin) is the service's check: test_users.py.
    ("PUT", "/admin/users/{username:str}/password"): (400, "no password in the body"),
}

# Open page forms that refuse a POST without the browser's CSRF token (broker/web/security.py),
# which the matrix does not send: tests/integration/web/test_sessions.py signs in and out.
OPEN_FORMS = {("POST", "/ui/sign-in"), ("POST", "/ui/sign-out")}

# Each caller, its secret's key in `World.secrets` ("" sends none), and a word of the reason.
CALLERS_WITHOUT_VALID_CREDENTIALS = {
    "anonymous": ("", "PACT_BROKER_TOKEN"),
    "expired token": ("expired", "expired"),
    "revoked token": ("revoked", "revoked"),
}


def _id(route: tuple[str, str]) -> str:
    """A case's name: the route as litestar names it, without parameter types."""
    method, path = route
    return method + " " + re.sub(r":\w+}", "}", path)


def over_routes(
    keep: Callable[[Rule], bool], *, order: Callable[[tuple[str, str]], Any] | None = None
) -> pytest.MarkDecorator:
    """Parametrize `method` and `path` over the app's routes whose rule `keep` accepts."""
    chosen = [route for route, rule in ROUTES.items() if keep(rule)]
    if order is not None:
        chosen.sort(key=order)
    return pytest.mark.parametrize(("method", "path"), chosen, ids=[_id(r) for r in chosen])


def deletes_last_deepest_first(route: tuple[str, str]) -> tuple[bool, int]:
    """An order for real writes: each DELETE after the writes it would leave nothing for."""
    method, path = route
    return method == "DELETE", -path.count("/")


@dataclass(frozen=True)
class World:
    """The broker under test, what it holds, and a bearer secret per caller."""

    client: Client
    values: dict[str, str]
    scratch: dict[str, str]
    secrets: dict[str, str]

    def headers(self, caller: str) -> dict[str, str]:
        """The Authorization header of a caller ("" is anonymous)."""
        return {"Authorization": f"Bearer {self.secrets[caller]}"} if caller else {}

    async def call(
        self,
        caller: str,
        method: str,
        path: str,
        *,
        scratch: bool = False,
        body: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """Send `method` to the route `path` as `caller`, its parameters filled from the world.

        Writes send `body`, by default an empty JSON object: a refused write is answered
        before its body is read.
        """
        url = url_for(method, path, self.scratch if scratch else self.values)
        if body is None and method in {"POST", "PUT", "PATCH"}:
            body = {}
        return await self.client.request(method, url, json=body, headers=self.headers(caller))


_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")


def url_for(method: str, path: str, values: dict[str, str]) -> str:
    """The route's URL with each `{name}` filled: by `previous-segment/name`, else `name`."""
    segments = path.split("/")
    filled = []
    for index, segment in enumerate(segments):
        previous = segments[index - 1] if index else ""

        def value(match: re.Match[str], previous: str = previous) -> str:
            name = match[1]
            found = values.get(f"{previous}/{name}", values.get(name))
            if found is None:
                pytest.fail(
                    f"{method} {path} needs a value for {{{name}}}: add one to build_world in "
                    "tests/integration/http/test_authorisation_matrix.py",
                    pytrace=False,
                )
            return quote(found, safe="")

        filled.append(_PARAMETER.sub(value, segment))
    query = QUERIES.get((method, path))
    return "/".join(filled) + (f"?{query}" if query else "")


def pact(consumer: str, provider: str, *descriptions: str) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": description,
                "request": {"method": "GET", "path": "/invoices/1"},
                "response": {"status": 200},
            }
            for description in descriptions
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }


def publication(
    consumer: str, provider: str, version: str, document: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    """A `POST /contracts/publish` body."""
    content = base64.b64encode(json.dumps(document).encode()).decode()
    return {
        "pacticipantName": consumer,
        "pacticipantVersionNumber": version,
        "contracts": [
            {
                "consumerName": consumer,
                "providerName": provider,
                "specification": "pact",
                "contentType": "application/json",
                "content": content,
            }
        ],
        **extra,
    }


OAS = b"openapi: 3.0.0\ninfo: {title: Invoices, version: '1'}\npaths: {}\n"
OAS_CONTRACT = {
    "content": base64.b64encode(OAS).decode(),
    "contentType": "application/yaml",
    "specification": "oas",
}


HOOK = "https://1.2.3.4/build"  # a public address literal: the guard asks no DNS


def webhook_body(consumer: str | None, provider: str | None) -> dict[str, Any]:
    """A webhook for the pair (the path names it when None)."""
    named = {"consumer": consumer, "provider": provider}
    return {
        "request": {"method": "POST", "url": HOOK},
        **{side: {"name": name} for side, name in named.items() if name is not None},
    }


def valid_body(method: str, path: str) -> dict[str, Any] | None:
    """A body the scratch pair's writes accept, so the owning writer gets past validation too.

    Writes not named here send `{}`, which some accept and others answer with 400.
    """
    if method == "POST" and path.endswith("/verification-results"):
        return {"success": True, "providerApplicationVersion": "2.0.0"}
    if method == "POST" and path.startswith("/provider-contracts/"):
        return {"pacticipantVersionNumber": "2.0.0", "contract": OAS_CONTRACT}
    # A webhook naming both pacticipants (one-sided ones are for admins).
    if method == "POST" and path.startswith("/webhooks/provider/") and "/consumer/" in path:
        return webhook_body(None, None)
    if method in {"PUT", "PATCH"} and re.fullmatch(r"/pacts/.*/version/\{version:str\}", path):
        return pact(SCRATCH_CONSUMER, SCRATCH_PROVIDER, "an invoice")  # as published: no 409
    return None


async def done(response: Awaitable[httpx.Response], status: int = 200) -> dict[str, Any]:
    """The JSON of a response the world-building needed to succeed."""
    answered = await response
    assert answered.status_code == status, (answered.request.url, answered.text)
    body: dict[str, Any] = answered.json() if answered.content else {}
    return body


async def publish_pair(
    client: Client, consumer: str, provider: str, environment_uuid: str
) -> dict[str, str]:
    """Publish a consumer and provider of team alpha with all a route can name; their values."""
    pacts = f"/pacts/provider/{provider}/consumer/{consumer}"
    first = pact(consumer, provider)
    await done(
        client.post(
            "/contracts/publish",
            json=publication(consumer, provider, EARLIER, first, branch=BRANCH),
            headers=AS_ADMIN,
        )
    )
    second = pact(consumer, provider, "an invoice")
    body = publication(consumer, provider, VERSION, second, branch=BRANCH, tags=[TAG])
    await done(client.post("/contracts/publish", json=body, headers=AS_ADMIN))
    await done(
        client.put(f"/pacticipants/{consumer}/labels/{LABEL}", json={}, headers=AS_ADMIN), 201
    )
    contract = {
        "pacticipantVersionNumber": VERSION,
        "branch": BRANCH,
        "tags": [TAG],
        "contract": OAS_CONTRACT,
    }
    await done(
        client.post(
            f"/provider-contracts/provider/{provider}/publish", json=contract, headers=AS_ADMIN
        )
    )
    # The comparison is the pair's only result until the replayed one below.
    matrix = await done(client.get(f"/matrix?{matrix_query(consumer, provider)}", headers=AS_ADMIN))
    rows = matrix["matrix"]
    comparison = rows[0]["verificationResult"]["_links"]["self"]["href"].rsplit("/", 1)[1]
    shas = []
    for consumer_version in (EARLIER, VERSION):
        served = await done(client.get(f"{pacts}/version/{consumer_version}", headers=AS_ADMIN))
        shas.append(served["_links"]["pb:pact-version"]["name"])
    result = await done(
        client.post(
            f"{pacts}/pact-version/{shas[1]}/verification-results",
            json={"success": True, "providerApplicationVersion": VERSION},
            headers=AS_ADMIN,
        ),
        201,
    )
    number = result["_links"]["self"]["href"].rsplit("/", 1)[1]
    hook = await done(
        client.post("/webhooks", json=webhook_body(consumer, provider), headers=AS_ADMIN), 201
    )
    version = f"/pacticipants/{consumer}/versions/{VERSION}"
    deployed = await done(
        client.post(
            f"{version}/deployed-versions/environment/{environment_uuid}", json={}, headers=AS_ADMIN
        ),
        201,
    )
    released = await done(
        client.post(
            f"{version}/released-versions/environment/{environment_uuid}", json={}, headers=AS_ADMIN
        ),
        201,
    )
    return {
        "name": consumer,
        "pacticipant": consumer,
        "consumer": consumer,
        "provider": provider,
        "version": VERSION,
        "version/other": EARLIER,
        "sha": shas[1],
        "pact-version/other": shas[0],
        "metadata": METADATA,
        "number": number,
        "branch": BRANCH,
        "tag": TAG,
        "provider_tag": TAG,  # the matrix badge's provider tag (the provider is tagged too)
        "to": TAG,
        "label": LABEL,
        # Deployments name the environment by uuid, can-i-deploy by name.
        "environment/environment": environment_uuid,
        "environment": ENVIRONMENT,
        "comparison": comparison,
        "deployed-versions/uuid": deployed["uuid"],
        "released-versions/uuid": released["uuid"],
        "webhooks/uuid": hook["uuid"],
        "asset": "accord.css",  # the web interface's stylesheet
    }


async def new_token(client: Client, name: str, role: str, *teams: str) -> dict[str, Any]:
    body = {"name": name, "role": role, "teams": list(teams)}
    return await done(client.post("/admin/tokens", json=body, headers=AS_ADMIN), 201)


async def store_expired_token(database_url: str) -> None:
    """An admin token past its expiry: the admin API refuses a past `expiresAt`."""
    storage = await open_storage(database_url)
    try:
        async with storage.transaction() as tx:
            await tx.insert_token(
                name="expired",
                role="admin",
                teams=(),
                secret_sha=token_sha(EXPIRED),
                expires_at=datetime.now(UTC) - timedelta(minutes=1),
                now=datetime.now(UTC) - timedelta(days=1),
            )
    finally:
        await storage.close()


async def store_webhook_delivery(database_url: str, webhook_uuid: str) -> dict[str, str]:
    """A delivery to alpha's webhook of an event its pact caused, stored as events are.

    The outbox is written by the services that emit events, so it goes in through storage.
    """
    storage = await open_storage(database_url)
    now = datetime.now(UTC)
    try:
        async with storage.transaction() as tx:
            webhook = await tx.find_webhook(webhook_uuid)
            assert webhook is not None
            consumer = await tx.find_pacticipant(CONSUMER)
            assert consumer is not None
            version = await tx.find_version(consumer.id, VERSION)
            assert version is not None
            subject = EventSubject(consumer=CONSUMER, provider=PROVIDER)
            event = await tx.insert_webhook_event(
                NewEvent(
                    name=CONTRACT_CONTENT_CHANGED,
                    subject=subject,
                    variables={},
                    consumer_version_id=version.id,
                ),
                now,
            )
            delivery = await tx.insert_delivery(
                event.id, webhook.id, sequence_key(webhook.id, subject), now
            )
    finally:
        await storage.close()
    return {"delivery_uuid": delivery.uuid}


async def open_change_request(client: Client) -> str:
    """A change request's id: an enterprise-mode consumer publishes its first pact."""
    mode = {"mode": "brownfield-enterprise"}
    await done(client.put(f"/pacticipants/{GOVERNED}/mode", json=mode, headers=AS_ADMIN))
    document = pact(GOVERNED, PROVIDER, "an invoice")
    body = publication(GOVERNED, PROVIDER, VERSION, document)
    await done(client.post("/contracts/publish", json=body, headers=AS_ADMIN))
    listed = await done(client.get(f"/change-requests?pacticipant={GOVERNED}", headers=AS_ADMIN))
    [request] = listed["_embedded"]["changeRequests"]
    return str(request["id"])


async def build_world(client: Client, database_url: str) -> World:
    owned = [
        CONSUMER,
        PROVIDER,
        SCRATCH_CONSUMER,
        SCRATCH_PROVIDER,
        GOVERNED,
        UNPUBLISHED,
        UNPUBLISHED_BY_ALPHA,
        UNPUBLISHED_PROVIDER,
    ]
    await done(client.put(f"/admin/teams/{TEAM}", json={"pacticipants": owned}, headers=AS_ADMIN))
    await done(client.put(f"/admin/teams/{BYSTANDER}", json={"pacticipants": []}, headers=AS_ADMIN))
    environment = await done(
        client.post(
            "/environments", json={"name": ENVIRONMENT, "production": True}, headers=AS_ADMIN
        ),
        201,
    )
    values = await publish_pair(client, CONSUMER, PROVIDER, environment["uuid"])
    scratch = await publish_pair(client, SCRATCH_CONSUMER, SCRATCH_PROVIDER, environment["uuid"])
    secrets = {
        "read": (await new_token(client, "reader", "read"))["token"],
        "beta writer": (await new_token(client, "beta-ci", "write", "beta"))["token"],
        "alpha writer": (await new_token(client, "alpha-ci", "write", TEAM))["token"],
        "expired": EXPIRED,
    }
    revoked = await new_token(client, "revoked", "admin")
    await done(client.delete(f"/admin/tokens/{revoked['id']}", headers=AS_ADMIN), 204)
    secrets["revoked"] = revoked["token"]
    await store_expired_token(database_url)
    shared = {
        "environments/uuid": environment["uuid"],
        "token_id": str(revoked["id"]),  # revoking it again would change nothing
        "teams/name": BYSTANDER,  # should a refusal fail, alpha's team stays as it is
        "username": "nobody",  # no such user: a refusal that fails changes no one
        "doc/rel": "publish-contracts",
        "operation_id": "openapi",  # /ui/api/operation/{operation_id}: the API reference
        **await store_webhook_delivery(database_url, values["webhooks/uuid"]),
    }
    if ("GET", "/change-requests/{request_id:int}") in ROUTES:
        shared["request_id"] = await open_change_request(client)
    return World(client, values | shared, scratch | shared, secrets)


@pytest.fixture(scope="module", params=BACKENDS)
def matrix_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A database for this module's broker: a SQLite file, or the session PostgreSQL one."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'accord.db'}"
    url: str = request.getfixturevalue("postgres_database_url")
    return url


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(matrix_database_url: str) -> AsyncIterator[World]:
    """One broker per backend with `ACCORD_ADMIN_TOKEN`, its world published once."""
    postgres = not matrix_database_url.startswith("sqlite")
    if postgres:
        await truncate_tables(matrix_database_url)
    app = asgi_app(settings_for(matrix_database_url, admin_token=ADMIN))
    try:
        async with AsyncTestClient(app=app) as client:
            yield await build_world(client, matrix_database_url)
    finally:
        if postgres:  # the next module's tests expect a broker without credentials
            await truncate_tables(matrix_database_url)


def detail(response: httpx.Response) -> str:
    text: str = response.json().get("detail", "")
    return text


@over_routes(lambda rule: rule.need is Need.OPEN)
async def test_open_routes_answer_without_credentials(world: World, method: str, path: str) -> None:
    response = await world.call("", method, path)
    if (method, path) in OPEN_FORMS:
        assert response.status_code == 403, response.text
        assert "CSRF" in detail(response)
        return
    assert 200 <= response.status_code < 300, response.text


# Reads run before the refusals: a refusal that fails lets its write through, and what that
# write spoils (a deleted pacticipant, a team emptied) would fail later cases too.
@over_routes(lambda rule: rule.need is Need.READ)
async def test_a_read_token_reads(world: World, method: str, path: str) -> None:
    response = await world.call("read", method, path)
    assert response.status_code not in {401, 403}, response.text
    assert response.status_code < 500, response.text
    expected, why = NOT_2XX_WITH_THE_WORLD.get((method, path), (None, ""))
    if expected is not None:
        assert response.status_code == expected, f"{why}: {response.text}"
    else:
        assert 200 <= response.status_code < 300, response.text


# HEAD is answered as GET (broker/http/head.py): every GET route, for a reader and for a
# caller without credentials, answers HEAD with GET's status and headers and no body.
GETS = [route for route in ROUTES if route[0] == "GET"]
# `/metrics` counts the GET just made (and its queries), so its HEAD's length may differ.
MOVING_LENGTH = {("GET", "/metrics")}


@pytest.mark.parametrize(("method", "path"), GETS, ids=[_id(r) for r in GETS])
@pytest.mark.parametrize("caller", ["read", ""], ids=["read token", "anonymous"])
async def test_head_answers_as_get_does_without_a_body(
    world: World, caller: str, method: str, path: str
) -> None:
    got = await world.call(caller, method, path)
    url = url_for(method, path, world.values)
    head = await world.client.head(url, headers=world.headers(caller))
    assert head.status_code == got.status_code, head.text
    assert head.content == b""
    for name in ("content-type", "content-length", "www-authenticate"):
        if name == "content-length" and (method, path) in MOVING_LENGTH:
            continue
        assert head.headers.get(name) == got.headers.get(name), name


@over_routes(lambda rule: rule.need is not Need.OPEN)
@pytest.mark.parametrize("caller", CALLERS_WITHOUT_VALID_CREDENTIALS)
async def test_callers_without_valid_credentials_get_401_and_a_challenge(
    world: World, caller: str, method: str, path: str
) -> None:
    secret, reason = CALLERS_WITHOUT_VALID_CREDENTIALS[caller]
    response = await world.call(secret, method, path)
    assert response.status_code == 401, response.text
    assert response.headers.get("www-authenticate") == CHALLENGE
    assert reason in detail(response), "refused for another reason"


@over_routes(lambda rule: rule.need in {Need.WRITE, Need.APPROVE, Need.ADMIN})
async def test_a_read_token_may_not_write_approve_or_administer(
    world: World, method: str, path: str
) -> None:
    response = await world.call("read", method, path)
    assert response.status_code == 403, response.text
    assert "read role" in detail(response)


@over_routes(lambda rule: rule.owner is not None)
async def test_another_teams_writer_may_not_change_alphas_pacticipants(
    world: World, method: str, path: str
) -> None:
    rule = ROUTES[method, path]
    assert rule.owner is not None
    assert world.values.get(rule.owner) in {CONSUMER, PROVIDER}
    response = await world.call("beta writer", method, path)
    assert response.status_code == 403, response.text
    if rule.need is Need.WRITE:
        assert TEAM in detail(response), "refused for another reason than alpha's ownership"


@over_routes(lambda rule: rule.need in {Need.APPROVE, Need.ADMIN})
async def test_a_writer_may_not_approve_or_administer(world: World, method: str, path: str) -> None:
    response = await world.call("beta writer", method, path)
    assert response.status_code == 403, response.text
    assert "write role" in detail(response)


async def test_another_teams_writer_may_not_publish_alphas_contracts(world: World) -> None:
    body = publication(CONSUMER, PROVIDER, "2.0.0", pact(CONSUMER, PROVIDER, "a new one"))
    response = await world.client.post(
        "/contracts/publish", json=body, headers=world.headers("beta writer")
    )
    assert response.status_code == 403, response.text
    assert TEAM in detail(response)


# The scratch pair's resources really go, so each DELETE comes after the writes needing them.
@over_routes(
    lambda rule: rule.owner is not None and rule.need is Need.WRITE,
    order=deletes_last_deepest_first,
)
async def test_the_owning_teams_writer_is_let_through(world: World, method: str, path: str) -> None:
    """Alpha's writer passes the ownership check (its scratch pair); a 400 for the body is fine."""
    body = valid_body(method, path)
    response = await world.call("alpha writer", method, path, scratch=True, body=body)
    assert response.status_code not in {401, 403}, response.text
    assert response.status_code < 500, response.text


async def test_the_owning_teams_writer_publishes_alphas_contracts(world: World) -> None:
    document = pact(SCRATCH_CONSUMER, SCRATCH_PROVIDER, "a new one")
    body = publication(SCRATCH_CONSUMER, SCRATCH_PROVIDER, "2.0.0", document)
    response = await world.client.post(
        "/contracts/publish", json=body, headers=world.headers("alpha writer")
    )
    assert response.status_code == 200, response.text


# Last, since a broken check would change the main world: these writes change a pacticipant
# that the path does not name, so their handlers declare no `owner` and the service checks.
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", "/deployed-versions/{uuid:str}", {"currentlyDeployed": False}),
        ("PATCH", "/released-versions/{uuid:str}", {"currentlySupported": False}),
    ],
    ids=["deployment", "release"],
)
async def test_another_teams_writer_may_not_end_alphas_deployments_or_releases(
    world: World, method: str, path: str, body: dict[str, Any]
) -> None:
    assert ROUTES[method, path].owner is None
    response = await world.call("beta writer", method, path, body=body)
    assert response.status_code == 403, response.text


async def test_another_teams_writer_may_not_create_change_or_delete_alphas_webhooks(
    world: World,
) -> None:
    """The webhook names alpha's pair, not the path: its service checks both (#14 item 5)."""
    for method, path in [("POST", "/webhooks"), ("PUT", "/webhooks/{uuid:str}")]:
        assert ROUTES[method, path].owner is None
        body = webhook_body(CONSUMER, PROVIDER)
        response = await world.call("beta writer", method, path, body=body)
        assert response.status_code == 403, response.text
        assert TEAM in detail(response)
    response = await world.call("beta writer", "DELETE", "/webhooks/{uuid:str}")
    assert response.status_code == 403, response.text
    assert TEAM in detail(response)
    one_sided = await world.call(
        "alpha writer", "POST", "/webhooks", body=webhook_body(CONSUMER, None)
    )
    assert one_sided.status_code == 403, "a webhook for any provider is for admins"
    assert "admin role" in detail(one_sided)
    made = await world.client.post(
        "/webhooks", json=webhook_body(CONSUMER, PROVIDER), headers=world.headers("alpha writer")
    )
    assert made.status_code == 201, made.text
    mine = f"/webhooks/{made.json()['uuid']}"
    replaced = await world.client.put(
        mine, json=webhook_body(CONSUMER, PROVIDER), headers=world.headers("alpha writer")
    )
    assert replaced.status_code == 200, replaced.text
    deleted = await world.client.delete(mine, headers=world.headers("alpha writer"))
    assert deleted.status_code == 204, deleted.text


ENVIRONMENT_WRITES = [
    ("POST", "/environments"),
    ("PUT", "/environments/{uuid:str}"),
    ("DELETE", "/environments/{uuid:str}"),
]


@pytest.mark.parametrize(("method", "path"), ENVIRONMENT_WRITES, ids=map(_id, ENVIRONMENT_WRITES))
async def test_trust_02_only_admins_create_rename_or_delete_environments(
    world: World, method: str, path: str
) -> None:
    """Environments are every team's: a writer of any team (or none) may not touch them."""
    assert ROUTES[method, path].need is Need.ADMIN
    body = {"name": "renamed", "production": True}
    for caller in ("alpha writer", "beta writer"):
        response = await world.call(caller, method, path, body=body)
        assert response.status_code == 403, response.text
        assert "admin role" in detail(response)
    listed = await done(world.client.get("/environments", headers=AS_ADMIN))
    names = [e["name"] for e in listed["_embedded"]["environments"]]
    assert names == [ENVIRONMENT]


# Writes whose path names no pacticipant, so the guard cannot check a team's ownership: each
# is checked by its service against the pacticipant it really changes, and tested here.
CHECKED_BY_THEIR_SERVICE = {
    ("POST", "/contracts/publish"): "test_another_teams_writer_may_not_publish_alphas_contracts",
    ("POST", "/pacticipants"): "test_trust_05_names_a_team_owns_stay_its_own_before_they_exist",
    ("PATCH", "/deployed-versions/{uuid:str}"): (
        "test_another_teams_writer_may_not_end_alphas_deployments_or_releases"
    ),
    ("PATCH", "/released-versions/{uuid:str}"): (
        "test_another_teams_writer_may_not_end_alphas_deployments_or_releases"
    ),
    # Executing a webhook needs a write to each pacticipant it names (admin for any or a label).
    ("POST", "/webhooks/{uuid:str}/execute"): (
        "tests.integration.http.test_webhook_deliveries::"
        "test_another_teams_writer_may_not_execute_alphas_webhook"
    ),
    ("POST", "/webhooks"): (
        "test_another_teams_writer_may_not_create_change_or_delete_alphas_webhooks"
    ),
    ("PUT", "/webhooks/{uuid:str}"): (
        "test_another_teams_writer_may_not_create_change_or_delete_alphas_webhooks"
    ),
    ("DELETE", "/webhooks/{uuid:str}"): (
        "test_another_teams_writer_may_not_create_change_or_delete_alphas_webhooks"
    ),
    # Any user may change its own password, only an admin another's.
    ("PUT", "/admin/users/{username:str}/password"): (
        "tests.integration.http.test_users::"
        "test_trust_17_a_user_changes_its_own_password_and_only_its_own"
    ),
}
# POSTs that change nothing: a query sent with a body.
QUERIES_SENT_AS_POST = {("POST", "/pacts/provider/{provider:str}/for-verification")}


async def test_trust_02_every_write_naming_no_pacticipant_is_for_admins_approvers_or_checked() -> (
    None
):
    """A write whose path names no owner is for admins or approvers, or its service checks it."""
    unchecked = []
    for (method, path), rule in ROUTES.items():
        if method == "GET" or rule.owner is not None or (method, path) in QUERIES_SENT_AS_POST:
            continue
        if (method, path) in OPEN_FORMS:  # signing in and out changes nothing stored
            continue
        if rule.need in {Need.ADMIN, Need.APPROVE}:
            continue
        if (method, path) not in CHECKED_BY_THEIR_SERVICE:
            unchecked.append(f"{method} {path} ({rule.need})")
    assert unchecked == []
    for test in CHECKED_BY_THEIR_SERVICE.values():
        module, _, name = test.rpartition("::")
        namespace = vars(importlib.import_module(module)) if module else globals()
        assert name in namespace, f"{test} is not a test"
    for method, path in QUERIES_SENT_AS_POST:
        assert ROUTES[method, path].need is Need.READ


def unpublished_writes(name: str, environment: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Every write that creates a pacticipant named `name` if none exists yet."""
    contract = {"pacticipantVersionNumber": VERSION, "contract": OAS_CONTRACT}
    return [
        ("POST", "/pacticipants", {"name": name, "mainBranch": "main"}),
        ("PATCH", f"/pacticipants/{name}", {"mainBranch": "main"}),
        ("PUT", f"/pacticipants/{name}/versions/{VERSION}", {}),
        ("PUT", f"/pacticipants/{name}/branches/{BRANCH}/versions/{VERSION}", {}),
        ("PUT", f"/pacticipants/{name}/versions/{VERSION}/tags/{TAG}", {}),
        ("PUT", f"/pacticipants/{name}/labels/{LABEL}", {}),
        (
            "POST",
            f"/pacticipants/{name}/versions/{VERSION}/deployed-versions/environment/{environment}",
            {},
        ),
        (
            "POST",
            "/contracts/publish",
            publication(name, PROVIDER, VERSION, pact(name, PROVIDER, "an invoice")),
        ),
        (
            "PUT",
            f"/pacts/provider/{PROVIDER}/consumer/{name}/version/{VERSION}",
            pact(name, PROVIDER, "an invoice"),
        ),
        ("POST", f"/provider-contracts/provider/{name}/publish", contract),
    ]


async def test_trust_05_names_a_team_owns_stay_its_own_before_they_exist(world: World) -> None:
    """Creating alpha's not yet published pacticipant by any write is refused to beta."""
    environment = world.values["environments/uuid"]
    for method, path, body in unpublished_writes(UNPUBLISHED, environment):
        response = await world.client.request(
            method, path, json=body, headers=world.headers("beta writer")
        )
        assert response.status_code == 403, (method, path, response.text)
        assert TEAM in detail(response), (method, path)
    missing = await world.client.get(f"/pacticipants/{UNPUBLISHED}", headers=AS_ADMIN)
    assert missing.status_code == 404, missing.text
    created = await world.client.post(
        "/pacticipants",
        json={"name": UNPUBLISHED_BY_ALPHA, "mainBranch": "main"},
        headers=world.headers("alpha writer"),
    )
    assert created.status_code == 201, created.text
    assert created.json()["mainBranch"] == "main"


async def test_trust_05_a_consumers_pact_may_name_a_provider_not_published_yet(
    world: World,
) -> None:
    """Consumer first: beta's pact creates alpha's provider bare, and alpha still owns it."""
    document = pact("BetaConsumer", UNPUBLISHED_PROVIDER, "an invoice")
    body = publication("BetaConsumer", UNPUBLISHED_PROVIDER, VERSION, document)
    published = await world.client.post(
        "/contracts/publish", json=body, headers=world.headers("beta writer")
    )
    assert published.status_code == 200, published.text
    created = await done(
        world.client.get(f"/pacticipants/{UNPUBLISHED_PROVIDER}", headers=AS_ADMIN)
    )
    assert created.get("mainBranch") is None
    refused = await world.client.patch(
        f"/pacticipants/{UNPUBLISHED_PROVIDER}",
        json={"mainBranch": "main"},
        headers=world.headers("beta writer"),
    )
    assert refused.status_code == 403, refused.text
