"""The web interface in Chromium, driven by Playwright against a broker process on 127.0.0.1.

One broker (SQLite, with `ACCORD_ADMIN_TOKEN` set, so pages need a sign-in) and one Chromium
serve every test of a pytest process; each test gets a fresh browser context (cookies) and
publishes under names of its own, so tests do not see each other's integrations unless they
look at the whole list. Chromium is Debian's (`/usr/bin/chromium`, installed by `.ci/run`),
launched by its path: Playwright's own browser downloads are not reachable.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.e2e.conftest import running_broker

CHROMIUM = Path("/usr/bin/chromium")
ADMIN = "admin-secret-for-the-browser-tests"
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-output" / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 375}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, launched by its path, for one module's tests; skipped if missing.

    Started and stopped with each module rather than once a session: while Playwright's sync
    API runs it holds an event loop running in this thread, and every later test of the worker
    calling `asyncio.run()` would fail.
    """
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    with sync_playwright() as playwright:
        # As root (CI containers), Chromium refuses to start with its sandbox on.
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


_api_clients: list[httpx.Client] = []


def api_client() -> httpx.Client:
    """The one client of this process's API calls: a new client per call (`httpx.request`)
    loads the CA bundle each time, tens of milliseconds of CPU, and a test publishes hundreds."""
    if not _api_clients:
        # It keeps no cookies, as a client per call kept none.
        no_cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
        _api_clients.append(httpx.Client(timeout=30, cookies=no_cookies))
    return _api_clients[0]


@pytest.fixture(scope="session", autouse=True)
def _close_api_client() -> Iterator[None]:
    yield
    while _api_clients:
        _api_clients.pop().close()


@dataclass(frozen=True)
class Broker:
    """The broker under test and an API client holding the admin token."""

    url: str

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {ADMIN}", "Accept": "application/hal+json"}
        return api_client().request(method, self.url + path, headers=headers, **kwargs)

    def publish(self, consumer: str, provider: str, version: str, *, branch: str = "main") -> None:
        """Publish a one-interaction pact as `pact-broker publish` does."""
        document = {
            "consumer": {"name": consumer},
            "provider": {"name": provider},
            "interactions": [
                {
                    "description": f"a request from {consumer}",
                    "request": {"method": "GET", "path": f"/{consumer.lower()}/{version}"},
                    "response": {"status": 200},
                }
            ],
            "metadata": {"pactSpecification": {"version": "2.0.0"}},
        }
        body = {
            "pacticipantName": consumer,
            "pacticipantVersionNumber": version,
            "branch": branch,
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
        response = self.api("POST", "/contracts/publish", json=body)
        assert response.status_code == 200, response.text

    def verify(
        self, consumer: str, provider: str, version: str, provider_version: str, *, success: bool
    ) -> None:
        """Publish a verification result of the consumer version's pact."""
        pact = self.api("GET", f"/pacts/provider/{provider}/consumer/{consumer}/version/{version}")
        assert pact.status_code == 200, pact.text
        href = pact.json()["_links"]["pb:publish-verification-results"]["href"]
        posted = self.api(
            "POST",
            href.removeprefix(self.url),
            json={"success": success, "providerApplicationVersion": provider_version},
        )
        assert posted.status_code == 201, posted.text

    def environment(self, name: str) -> str:
        """An environment's uuid, created if new."""
        found = self.api("GET", f"/environments?name={name}")
        listed = found.json().get("_embedded", {}).get("environments", [])
        if listed:
            uuid: str = listed[0]["uuid"]
            return uuid
        created = self.api(
            "POST", "/environments", json={"name": name, "production": name == "production"}
        )
        assert created.status_code == 201, created.text
        uuid = created.json()["uuid"]
        return uuid

    def deploy(self, pacticipant: str, version: str, environment: str) -> None:
        uuid = self.environment(environment)
        path = (
            f"/pacticipants/{pacticipant}/versions/{version}/deployed-versions/environment/{uuid}"
        )
        response = self.api("POST", path, json={})
        assert response.status_code == 201, response.text


@pytest.fixture(scope="session")
def web_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """One broker process for this pytest process's browser tests."""
    workdir = tmp_path_factory.mktemp("browser-broker")
    database = f"sqlite:///{workdir / 'accord.db'}"
    with running_broker(database, workdir, ACCORD_ADMIN_TOKEN=ADMIN) as url:
        yield Broker(url)


@pytest.fixture
def names(request: pytest.FixtureRequest) -> str:
    """A prefix of pacticipant names this test alone uses."""
    return "T" + re.sub(r"[^A-Za-z0-9]", "", request.node.name.title())[-24:]


@pytest.fixture
def signed_in(browser: Browser, web_broker: Broker) -> Iterator[Page]:
    """A page in a fresh context, signed in with the admin token through the sign-in form."""
    context: BrowserContext = browser.new_context(
        viewport={"width": WIDTHS["desktop"], "height": 900}
    )
    page = context.new_page()
    page.goto(f"{web_broker.url}/ui/sign-in")
    page.get_by_label("Token", exact=True).fill(ADMIN)
    page.get_by_role("button", name="Sign in with the token").click()
    page.wait_for_url(f"{web_broker.url}/")
    yield page
    context.close()


def screenshot(page: Page, name: str) -> list[Path]:
    """The page at 1280 and 375 px wide, as full-page PNGs under test-output/screenshots."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    taken = []
    original = page.viewport_size
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        path = SCREENSHOTS / f"{name}-{label}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)
    if original is not None:
        page.set_viewport_size(original)
    return taken
