"""The pytest plugin, run by pytester against the real provider app on a free port.

Each test writes a pact (and a conftest when it needs fixtures) into pytester's folder, runs
pytest in process with the `--accord-*` options, and reads the outcomes pytest reports.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from litestar import Litestar

from tests.integration.verifier.conftest import user_pact, without_broken
from tests.support.provider_app import TOKEN, ProviderData, create_app, running_provider

pytest_plugins = ["pytester"]

AUTH = f"Authorization: Bearer {TOKEN}"
QUIET = ("-p", "no:cacheprovider", "-p", "no:asyncio")

# pytester puts sys.modules back as they were when its fixture started, so whatever this process
# imports lazily during a test (httpx imports httpcore on first use; anyio its backends) would
# be imported again later, and httpx would no longer recognise httpcore's exceptions. Load them
# now, before any pytester fixture.
httpx.HTTPTransport().close()
anyio.run(httpx.AsyncHTTPTransport().aclose)
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def child_pythonpath(monkeypatch: pytest.MonkeyPatch) -> None:
    """The child pytest imports `tests.support` from the repository, as this one does."""
    monkeypatch.setenv("PYTHONPATH", str(REPO))


def run_pytest(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """pytest in a child process.

    In process, pytester drops the modules the inner run imported (openapi-core, httpcore's
    backends…), and this process would then hold two copies of their classes.
    """
    return pytester.runpytest_subprocess(*args)


@pytest.fixture
def provider_app() -> Litestar:
    return create_app()


@pytest.fixture
def provider_url(provider_app: Litestar) -> Iterator[str]:
    with running_provider(provider_app) as url:
        yield url


def data_of(app: Litestar) -> ProviderData:
    data: ProviderData = app.state.provider_data
    return data


def write(pytester: pytest.Pytester, pact: dict[str, Any], name: str = "pact.json") -> str:
    path = pytester.path / name
    path.write_text(json.dumps(pact))
    return str(path)


def options(provider_url: str, pact: str, *extra: str) -> list[str]:
    return [
        "--accord-pact", pact,
        "--accord-provider-url", provider_url,
        "--accord-provider-states-setup-url", f"{provider_url}/_pact/provider-states",
        "--accord-custom-header", AUTH,
        *QUIET,
        *extra,
    ]  # fmt: skip


def test_each_interaction_is_a_test_item(pytester: pytest.Pytester, provider_url: str) -> None:
    pact = write(pytester, without_broken(user_pact()))
    result = run_pytest(pytester, *options(provider_url, pact), "-v")

    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "accord?UserWeb-Users?::a request for a user PASSED*",
            "accord?UserWeb-Users?::a request for a missing user PASSED*",
            "accord?UserWeb-Users?::a request to create a user PASSED*",
        ]
    )


def test_a_broken_provider_fails_with_the_mismatch_tree(
    pytester: pytest.Pytester, provider_url: str
) -> None:
    pact = write(pytester, user_pact())
    result = run_pytest(pytester, *options(provider_url, pact))

    result.assert_outcomes(passed=3, failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*_ UserWeb -> Users: a request for the broken resource _*",
            "UserWeb -> Users: a request for the broken resource",
            "  from *pact.json",
            "  body",
            '    $.body.id: expected an integer but got "seven"',
            "  replay: curl -X GET -H 'Authorization: Bearer provider-secret' http*/broken",
        ]
    )
    assert "verify_interaction" not in result.stdout.str(), "no traceback of the plugin's code"


def test_the_plugin_does_nothing_unless_asked(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_alone():\n    pass\n")
    result = run_pytest(pytester, *QUIET)
    result.assert_outcomes(passed=1)


def test_a_pending_interaction_that_fails_is_an_xfail(
    pytester: pytest.Pytester, provider_url: str
) -> None:
    pact = {
        "consumer": {"name": "UserWeb"},
        "provider": {"name": "Users"},
        "interactions": [
            {
                "type": "Synchronous/HTTP",
                "description": "a pending request for the broken resource",
                "pending": True,
                "request": {"method": "GET", "path": "/broken"},
                "response": {
                    "status": 200,
                    "body": {"content": {"id": 7}, "contentType": "application/json"},
                    "matchingRules": {"body": {"$.id": {"matchers": [{"match": "integer"}]}}},
                },
            },
            {
                "type": "Synchronous/HTTP",
                "description": "a request for every user",
                "request": {"method": "GET", "path": "/users"},
                "response": {"status": 200},
            },
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    result = run_pytest(pytester, *options(provider_url, write(pytester, pact)), "-rx")

    result.assert_outcomes(passed=1, xfailed=1)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["XFAIL *a pending request for the broken resource*pending*"])


STATE_CONFTEST = """
import json

import httpx
import pytest

from verifier.pytest_plugin import provider_state

SEEN = []


@pytest.fixture
def states_url(pytestconfig):
    return pytestconfig.getoption("accord_provider_states_setup_url")


@provider_state("a user exists")
def user_exists(params, states_url):
    # The user gets id 42 whatever the params say: the request path must follow the value.
    answer = httpx.post(states_url, json={"state": "a user exists", "action": "setup",
                                          "params": {**params, "id": 42}})
    SEEN.append(("setup", params))
    yield answer.json()
    SEEN.append(("teardown", params))


def pytest_sessionfinish(session):
    (session.config.rootpath / "seen.json").write_text(json.dumps(SEEN))
"""


def test_provider_states_are_fixtures_whose_values_feed_generators(
    pytester: pytest.Pytester, provider_url: str, provider_app: Litestar
) -> None:
    pytester.makeconftest(STATE_CONFTEST)
    pact = write(pytester, without_broken(user_pact()))
    result = run_pytest(pytester, *options(provider_url, pact))

    result.assert_outcomes(passed=3)
    data = data_of(provider_app)
    assert 42 in data.users, "the state function, not the state-change URL, made the user"
    assert ("a user exists", "setup", {"id": 7, "name": "Ada"}) not in data.states_seen
    # The other states have no function: they went to the state-change URL.
    assert ("a user does not exist", "setup", {"id": 5}) in data.states_seen


def test_a_state_generator_tears_down_after_its_interaction(
    pytester: pytest.Pytester, provider_url: str
) -> None:
    pytester.makeconftest(STATE_CONFTEST)
    pact = write(pytester, without_broken(user_pact()))
    result = run_pytest(pytester, *options(provider_url, pact))

    result.assert_outcomes(passed=3)
    seen = json.loads((pytester.path / "seen.json").read_text())
    assert seen == [["setup", {"id": 7, "name": "Ada"}], ["teardown", {"id": 7, "name": "Ada"}]]


FIXTURE_CONFTEST = """
import pytest

from tests.support.provider_app import TOKEN, create_app, running_provider
from verifier import Provider


@pytest.fixture(scope="session")
def accord_provider():
    with running_provider(create_app()) as url:
        yield Provider(
            name="Users",
            base_url=url,
            state_change_url=url + "/_pact/provider-states",
            custom_headers={"Authorization": f"Bearer {TOKEN}"},
        )
"""


def test_the_provider_may_come_from_a_fixture(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(FIXTURE_CONFTEST)
    pact = write(pytester, user_pact())
    result = run_pytest(pytester, "--accord-pact", pact, *QUIET)
    result.assert_outcomes(passed=3, failed=1)


def test_without_a_provider_url_or_fixture_each_item_says_what_to_give(
    pytester: pytest.Pytester,
) -> None:
    pact = write(pytester, without_broken(user_pact()))
    result = run_pytest(pytester, "--accord-pact", pact, *QUIET)
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        ["*Give --accord-provider-url, or override the accord_provider fixture.*"]
    )


def test_a_missing_pact_is_a_usage_error(pytester: pytest.Pytester) -> None:
    missing = str(pytester.path / "nowhere.json")
    result = run_pytest(pytester, "--accord-pact", missing, "--accord-provider", "Users", *QUIET)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: The pact file {missing} does not exist."])


def test_k_selects_interactions_by_description(
    pytester: pytest.Pytester, provider_url: str
) -> None:
    pact = write(pytester, user_pact())
    result = run_pytest(pytester, *options(provider_url, pact), "-k", "missing")
    result.assert_outcomes(passed=1, deselected=3)


def test_accord_openapi_validates_each_response_too(
    pytester: pytest.Pytester, provider_url: str
) -> None:
    from tests.integration.verifier.test_openapi_checks import document

    spec = pytester.path / "openapi.json"
    spec.write_text(json.dumps(document()))
    pact = write(pytester, without_broken(user_pact()))
    result = run_pytest(pytester, *options(provider_url, pact), "--accord-openapi", str(spec))

    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [
            "UserWeb -> Users: a request for a user (given a user exists)",
            "  openapi: body",
            "    $.body: 'createdAt' is a required property (the schema of GET /users/7 200)",
        ]
    )


def test_states_without_a_function_still_go_to_the_state_change_url(
    pytester: pytest.Pytester, provider_url: str, provider_app: Litestar
) -> None:
    pytester.makeconftest(STATE_CONFTEST)
    pact = user_pact()
    (first, *_) = pact["interactions"]
    first["providerStates"].append({"name": "a user does not exist", "params": {"id": 5}})
    result = run_pytest(
        pytester, *options(provider_url, write(pytester, {**pact, "interactions": [first]}))
    )

    result.assert_outcomes(passed=1)
    data = data_of(provider_app)
    assert 42 in data.users
    assert ("a user does not exist", "setup", {"id": 5}) in data.states_seen


def test_a_state_nothing_sets_up_is_named_in_the_summary(
    pytester: pytest.Pytester, provider_url: str
) -> None:
    pact = {
        "consumer": {"name": "UserWeb"},
        "provider": {"name": "Users"},
        "interactions": [
            {
                "description": "a request for every user",
                "providerStates": [{"name": "users exist"}],
                "request": {"method": "GET", "path": "/users"},
                "response": {"status": 200},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    result = run_pytest(pytester,
        "--accord-pact", write(pytester, pact),
        "--accord-provider-url", provider_url,
        "--accord-custom-header", AUTH,
        *QUIET,
    )  # fmt: skip
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*= accord =*",
            "accord?UserWeb-Users?::a request for every user: no @provider_state function or "
            "state-change URL sets up: users exist",
        ]
    )
