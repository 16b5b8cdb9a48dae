"""The pact version hash: the same for every spelling of one content, different otherwise."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest

from broker.domain.pacts import canonical_sha, parse_pact

SHARED = Path(
    os.environ.get("ACCORD_SHARED_DIR") or Path(__file__).resolve().parents[3].parent / "shared"
)
CLIENT_PACTS = sorted((SHARED / "clients" / "fixtures" / "pacts").glob("*.json"))

# Loosely typed: the tests below reach into it as pact writers do.
BASE: Any = {
    "consumer": {"name": "Web"},
    "provider": {"name": "Users"},
    "interactions": [
        {
            "description": "a request for user 1",
            "providerStates": [{"name": "user 1 exists", "params": {"id": 1}}],
            "request": {
                "method": "GET",
                "path": "/users/1",
                "headers": {"Accept": "application/json"},
            },
            "response": {
                "status": 200,
                "body": {"items": [{"id": 1, "name": "Adà"}]},
                "matchingRules": {"body": {"$.items[0].id": {"matchers": [{"match": "integer"}]}}},
            },
        },
        {
            "description": "a request to delete user 1",
            "request": {"method": "DELETE", "path": "/users/1"},
            "response": {"status": 204},
        },
    ],
    "metadata": {"pactSpecification": {"version": "3.0.0"}, "pactRust": {"mockserver": "1.2.3"}},
}


def sha(document: object) -> str:
    return canonical_sha(document)


Edit = Callable[[Any], object]


def changed(edit: Edit) -> Any:
    """A deep copy of BASE after `edit(copy)`."""
    document = copy.deepcopy(BASE)
    edit(document)
    return document


def first(document: Any) -> Any:
    return document["interactions"][0]


def test_the_sha_is_64_hex_digits() -> None:
    assert len(sha(BASE)) == 64
    int(sha(BASE), 16)


def test_key_order_does_not_change_the_sha() -> None:
    reordered = json.loads(json.dumps(BASE, sort_keys=True))
    reversed_keys = {k: BASE[k] for k in reversed(list(BASE))}
    assert sha(reordered) == sha(reversed_keys) == sha(BASE)


def test_whitespace_and_escapes_do_not_change_the_sha() -> None:
    pretty = json.dumps(BASE, indent=4, ensure_ascii=True).encode()
    compact = msgspec.json.encode(BASE)
    assert sha(parse_pact(pretty).document) == sha(parse_pact(compact).document) == sha(BASE)


def test_interaction_order_does_not_change_the_sha() -> None:
    swapped = changed(lambda d: d["interactions"].reverse())
    assert sha(swapped) == sha(BASE)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(
            lambda d: d["metadata"].update(pactRust={"mockserver": "9.9.9"}), id="pactRust"
        ),
        pytest.param(
            lambda d: d["metadata"].update({"pact-jvm": {"version": "4.6.1"}}), id="pact-jvm"
        ),
        pytest.param(lambda d: d["metadata"].update(pactJs={"version": "12.0.0"}), id="pactJs"),
        pytest.param(lambda d: d.update(_links={"self": {"href": "http://b/p"}}), id="_links"),
        pytest.param(lambda d: d.update(createdAt="2026-01-01T00:00:00+00:00"), id="createdAt"),
        pytest.param(lambda d: [i.update(_id="0a1b") for i in d["interactions"]], id="_id"),
        pytest.param(lambda d: d["interactions"][1].update(key="tool-hash"), id="v4-key"),
        pytest.param(
            lambda d: d["metadata"].update(pactSpecification={"version": "3.0"}),
            id="spelling-of-the-same-major",
        ),
    ],
)
def test_tool_and_broker_decorations_do_not_change_the_sha(edit: Edit) -> None:
    assert sha(changed(edit)) == sha(BASE)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda d: first(d)["response"].update(status=201), id="status"),
        pytest.param(
            lambda d: first(d)["response"]["body"]["items"][0].update(name="Grace"), id="body"
        ),
        pytest.param(
            lambda d: first(d)["response"]["body"]["items"].append({"id": 2}), id="body-array"
        ),
        pytest.param(
            lambda d: first(d)["response"]["matchingRules"]["body"]["$.items[0].id"]["matchers"][
                0
            ].update(match="type"),
            id="matching-rule",
        ),
        pytest.param(
            lambda d: first(d)["providerStates"][0]["params"].update(id=2), id="state-params"
        ),
        pytest.param(lambda d: first(d)["providerStates"][0].update(name="x"), id="state-name"),
        pytest.param(
            lambda d: first(d)["request"]["headers"].update(Accept="text/plain"), id="header"
        ),
        pytest.param(lambda d: first(d).update(description="another"), id="description"),
        pytest.param(lambda d: d["interactions"].pop(), id="interaction-removed"),
        pytest.param(lambda d: d["consumer"].update(name="Mobile"), id="consumer"),
        pytest.param(lambda d: d["provider"].update(name="Accounts"), id="provider"),
        pytest.param(
            lambda d: d["metadata"].update(pactSpecification={"version": "2.0.0"}),
            id="specification-major",
        ),
        pytest.param(lambda d: first(d)["response"].update(status=200.0), id="int-to-float"),
    ],
)
def test_a_change_that_a_provider_would_verify_changes_the_sha(edit: Edit) -> None:
    assert sha(changed(edit)) != sha(BASE)


def test_messages_count_as_content() -> None:
    with_message = changed(lambda d: d.update(messages=[{"description": "e", "contents": {}}]))
    other_message = changed(lambda d: d.update(messages=[{"description": "e", "contents": 1}]))
    assert len({sha(BASE), sha(with_message), sha(other_message)}) == 3


def test_the_client_fixture_pacts_exist() -> None:
    assert len(CLIENT_PACTS) == 3, f"no client fixture pacts under {SHARED}"


@pytest.mark.parametrize("path", CLIENT_PACTS, ids=lambda p: p.name)
def test_a_client_fixture_re_serialised_compactly_keeps_its_sha(path: Path) -> None:
    """The Rust CLI publishes compact JSON (serde_json, sorted keys); the file is pretty."""
    raw = path.read_bytes()
    on_disk = sha(parse_pact(raw).document)
    decoded = json.loads(raw)
    sorted_compact = json.dumps(decoded, separators=(",", ":"), sort_keys=True).encode()
    in_order_compact = json.dumps(decoded, separators=(",", ":"), ensure_ascii=False).encode()
    assert sha(parse_pact(sorted_compact).document) == on_disk
    assert sha(parse_pact(in_order_compact).document) == on_disk
