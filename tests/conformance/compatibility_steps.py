"""The compatibility suite's matching and generator steps (see `compatibility.py`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from tests.conformance.compatibility import (
    Unsupported,
    World,
    normalised_path,
    read_rules,
    step,
)
from tests.conformance.gherkin import Step
from verifier._generators.requests import apply
from verifier.matching import match_request

# Interactions and pure matching ------------------------------------------------------------


@step(r"the following HTTP interactions have been defined:")
def define_interactions(world: World, given: Step, _: re.Match[str]) -> None:
    for row in given.rows():
        world.interactions[int(row["No"])] = row


@step(r"an expected request configured with the following:")
def expected_request(world: World, given: Step, _: re.Match[str]) -> None:
    (row,) = given.rows()
    world.expected = world.request_from(row)


@step(r"a request is received with the following:")
def received_request(world: World, given: Step, _: re.Match[str]) -> None:
    (row,) = given.rows()
    world.actuals = [world.request_from(row)]


@step(r"the following requests are received:")
def received_requests(world: World, given: Step, _: re.Match[str]) -> None:
    world.actuals = [world.request_from(row) for row in given.rows()]


@step(r'an expected request with an? "([^"]+)" header of "([^"]*)"')
def expected_header(world: World, _: Step, found: re.Match[str]) -> None:
    world.expected = {"method": "GET", "path": "/", "headers": {found[1]: found[2]}}


@step(r'a request is received with an? "([^"]+)" header of "([^"]*)"')
def received_header(world: World, _: Step, found: re.Match[str]) -> None:
    world.actuals = [{"method": "GET", "path": "/", "headers": {found[1]: found[2]}}]


@step(r"the requests? (?:is|are) compared to the expected one")
def compare(world: World, _: Step, __: re.Match[str]) -> None:
    spec = world.match_spec()
    world.mismatches = [
        match_request(world.expected, actual, spec=spec) for actual in world.actuals
    ]


@step(r"the comparison should be OK")
def comparison_ok(world: World, _: Step, __: re.Match[str]) -> None:
    assert world.mismatches, "nothing was compared"
    assert all(not found for found in world.mismatches), world.mismatches


@step(r"the comparison should NOT be OK")
def comparison_not_ok(world: World, _: Step, __: re.Match[str]) -> None:
    assert world.mismatches, "nothing was compared"
    assert all(found for found in world.mismatches), world.mismatches


@step(r'the mismatches will contain a mismatch with error "([^"]+)" -> "(.*)"')
def mismatch_at(world: World, _: Step, found: re.Match[str]) -> None:
    # The message is the Rust implementation's wording: the path and the verdict are what count.
    paths = {normalised_path(m) for mismatches in world.mismatches for m in mismatches}
    assert found[1].lower() in paths, f"no mismatch at {found[1]}: {world.mismatches}"


# Generators ------------------------------------------------------------------------------------


@step(r"a request configured with the following generators:")
def request_with_generators(world: World, given: Step, _: re.Match[str]) -> None:
    (row,) = given.rows()
    world.request = world.request_from({"body": row.get("body", "")})
    world.request["generators"] = read_rules(row["generators"], world.fixtures)


@step(r"a response configured with the following generators:")
def response_with_generators(world: World, _: Step, __: re.Match[str]) -> None:
    raise Unsupported(
        "response generators serve a consumer's mock server; the verifier judges responses by "
        "matching rules and applies none"
    )


@step(r'the generator test mode is set as "(Consumer|Provider)"')
def generator_mode(world: World, _: Step, __: re.Match[str]) -> None:
    """The verifier is the provider side: it always generates as a provider does."""


@step(r'the request is prepared for use(?: with a "(providerState|mockServer)" context:)?')
def request_prepared(world: World, given: Step, found: re.Match[str]) -> None:
    if found[1] == "providerState":
        world.context.provider_state = json.loads(given.table[0][0])
    elif found[1] == "mockServer":
        world.context.mock_server_url = json.loads(given.table[0][0]).get("mockServerURL")
    world.generated = apply(world.request, world.context)


def _text(pattern: str) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, str) and re.fullmatch(pattern, value) is not None


def _number(value: Any, kind: type) -> bool:
    return isinstance(value, kind) and not isinstance(value, bool)


UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
KINDS: dict[str, Callable[[Any], bool]] = {
    "integer": lambda value: _number(value, int),
    "decimal number": lambda value: _number(value, float) or _text(r"-?\d+\.\d+")(value),
    "hexadecimal number": _text(r"[0-9a-fA-F]+"),
    "random string": lambda value: isinstance(value, str) and value != "a",
    "string from the regex": _text(r"\d{1,8}"),
    "date": _text(r"\d{4}-\d\d-\d\d"),
    "time": _text(r"\d\d:\d\d(:\d\d)?"),
    "date-time": _text(r"\d{4}-\d\d-\d\dT\d\d:\d\d.*"),
    "UUID": _text(UUID),
    "boolean": lambda value: isinstance(value, bool),
}


@step(r'the body value for "\$\.(\w+)" will have been replaced with an? "([^"]+)"')
def body_value_replaced(world: World, _: Step, found: re.Match[str]) -> None:
    value = world.generated["body"][found[1]]
    assert KINDS[found[2]](value), f"{value!r} is not a(n) {found[2]}"


def _request_part(world: World, part: str) -> str:
    if part == "path":
        return str(world.generated["path"])
    named = re.fullmatch(r"(header|queryParameter)\[(.+)\]", part)
    assert named, part
    values = world.generated["headers" if named[1] == "header" else "query"][named[2]]
    return str(values[0] if isinstance(values, list) else values)


@step(r'the request "([^"]+)" will be set as "([^"]*)"')
def request_part_set(world: World, _: Step, found: re.Match[str]) -> None:
    assert _request_part(world, found[1]) == found[2]


@step(r'the request "([^"]+)" will match "([^"]*)"')
def request_part_matches(world: World, _: Step, found: re.Match[str]) -> None:
    assert re.fullmatch(found[2], _request_part(world, found[1])), _request_part(world, found[1])
