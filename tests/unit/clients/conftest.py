"""A broker double on `httpx.MockTransport`: canned HAL answers per route, every request kept.

The answers follow the shapes of `reference/pact-broker-api.md`; they are written here, not
taken from `broker/`, so these tests pin what the SDK expects of any Pact Broker.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import pytest

BASE = "http://broker.test"
ENV_UUID = "6a1d1d2e-0000-4000-8000-000000000001"

Answer = httpx.Response | Callable[[httpx.Request], httpx.Response]

INDEX = {
    "_links": {
        "self": {"href": f"{BASE}/"},
        "pb:environments": {"href": f"{BASE}/environments"},
        "pb:environment": {"href": f"{BASE}/environments/{{uuid}}", "templated": True},
        "pb:pacticipants": {"href": f"{BASE}/pacticipants"},
        "pb:pacticipant": {"href": f"{BASE}/pacticipants/{{pacticipant}}", "templated": True},
        "pb:latest-version": {
            "href": f"{BASE}/pacticipants/{{pacticipant}}/latest-version",
            "templated": True,
        },
        "pb:latest-tagged-version": {
            "href": f"{BASE}/pacticipants/{{pacticipant}}/latest-version/{{tag}}",
            "templated": True,
        },
        "pb:pacticipant-version": {
            "href": f"{BASE}/pacticipants/{{pacticipant}}/versions/{{version}}",
            "templated": True,
        },
        "pb:pacticipant-version-tag": {
            "href": f"{BASE}/pacticipants/{{pacticipant}}/versions/{{version}}/tags/{{tag}}",
            "templated": True,
        },
        "pb:pacticipant-branch-version": {
            "href": f"{BASE}/pacticipants/{{pacticipant}}/branches/{{branch}}/versions/{{version}}",
            "templated": True,
        },
    }
}


def hal(body: object, status: int = 200) -> httpx.Response:
    """A success answer as the Pact Broker renders it."""
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"Content-Type": "application/hal+json;charset=utf-8"},
    )


def not_found(text: str = "The requested document was not found on this server.") -> httpx.Response:
    """The Pact Broker's hal+json 404."""
    return hal({"error": text}, status=404)


def environment(
    name: str = "production", uuid: str = ENV_UUID, **extra: object
) -> dict[str, object]:
    """An environment body."""
    return {
        "uuid": uuid,
        "name": name,
        "displayName": name.title(),
        "production": name == "production",
        "contacts": [],
        "createdAt": "2026-01-02T03:04:05+00:00",
        "_links": {
            "self": {"href": f"{BASE}/environments/{uuid}"},
            "pb:currently-deployed-deployed-versions": {
                "href": f"{BASE}/environments/{uuid}/deployed-versions/currently-deployed"
            },
            "pb:currently-supported-released-versions": {
                "href": f"{BASE}/environments/{uuid}/released-versions/currently-supported"
            },
            "pb:environments": {"href": f"{BASE}/environments"},
        },
        **extra,
    }


def environment_list(*environments: dict[str, object]) -> dict[str, object]:
    """`GET /environments`."""
    return {
        "_embedded": {"environments": list(environments)},
        "_links": {
            "self": {"href": f"{BASE}/environments"},
            "pb:environments": [
                {
                    "title": "Environment",
                    "name": e["name"],
                    "href": f"{BASE}/environments/{e['uuid']}",
                }
                for e in environments
            ],
        },
    }


def version(
    pacticipant: str = "Orders",
    number: str = "1.0.0",
    *,
    tags: tuple[str, ...] = (),
    branches: tuple[str, ...] = (),
    environments: tuple[str, ...] = ("production",),
) -> dict[str, object]:
    """A version body with `pb:record-deployment` and `pb:record-release` per environment."""
    path = f"{BASE}/pacticipants/{pacticipant}/versions/{number}"
    return {
        "number": number,
        "buildUrl": None,
        "createdAt": "2026-01-02T03:04:05+00:00",
        "_embedded": {
            "tags": [
                {"name": tag, "_links": {"self": {"href": f"{path}/tags/{tag}"}}} for tag in tags
            ],
            "branchVersions": [{"name": branch, "latest": True} for branch in branches],
        },
        "_links": {
            "self": {"href": path},
            "pb:record-deployment": [
                {
                    "title": f"Record deployment to {env}",
                    "name": env,
                    "href": f"{path}/deployed-versions/environment/{ENV_UUID}",
                }
                for env in environments
            ],
            "pb:record-release": [
                {
                    "title": f"Record release to {env}",
                    "name": env,
                    "href": f"{path}/released-versions/environment/{ENV_UUID}",
                }
                for env in environments
            ],
        },
    }


def deployed_version(
    uuid: str = "d1",
    *,
    pacticipant: str = "Orders",
    number: str = "1.0.0",
    instance: str | None = None,
    currently_deployed: bool = True,
) -> dict[str, object]:
    """A deployed version body with its `_embedded` pacticipant and version."""
    return {
        "uuid": uuid,
        "currentlyDeployed": currently_deployed,
        "applicationInstance": instance,
        "target": instance,
        "undeployedAt": None if currently_deployed else "2026-01-03T00:00:00+00:00",
        "createdAt": "2026-01-02T03:04:05+00:00",
        "_embedded": {
            "pacticipant": {"name": pacticipant},
            "version": {"number": number},
            "environment": {"uuid": ENV_UUID, "name": "production"},
        },
        "_links": {"self": {"href": f"{BASE}/deployed-versions/{uuid}"}},
    }


def released_version(
    uuid: str = "r1", *, pacticipant: str = "Orders", number: str = "1.0.0", supported: bool = True
) -> dict[str, object]:
    """A released version body."""
    return {
        "uuid": uuid,
        "currentlySupported": supported,
        "supportEndedAt": None if supported else "2026-01-03T00:00:00+00:00",
        "createdAt": "2026-01-02T03:04:05+00:00",
        "_embedded": {"pacticipant": {"name": pacticipant}, "version": {"number": number}},
        "_links": {"self": {"href": f"{BASE}/released-versions/{uuid}"}},
    }


@dataclass
class StubBroker:
    """Answers each `METHOD /raw/path?query` from `routes`; unknown routes get a 404.

    Paths are matched as sent (`raw_path`), so a test can pin percent-encoding.
    """

    routes: dict[str, Answer] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.routes.setdefault("GET /", hal(INDEX))

    def on(self, route: str, answer: Answer) -> None:
        """Answer `route` (`"PUT /pacticipants/A"`) with `answer`."""
        self.routes[route] = answer

    def handle(self, request: httpx.Request) -> httpx.Response:
        """The MockTransport handler."""
        request.read()
        self.requests.append(request)
        answer = self.routes.get(f"{request.method} {request.url.raw_path.decode()}")
        if answer is None:
            return not_found()
        return answer(request) if callable(answer) else answer

    @property
    def transport(self) -> httpx.MockTransport:
        """A real httpx transport that calls `handle`."""
        return httpx.MockTransport(self.handle)

    @property
    def sent(self) -> list[str]:
        """`METHOD /raw/path` of every request, in order."""
        return [f"{r.method} {r.url.raw_path.decode()}" for r in self.requests]

    def body(self, index: int) -> object:
        """The decoded JSON body of the `index`th request."""
        return json.loads(self.requests[index].content)


@pytest.fixture
def stub() -> StubBroker:
    """A broker double with only the index."""
    return StubBroker()


@pytest.fixture(autouse=True)
def no_broker_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands under test see no broker settings from the machine running the tests."""
    for name in (
        "PACT_BROKER_BASE_URL",
        "PACT_BROKER_TOKEN",
        "PACT_BROKER_USERNAME",
        "PACT_BROKER_PASSWORD",
        "PACT_BROKER_CAN_I_DEPLOY_DRY_RUN",
        "PACT_BROKER_CAN_I_MERGE_DRY_RUN",
    ):
        monkeypatch.delenv(name, raising=False)
