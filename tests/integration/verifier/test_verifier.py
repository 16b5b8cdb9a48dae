"""The verifier against a real provider app on 127.0.0.1: states, generators, verdicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from litestar import Litestar

from tests.integration.verifier.conftest import PROVIDER, user_pact, without_broken, write_pact
from tests.support.provider_app import TOKEN, ProviderData, create_app, free_port, running_provider
from verifier import (
    Finding,
    Interaction,
    PactFile,
    Provider,
    ProviderState,
    StateAction,
    Verifier,
    render_text,
)
from verifier.matching import JSONValue

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def provider_at(url: str, **options: Any) -> Provider:
    defaults: dict[str, Any] = {
        "state_change_url": f"{url}/_pact/provider-states",
        "custom_headers": AUTH,
    }
    return Provider(name=PROVIDER, base_url=url, **(defaults | options))


def data_of(app: Litestar) -> ProviderData:
    data: ProviderData = app.state.provider_data
    return data


async def test_a_provider_that_honours_the_pact_passes(
    provider_url: str, provider_app: Litestar, tmp_path: Path
) -> None:
    pact = write_pact(tmp_path, without_broken(user_pact()))
    result = await Verifier(provider_at(provider_url)).verify([PactFile(pact)])

    assert result.is_success
    (pact_result,) = result.pacts
    assert [item.status for item in pact_result.interactions] == ["passed"] * 3
    assert [item.findings for item in pact_result.interactions] == [(), (), ()]
    seen = data_of(provider_app).states_seen
    assert ("a user exists", "setup", {"id": 7, "name": "Ada"}) in seen
    assert ("a user does not exist", "setup", {"id": 5}) in seen


async def test_provider_state_values_reach_the_request_path(
    provider_url: str, provider_app: Litestar, tmp_path: Path
) -> None:
    """The pact says /users/1; the state made user 7 and returned it; /users/7 is sent."""
    pact = write_pact(tmp_path, without_broken(user_pact()))
    result = await Verifier(provider_at(provider_url)).verify([PactFile(pact)])
    first = result.pacts[0].interactions[0]
    assert first.curl is not None
    assert first.curl.endswith(f"{provider_url}/users/7")
    assert 7 in data_of(provider_app).users


async def test_a_broken_provider_fails_naming_the_interaction_path_and_difference(
    provider_url: str, tmp_path: Path
) -> None:
    pact = write_pact(tmp_path, user_pact())
    result = await Verifier(provider_at(provider_url)).verify([PactFile(pact)])

    assert not result.is_success
    broken = result.pacts[0].interactions[3]
    assert broken.status == "failed"
    (finding,) = broken.findings
    assert (finding.kind, finding.path, finding.actual) == ("body", "$.body.id", "seven")
    assert finding.description == '$.body.id: expected an integer but got "seven"'
    report = render_text(result)
    assert "a request for the broken resource ... FAILED" in report
    assert "1) UserWeb -> Users: a request for the broken resource" in report
    assert '$.body.id: expected an integer but got "seven"' in report
    assert report.endswith("4 interactions in 1 pacts: 3 passed, 1 failed; verification FAILED.")


async def test_without_the_token_every_request_is_refused_and_reported(
    provider_url: str, tmp_path: Path
) -> None:
    pact = write_pact(tmp_path, without_broken(user_pact()))
    provider = provider_at(provider_url, custom_headers={})
    result = await Verifier(provider).verify([PactFile(pact)])
    statuses = [item.findings[0] for item in result.pacts[0].interactions]
    assert {(item.kind, item.actual) for item in statuses} == {("status", 401)}


async def test_a_request_filter_can_inject_a_fresh_token(provider_url: str, tmp_path: Path) -> None:
    tokens_given: list[str] = []

    async def add_token(request: httpx.Request) -> None:
        tokens_given.append(TOKEN)
        request.headers["Authorization"] = f"Bearer {TOKEN}"

    pact = write_pact(tmp_path, without_broken(user_pact()))
    provider = provider_at(provider_url, custom_headers={}, request_filter=add_token)
    result = await Verifier(provider).verify([PactFile(pact)])
    assert result.is_success
    assert len(tokens_given) == 3


async def test_python_state_handlers_set_up_tear_down_and_return_values(
    provider_url: str, provider_app: Litestar, tmp_path: Path
) -> None:
    calls: list[tuple[str, StateAction]] = []
    users = data_of(provider_app).users

    def handler(state: ProviderState, action: StateAction) -> dict[str, Any] | None:
        calls.append((state.name, action))
        if state.name == "a user exists" and action == "setup":
            users[31] = {"id": 31, "name": "Ada", "email": "a@b.c"}
            return {"userId": 31}
        if action == "teardown":
            users.clear()
        return None

    pact = write_pact(tmp_path, without_broken(user_pact()))
    provider = provider_at(
        provider_url, state_change_url=None, state_handler=handler, state_change_teardown=True
    )
    result = await Verifier(provider, sequential=True).verify([PactFile(pact)])
    assert result.is_success, render_text(result)
    assert [call for call in calls if call[0]] == [
        ("a user exists", "setup"),
        ("a user exists", "teardown"),
        ("a user does not exist", "setup"),
        ("a user does not exist", "teardown"),
    ]
    # The interaction without states gets the empty state, as the Pact verifiers send it.
    assert [call for call in calls if not call[0]] == [("", "setup"), ("", "teardown")]
    assert result.pacts[0].interactions[0].curl.endswith("/users/31")  # type: ignore[union-attr]


async def test_a_failing_state_setup_is_an_error_of_that_interaction(
    provider_url: str, tmp_path: Path
) -> None:
    def handler(state: ProviderState, action: StateAction) -> None:
        if state.name == "a user does not exist":
            raise RuntimeError("database is down")

    pact = write_pact(tmp_path, without_broken(user_pact()))
    provider = provider_at(provider_url, state_change_url=None, state_handler=handler)
    result = await Verifier(provider).verify([PactFile(pact)])
    missing = result.pacts[0].interactions[1]
    assert missing.status == "error"
    assert missing.error == (
        "The setup of the provider state 'a user does not exist' raised RuntimeError: "
        "database is down"
    )
    assert not result.is_success


async def test_a_state_change_url_that_fails_is_reported(provider_url: str, tmp_path: Path) -> None:
    pact = write_pact(tmp_path, without_broken(user_pact()))
    provider = provider_at(provider_url, state_change_url=f"{provider_url}/no-such-endpoint")
    result = await Verifier(provider).verify([PactFile(pact)])
    first = result.pacts[0].interactions[0]
    assert first.status == "error"
    assert first.error == (
        "The setup of the provider state 'a user exists' failed: "
        f"{provider_url}/no-such-endpoint answered 404"
    )


async def test_an_unreachable_provider_is_an_error_not_a_crash(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    pact = write_pact(tmp_path, without_broken(user_pact()))
    result = await Verifier(provider_at(url, state_change_url=None)).verify([PactFile(pact)])
    assert {item.status for item in result.pacts[0].interactions} == {"error"}
    assert result.pacts[0].interactions[1].error == (
        f"The provider could not be reached at {url}/users/5: connection refused"
    )


async def test_a_slow_provider_times_out_per_request(tmp_path: Path) -> None:
    with running_provider(create_app(delay=0.5)) as url:
        pact = write_pact(tmp_path, without_broken(user_pact()))
        provider = provider_at(url, state_change_url=None, timeout=0.1)
        result = await Verifier(provider).verify([PactFile(pact)])
    errors = {item.error for item in result.pacts[0].interactions}
    assert errors == {
        f"The provider did not answer GET {url}/users/1 within 0.1 s",
        f"The provider did not answer GET {url}/users/5 within 0.1 s",
        f"The provider did not answer POST {url}/users within 0.1 s",
    }


async def test_interactions_with_different_states_run_side_by_side(tmp_path: Path) -> None:
    """The provider sees requests overlap, except in sequential mode."""
    pact = {
        "consumer": {"name": "Shop"},
        "provider": {"name": PROVIDER},
        "interactions": [
            {
                "description": f"item {n}",
                "providerStates": [{"name": "an item exists", "params": {"id": n}}],
                "request": {"method": "GET", "path": f"/items/{n}"},
                "response": {"status": 200, "body": {"id": n}},
            }
            for n in range(10)
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    path = write_pact(tmp_path, pact, "Shop-Users.json")
    parallel_app, sequential_app = create_app(delay=0.05), create_app(delay=0.05)
    with running_provider(parallel_app) as url:
        parallel = await Verifier(provider_at(url), concurrency=5).verify([PactFile(path)])
    with running_provider(sequential_app) as url:
        sequential = await Verifier(provider_at(url), sequential=True).verify([PactFile(path)])
    assert parallel.is_success
    assert sequential.is_success
    assert 1 < data_of(parallel_app).most_in_flight <= 5
    assert data_of(sequential_app).most_in_flight == 1


async def test_interactions_sharing_a_state_run_one_after_another(tmp_path: Path) -> None:
    """Interactions that need the same state share the provider's data: never overlapped."""
    shared = [{"name": "an item exists", "params": {"id": 1}}]
    pact = {
        "consumer": {"name": "Shop"},
        "provider": {"name": PROVIDER},
        "interactions": [
            {
                "description": f"item 1, look {n}",
                "providerStates": shared,
                "request": {"method": "GET", "path": "/items/1"},
                "response": {"status": 200, "body": {"id": 1}},
            }
            for n in range(6)
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    path = write_pact(tmp_path, pact, "Shop-Users.json")
    app = create_app(delay=0.02)
    with running_provider(app) as url:
        result = await Verifier(provider_at(url), concurrency=6).verify([PactFile(path)])
    assert result.is_success
    assert data_of(app).most_in_flight == 1


async def test_a_folder_gives_the_pacts_for_the_provider_only(
    provider_url: str, tmp_path: Path
) -> None:
    write_pact(tmp_path, without_broken(user_pact()))
    other = {**user_pact(), "provider": {"name": "Billing"}}
    write_pact(tmp_path, other, "UserWeb-Billing.json")
    result = await Verifier(provider_at(provider_url)).verify([PactFile(tmp_path)])
    assert [pact.provider for pact in result.pacts] == [PROVIDER]
    assert result.is_success


async def test_v4_pending_interactions_leave_the_verdict_alone_but_unverified_messages_fail_it(
    provider_url: str, tmp_path: Path
) -> None:
    pact = {
        "consumer": {"name": "UserWeb"},
        "provider": {"name": PROVIDER},
        "interactions": [
            {
                "type": "Synchronous/HTTP",
                "description": "a new expectation of the broken resource",
                "pending": True,
                "request": {"method": "GET", "path": "/broken"},
                "response": {
                    "status": 200,
                    "body": {
                        "content": {"id": 1},
                        "contentType": "application/json",
                        "encoded": False,
                    },
                    "matchingRules": {"body": {"$.id": {"matchers": [{"match": "integer"}]}}},
                },
            },
            {"type": "Asynchronous/Messages", "description": "a user created event"},
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    result = await Verifier(provider_at(provider_url)).verify(
        [PactFile(write_pact(tmp_path, pact))]
    )
    pending, message = result.pacts[0].interactions
    assert (pending.status, pending.is_pending) == ("failed", True)
    assert message.status == "skipped"
    assert not result.is_success  # the message was never verified: no producer
    text = render_text(result)
    assert "FAILED (pending: does not fail the run)" in text
    assert "a user created event ... NOT VERIFIED" in text


async def test_response_checks_add_their_own_findings(provider_url: str, tmp_path: Path) -> None:
    """A check beyond the pact (as an OpenAPI validation will be) fails what it finds."""

    def needs_a_cache_header(
        interaction: Interaction, request: dict[str, JSONValue], response: dict[str, JSONValue]
    ) -> list[Finding]:
        headers = response["headers"]
        assert isinstance(headers, dict)
        if any(name.lower() == "cache-control" for name in headers) or request["method"] != "GET":
            return []
        return [
            Finding(
                source="caching",
                kind="header",
                path="Cache-Control",
                expected="a Cache-Control header",
                actual=None,
                description=f"{interaction.description}: no Cache-Control header",
            )
        ]

    pact = write_pact(tmp_path, without_broken(user_pact()))
    verifier = Verifier(provider_at(provider_url), response_checks=[needs_a_cache_header])
    result = await verifier.verify([PactFile(pact)])
    assert [item.status for item in result.pacts[0].interactions] == ["failed", "failed", "passed"]
    assert "     caching: headers\n       a request for a user: no Cache-Control header" in (
        render_text(result)
    )


async def test_trust_01_a_required_provider_state_nothing_sets_up_is_not_verified(
    provider_url: str, provider_app: Litestar, tmp_path: Path
) -> None:
    """Without a state-change URL, interactions with states are not sent, and fail the run."""
    pact = write_pact(tmp_path, without_broken(user_pact()))
    provider = provider_at(provider_url, state_change_url=None)

    warned = await Verifier(provider).verify([PactFile(pact)])
    assert [item.status for item in warned.pacts[0].interactions][:2] == ["failed", "passed"]
    assert "No provider state callback is configured" in warned.pacts[0].interactions[0].notes[0]

    result = await Verifier(provider, require_provider_states=True).verify([PactFile(pact)])
    user, missing, created = result.pacts[0].interactions
    assert (user.status, missing.status, created.status) == ("skipped", "skipped", "passed")
    assert user.error == (
        "Nothing sets up the provider state 'a user exists' (no state-change URL or handler), "
        "and provider states are required."
    )
    assert user.curl is None  # never sent
    assert not result.is_success
    assert "a request for a user given a user exists ... NOT VERIFIED" in render_text(result)


async def test_non_ascii_header_values_are_sent_and_a_non_ascii_name_fails_its_interaction(
    provider_url: str, tmp_path: Path
) -> None:
    """A header value like `café` crashed the whole run (httpx encodes header text as ASCII)."""
    pact = without_broken(user_pact())
    pact["interactions"][0]["request"]["headers"] = {"X-Name": "café"}
    pact["interactions"][1]["request"]["headers"] = {"Nämé": "x"}
    result = await Verifier(provider_at(provider_url)).verify(
        [PactFile(write_pact(tmp_path, pact))]
    )
    statuses = [item.status for item in result.pacts[0].interactions]
    assert statuses == ["passed", "error", "passed"]
    assert result.pacts[0].interactions[1].error == (
        "The request header name 'Nämé' is not ASCII, so HTTP cannot carry it; nothing was sent"
    )
