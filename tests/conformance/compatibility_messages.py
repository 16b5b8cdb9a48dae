"""The compatibility suite's message provider steps (V3 `message_provider.feature`).

The provider is a message proxy on 127.0.0.1, as the Pact message verifiers call one: it gets
`POST {description, providerStates}` and answers the message named by the description, its
contents as the body, `Content-Type` its media type and the metadata as base64 JSON in
`Pact-Message-Metadata`. The pacts are V3 message pacts written as pact_ffi writes them (JSON
contents as JSON, binary contents as base64 with the media type in the metadata's
`contentType`), and `verification_run` (`compatibility_provider.py`) hands the proxy's URL to
the verifier as its message producer.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any

from tests.conformance.compatibility import Body, World, read_body, read_rules, step
from tests.conformance.gherkin import Step
from tests.support.provider_app import running_provider

# A quoted step argument; the suite escapes quotes inside it as \".
QUOTED = r'"((?:[^"\\]|\\.)*)"'


def _unquoted(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _metadata_value(cell: str) -> Any:
    """A metadata cell: `JSON: ...` is a JSON value, anything else a string."""
    if cell.startswith("JSON:"):
        return json.loads(cell.removeprefix("JSON:"))
    return cell


def _table_metadata(given: Step) -> dict[str, Any]:
    return {row["key"]: _metadata_value(row["value"]) for row in given.rows()}


def _message_body(world: World, cell: str) -> Body:
    body = read_body(_unquoted(cell), world.fixtures)
    assert body is not None, f"no message body in {cell!r}"
    return body


def message_proxy(world: World) -> Callable[..., Any]:
    """An ASGI message proxy answering each description with the message `world` holds for it."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        received = b""
        while True:
            event = await receive()
            received += event.get("body", b"")
            if not event.get("more_body"):
                break
        asked = json.loads(received or b"{}")
        world.proxy_calls.append(asked)
        found = world.messages.get(asked.get("description", ""))
        status, headers, data = 404, [], b""
        if found is not None:
            body, metadata = found
            status, data = 200, body.data
            if body.content_type:
                headers.append((b"content-type", body.content_type.encode()))
            if metadata:
                encoded = base64.b64encode(json.dumps(metadata).encode())
                headers.append((b"pact-message-metadata", encoded))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": data})

    return app


def _provider_can_generate(world: World, name: str, cell: str, metadata: dict[str, Any]) -> None:
    body = _message_body(world, cell)
    world.messages[_unquoted(name)] = (body, metadata)
    if not world.message_proxy_url:
        app = message_proxy(world)
        world.message_proxy_url = world.exits.enter_context(running_provider(app))  # type: ignore[arg-type]  # any ASGI app serves


@step(rf"a provider is started that can generate the {QUOTED} message with {QUOTED}")
def provider_generates(world: World, _: Step, found: re.Match[str]) -> None:
    _provider_can_generate(world, found[1], found[2], {})


@step(
    rf"a provider is started that can generate the {QUOTED} message with {QUOTED} "
    r"and the following metadata:"
)
def provider_generates_with_metadata(world: World, given: Step, found: re.Match[str]) -> None:
    _provider_can_generate(world, found[1], found[2], _table_metadata(given))


def _contents(body: Body) -> Any:
    """The contents as a V3 message pact holds them (pact_ffi base64-encodes binary ones)."""
    if body.is_json:
        return json.loads(body.data)
    if body.is_binary:
        return base64.b64encode(body.data).decode("ascii")
    return body.data.decode("utf-8")


def _write_message_pact(
    world: World,
    name: str,
    body: Body | None,
    *,
    metadata: dict[str, Any] | None = None,
    states: tuple[str, ...] = (),
    rules: Any = None,
) -> None:
    message: dict[str, Any] = {"description": _unquoted(name)}
    merged: dict[str, Any] = {}
    if body is not None:
        message["contents"] = _contents(body)
        if body.content_type:
            merged["contentType"] = body.content_type
    merged.update(metadata or {})
    if merged:
        message["metadata"] = merged
    if states:
        message["providerStates"] = [{"name": state} for state in states]
    if rules is not None:
        message["matchingRules"] = rules
    pact = {
        "consumer": {"name": "c"},
        "provider": {"name": "p"},
        "messages": [message],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    path = world.workdir / f"pact-{len(world.pacts)}.json"
    path.write_text(json.dumps(pact))
    world.pacts.append(path)


@step(rf"a Pact file for {QUOTED}:{QUOTED} is to be verified")
def message_pact(world: World, _: Step, found: re.Match[str]) -> None:
    _write_message_pact(world, found[1], _message_body(world, found[2]))


@step(rf"a Pact file for {QUOTED}:{QUOTED} is to be verified with provider state {QUOTED}")
def message_pact_with_state(world: World, _: Step, found: re.Match[str]) -> None:
    body = _message_body(world, found[2])
    _write_message_pact(world, found[1], body, states=(_unquoted(found[3]),))


@step(rf"a Pact file for {QUOTED}:{QUOTED} is to be verified with the following metadata:")
def message_pact_with_metadata(world: World, given: Step, found: re.Match[str]) -> None:
    body = _message_body(world, found[2])
    _write_message_pact(world, found[1], body, metadata=_table_metadata(given))


@step(rf"a Pact file for {QUOTED} is to be verified with the following:")
def message_pact_with(world: World, given: Step, found: re.Match[str]) -> None:
    # A two-column table without a header: each row names a part and its value.
    parts = {row[0]: row[1] for row in given.table}
    body = _message_body(world, parts["body"]) if parts.get("body") else None
    metadata: dict[str, Any] = {}
    for entry in filter(None, (item.strip() for item in parts.get("metadata", "").split(";"))):
        key, _, value = entry.partition("=")
        metadata[key.strip()] = _metadata_value(value.strip())
    rules = None
    if parts.get("matching rules"):
        rules = read_rules(parts["matching rules"], world.fixtures)
    _write_message_pact(world, found[1], body, metadata=metadata, rules=rules)
