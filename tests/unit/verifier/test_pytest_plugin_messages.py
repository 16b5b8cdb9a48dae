"""The pytest plugin's message producers, and interactions it could not verify (issue 12, item 1).

Run by pytester in a child process, as `test_pytest_plugin.py` runs it; the plugin's own
docstring example is extracted and run as written.
"""

from __future__ import annotations

import json
import shlex
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import verifier.pytest_plugin
from tests.integration.verifier.test_messages import messages_pact, proxy_app
from tests.support.provider_app import running_provider
from tests.unit.verifier.test_pytest_plugin import QUIET, child_pythonpath, run_pytest

pytest_plugins = ["pytester"]
__all__ = ["child_pythonpath"]  # an autouse fixture, used by being here

ORDERS_PACT: dict[str, Any] = {
    "consumer": {"name": "Web"},
    "provider": {"name": "Orders"},
    "interactions": [
        {
            "type": "Synchronous/HTTP",
            "description": "a request for an order",
            "providerStates": [{"name": "an order exists", "params": {"id": 42}}],
            "request": {"method": "GET", "path": "/orders/42"},
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": {
                    "content": {"id": 42, "status": "paid"},
                    "contentType": "application/json",
                },
            },
        },
        {
            "type": "Asynchronous/Messages",
            "description": "an order paid event",
            "providerStates": [{"name": "an order exists", "params": {"id": 42}}],
            "contents": {"content": {"orderId": 42}, "contentType": "application/json"},
            "metadata": {"topic": "orders"},
        },
    ],
    "metadata": {"pactSpecification": {"version": "4.0"}},
}


def message_pact(*descriptions: str, state: str | None = None) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    for description in descriptions:
        message: dict[str, Any] = {
            "description": description,
            "contents": {"id": 7},
            "metadata": {"contentType": "application/json"},
        }
        if state:
            message["providerStates"] = [{"name": state}]
        messages.append(message)
    return {
        "consumer": {"name": "Web"},
        "provider": {"name": "Users"},
        "messages": messages,
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def write(folder: Path, pact: dict[str, Any], name: str = "pact.json") -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(pact))
    return str(path)


def docstring_example() -> tuple[str, list[str]]:
    """The plugin docstring's conftest.py and its `Run it with:` command line."""
    text = verifier.pytest_plugin.__doc__
    assert text is not None
    head, marker, rest = text.partition("in its root conftest.py:\n\n")
    assert marker, "the docstring lost its conftest.py example"
    code, marker, after = rest.partition("Run it with:\n\n")
    assert marker, "the docstring lost its command line"
    command = after.strip().splitlines()[0]
    del head
    return textwrap.dedent(code), shlex.split(command)


def test_trust_01_the_plugin_docstring_example_runs_as_written(pytester: pytest.Pytester) -> None:
    """Its conftest verifies an HTTP interaction and a message, both given a provider state."""
    conftest, command = docstring_example()
    assert command == ["pytest", "--accord-pact", "pacts/"]
    pytester.makeconftest(conftest)
    write(pytester.path / "pacts", ORDERS_PACT, "Web-Orders.json")

    result = run_pytest(pytester, *command[1:], *QUIET, "-v")

    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        ["*a request for an order PASSED*", "*an order paid event PASSED*"], consecutive=False
    )


def test_trust_01_a_message_without_a_producer_fails_its_item_with_the_reason(
    pytester: pytest.Pytester,
) -> None:
    pact = write(pytester.path, message_pact("a user created event"))

    result = run_pytest(pytester, "--accord-pact", pact, *QUIET)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "Web -> Users: a user created event: NOT VERIFIED",
            "  No message producer makes 'a user created event': register one for its "
            "description, or give a message producer URL.",
        ]
    )


PRODUCERS_CONFTEST = """
import pytest

from verifier import Message
from verifier.pytest_plugin import message_producer


@pytest.fixture
def user_id():
    return 7


@message_producer("a user created event")
def user_created(call, user_id):
    return Message(contents={"id": user_id})


@message_producer("a user deleted event", state="a deleted user")
async def user_deleted(call):
    return Message(contents={"id": 7, "given": call.provider_states[0].name})


@message_producer("a user deleted event")
def any_user_deleted(call):
    return Message(contents={"id": "not for this state"})
"""


def test_message_producers_are_fixtures_by_description_and_state(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(PRODUCERS_CONFTEST)
    created = write(pytester.path, message_pact("a user created event"), "created.json")
    deleted = message_pact("a user deleted event", state="a deleted user")
    path = write(pytester.path, deleted, "deleted.json")

    result = run_pytest(pytester, "--accord-pact", created, "--accord-pact", path, *QUIET)

    result.assert_outcomes(passed=2)


@pytest.fixture
def proxy_url() -> Iterator[str]:
    with running_provider(proxy_app([])) as url:
        yield f"{url}/messages"


def test_messages_without_a_producer_function_go_to_the_producer_url(
    pytester: pytest.Pytester, proxy_url: str
) -> None:
    """The proxy makes each message of the pact: an event, an image and a synchronous reply."""
    pact = write(pytester.path, messages_pact())
    result = run_pytest(
        pytester, "--accord-pact", pact, "--accord-message-producer-url", proxy_url, *QUIET, "-v"
    )
    result.assert_outcomes(passed=3)


def test_trust_01_a_required_state_nothing_sets_up_fails_without_verifying(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(PRODUCERS_CONFTEST)
    pact = write(pytester.path, message_pact("a user created event", state="a user exists"))

    warned = run_pytest(pytester, "--accord-pact", pact, *QUIET)
    warned.assert_outcomes(passed=1)

    result = run_pytest(pytester, "--accord-pact", pact, "--accord-require-provider-states", *QUIET)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "Web -> Users: a user created event (given a user exists): NOT VERIFIED",
            "  Nothing sets up the provider state 'a user exists' (no state-change URL or "
            "handler), and provider states are required.",
        ]
    )
