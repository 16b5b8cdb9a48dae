"""The compatibility suite's provider steps: a real provider, `Verifier`, Accord's broker.

The provider is an ASGI app on 127.0.0.1 answering with the chosen interactions' responses;
pacts "from a Pact broker" are published to Accord's own broker, served in a thread, in place
of the mock broker the suite's other runners stand up from `pact-broker_c*.json`.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from clients.sdk import BrokerClient
from tests.conformance.compatibility import (
    ERROR_KINDS,
    World,
    read_body,
    read_headers,
    read_rules,
    step,
)
from tests.conformance.gherkin import Step
from tests.integration.verifier.test_openapi_checks import broker_on_free_port
from verifier import (
    BrokerSource,
    MessageProducers,
    PactFile,
    Provider,
    ProviderState,
    Publication,
    Source,
    StateAction,
    Verifier,
)

# Provider verification ----------------------------------------------------------------------


def _provider_started(world: World, given: Step, numbers: list[int], changes: bool) -> None:
    (row,) = given.rows() if changes else [{}]
    world.provider_url = world.start_provider(numbers, row)


@step(r"a provider is started that returns the response from interaction (\d+)")
def provider_started(world: World, given: Step, found: re.Match[str]) -> None:
    _provider_started(world, given, [int(found[1])], changes=False)


@step(r'a provider is started that returns the responses from interactions "([\d, ]+)"')
def provider_started_many(world: World, given: Step, found: re.Match[str]) -> None:
    _provider_started(world, given, [int(n) for n in found[1].split(",")], changes=False)


@step(
    r"a provider is started that returns the response from interaction (\d+), "
    r"with the following changes:"
)
def provider_started_changed(world: World, given: Step, found: re.Match[str]) -> None:
    _provider_started(world, given, [int(found[1])], changes=True)


def _write_pact(world: World, number: int, states: list[dict[str, Any]]) -> None:
    row = world.interactions[number]
    request = world.request_from(
        {key: row.get(key, "") for key in ("method", "path", "query", "headers", "body")}
    )
    status, headers, data = world.response_of(row)
    response: dict[str, Any] = {"status": status}
    if headers:
        response["headers"] = dict(headers)
    body = read_body(row.get("response body", ""), world.fixtures)
    if body is not None:
        response["body"] = body.for_pact()
    if row.get("response matching rules"):
        response["matchingRules"] = read_rules(row["response matching rules"], world.fixtures)
    binary = body is not None and body.is_binary
    interaction: dict[str, Any] = {
        "description": f"interaction {number}",
        "request": request,
        "response": response,
    }
    if states:
        interaction["providerStates"] = states
    version = (
        "4.0" if binary else {"1": "1.0.0", "1.1": "1.1.0", "2": "2.0.0"}.get(world.spec, "3.0.0")
    )
    pact = {
        "consumer": {"name": f"c{number}"},
        "provider": {"name": "p"},
        "interactions": [interaction],
        "metadata": {"pactSpecification": {"version": version}},
    }
    path = world.workdir / f"pact-{len(world.pacts)}.json"
    path.write_text(json.dumps(pact))
    world.pacts.append(path)
    del data


@step(r"a Pact file for interaction (\d+) is to be verified")
def pact_to_verify(world: World, _: Step, found: re.Match[str]) -> None:
    _write_pact(world, int(found[1]), [])


@step(
    r'a Pact file for interaction (\d+) is to be verified with a provider state "([^"]*)" defined'
)
def pact_with_state(world: World, _: Step, found: re.Match[str]) -> None:
    _write_pact(world, int(found[1]), [{"name": found[2]}])


@step(
    r"a Pact file for interaction (\d+) is to be verified "
    r"with the following provider states defined:"
)
def pact_with_states(world: World, given: Step, found: re.Match[str]) -> None:
    states = [
        {"name": row["State Name"], "params": json.loads(row.get("Parameters") or "{}")}
        for row in given.rows()
    ]
    _write_pact(world, int(found[1]), states)


@step(r"a Pact file for interaction (\d+) is to be verified from a Pact broker")
def pact_from_broker(world: World, _: Step, found: re.Match[str]) -> None:
    """Published to Accord's own broker (the suite's mock broker plays the Pact Broker)."""
    if not world.broker_url:
        world.broker_url = world.exits.enter_context(broker_on_free_port(world.workdir))
    _write_pact(world, int(found[1]), [])
    path = world.pacts.pop()
    consumer = f"c{found[1]}"
    with BrokerClient(world.broker_url) as broker:
        broker.publish_contracts(consumer, "1", [(consumer, "p", path.read_bytes())], branch="main")
    world.broker_consumers.append(consumer)


@step(r"a provider state callback is configured(, but will return a failure)?")
def state_callback(world: World, _: Step, found: re.Match[str]) -> None:
    fails = bool(found[1])

    def callback(state: ProviderState, action: StateAction) -> None:
        world.state_calls.append((action, state.name, dict(state.params)))
        if fails:
            raise RuntimeError("the provider state callback failed on purpose")

    world.state_callback = callback


@step(r"a request filter is configured to make the following changes:")
def request_filter(world: World, given: Step, _: re.Match[str]) -> None:
    (row,) = given.rows()
    world.filter_headers = read_headers(row["headers"])


@step(r"the verification is run")
def verification_run(world: World, _: Step, __: re.Match[str]) -> None:
    def add_headers(request: httpx.Request) -> None:
        for name, value in world.filter_headers:
            request.headers[name] = value

    provider = Provider(
        name="p",
        base_url=world.provider_url or world.message_proxy_url,
        state_handler=world.state_callback,
        state_change_teardown=True,
        request_filter=add_headers if world.filter_headers else None,
    )
    sources: list[Source] = [PactFile(path) for path in world.pacts]
    if world.broker_url:
        sources.append(BrokerSource(url=world.broker_url))
    producers = MessageProducers(url=world.message_proxy_url) if world.message_proxy_url else None
    verifier = Verifier(provider, message_producers=producers)
    world.result = verifier.verify_sync(sources, publication=world.publication)


@step(r"the verification will be successful")
def verification_passes(world: World, _: Step, __: re.Match[str]) -> None:
    assert world.result is not None and world.result.is_success, list(world.iter_findings())


@step(r"the verification will NOT be successful")
def verification_fails(world: World, _: Step, __: re.Match[str]) -> None:
    assert world.result is not None and not world.result.is_success


@step(r'the verification results will contain a "([^"]+)" error')
def verification_error(world: World, _: Step, found: re.Match[str]) -> None:
    findings = list(world.iter_findings())
    if found[1] == "State change request failed":
        assert any(kind == "error" and "provider state" in text for kind, text in findings)
        return
    assert any(kind in ERROR_KINDS[found[1]] for kind, _ in findings), findings


@step(r"the provider state callback will be called (before|after) the verification is run")
def callback_called(world: World, _: Step, found: re.Match[str]) -> None:
    action = "setup" if found[1] == "before" else "teardown"
    assert any(call[0] == action for call in world.state_calls), world.state_calls


@step(
    r"the provider state callback will receive a (setup|teardown) call "
    r'(?:with )?"([^"]*)" as the provider state parameter'
)
def callback_received(world: World, _: Step, found: re.Match[str]) -> None:
    assert any(call[:2] == (found[1], found[2]) for call in world.state_calls), world.state_calls


@step(
    r"the provider state callback will receive a (setup|teardown) call "
    r'(?:with )?"([^"]*)" and the following parameters:'
)
def callback_received_params(world: World, given: Step, found: re.Match[str]) -> None:
    (row,) = given.rows()
    params = {name: json.loads(value) for name, value in row.items()}
    assert (found[1], found[2], params) in world.state_calls, world.state_calls


@step(r"the provider state callback will NOT receive a teardown call")
def callback_no_teardown(world: World, _: Step, __: re.Match[str]) -> None:
    assert all(call[0] != "teardown" for call in world.state_calls), world.state_calls


@step(
    r"a warning will be displayed that there was no provider state callback configured "
    r'for provider state "([^"]*)"'
)
def warning_no_callback(world: World, _: Step, found: re.Match[str]) -> None:
    assert world.result is not None
    notes = [note for pact in world.result.pacts for i in pact.interactions for note in i.notes]
    assert any(found[1] in note for note in notes), notes


@step(r'the request to the provider will contain the header "([^"]+)"')
def provider_got_header(world: World, _: Step, found: re.Match[str]) -> None:
    name, _separator, value = found[1].partition(":")
    assert any(headers.get(name.strip()) == value.strip() for headers in world.received)


@step(r"publishing of verification results is enabled")
def publishing_enabled(world: World, _: Step, __: re.Match[str]) -> None:
    world.publication = Publication(provider_version="1")


def _published(world: World, consumer: str) -> dict[str, Any] | None:
    answer = httpx.get(
        f"{world.broker_url}/matrix",
        params={"q[][pacticipant]": consumer, "q[][version]": "1"},
    )
    rows = answer.json()["matrix"]
    found: dict[str, Any] | None = rows[0].get("verificationResult") if rows else None
    return found


@step(r"a verification result will NOT be published back")
def nothing_published(world: World, _: Step, __: re.Match[str]) -> None:
    assert world.broker_consumers
    assert all(_published(world, consumer) is None for consumer in world.broker_consumers)


@step(
    r"a (successful|failed) verification result will be published back "
    r"for (?:the )?interaction \{(\d+)\}"
)
def result_published(world: World, _: Step, found: re.Match[str]) -> None:
    published = _published(world, f"c{found[2]}")
    assert published is not None, "no verification result was published"
    assert published["success"] is (found[1] == "successful")
