"""Verify one message interaction: states, producer, and `match_message` on what it made.

V3 messages (`messages` in the pact, `metaData` or `metadata`) and V4 `Asynchronous/Messages`
expect exactly one message; V4 `Synchronous/Messages` send the pact's request message to the
producer (its generators applied, ProviderState values from the state setup) and expect the
pact's response messages, in order. Generators of the expected messages are not applied: they
serve the consumer's tests, and the matching rules judge what the producer made. A message that
is missing or one too many is a finding of kind `message`.
"""

from __future__ import annotations

import base64
import random
import time

import msgspec

from verifier import _message_proxy
from verifier._errors import GeneratorError, ProducerError, StateChangeError
from verifier._generators import requests as generated
from verifier._generators.values import Context, generate
from verifier._matching import bodies
from verifier._matching.contenttypes import is_binary
from verifier._matching.contenttypes import parse as parse_media_type
from verifier._matching.interactions import message as match_message
from verifier._matching.parts import content_type_in_metadata
from verifier._matching.values import JSONObject, JSONValue
from verifier._messages import Message, MessageCall, MessageProducers, call_producer
from verifier._pact import Interaction
from verifier._replay import Connection
from verifier._results import Finding, InteractionResult
from verifier._states import StateChanger

_PARTS = ("contents", "metadata", "matchingRules")


def expected_part(raw: JSONObject) -> JSONObject:
    """A message as `match_message` reads it (V3's `metaData` spelled `metadata`)."""
    part = {key: raw[key] for key in _PARTS if key in raw}
    if "metadata" not in part and isinstance(raw.get("metaData"), dict):
        part["metadata"] = raw["metaData"]
    return part


def expected_responses(interaction: Interaction) -> list[JSONObject]:
    """The messages the pact expects from the producer, in order."""
    if interaction.kind != "synchronous-message":
        return [expected_part(interaction.message)]
    responses = interaction.message.get("response")
    listed = responses if isinstance(responses, list) else [responses]
    return [expected_part(item) for item in listed if isinstance(item, dict)]


def _implied_type(contents: JSONValue | bytes) -> str | None:
    return None if isinstance(contents, str | bytes) else "application/json"


def actual_part(message: Message, spec: str) -> JSONObject:
    """What the producer made, in the shape `match_message` reads.

    The content type joins the metadata as `contentType` when the metadata has none, as the
    Pact verifiers do. Bytes that are not UTF-8 stay binary (V4's base64 form) so a
    `contentType` matcher sees them intact; V3 contents of a binary content type are base64
    text, as a V3 pact holds them.
    """
    metadata: JSONObject = dict(message.metadata)
    content_type = (
        message.content_type
        or content_type_in_metadata(metadata)
        or _implied_type(message.contents)
    )
    if content_type and content_type_in_metadata(metadata) is None:
        metadata["contentType"] = content_type
    contents: JSONValue
    encoded = False
    seen_type = content_type_in_metadata(metadata)
    if spec != "4" and seen_type and is_binary(parse_media_type(seen_type).essence):
        # V3 has no `encoded`: binary contents are base64 text, as in the pact.
        raw = message.contents
        if not isinstance(raw, bytes):
            raw = raw.encode("utf-8") if isinstance(raw, str) else msgspec.json.encode(raw)
        return {"contents": base64.b64encode(raw).decode("ascii"), "metadata": metadata}
    if isinstance(message.contents, bytes):
        try:
            contents = message.contents.decode("utf-8")
        except UnicodeDecodeError:
            encoded = spec == "4"
            contents = (
                base64.b64encode(message.contents).decode("ascii")
                if encoded
                else message.contents.decode("latin-1")
            )
    else:
        contents = message.contents
    if spec != "4":
        return {"contents": contents, "metadata": metadata}
    wrapped: JSONObject = {"content": contents}
    if content_type:
        wrapped["contentType"] = content_type
    if encoded:
        wrapped["encoded"] = "base64"
    return {"contents": wrapped, "metadata": metadata}


def request_message(part: JSONObject, context: Context) -> Message:
    """A synchronous message's request, generators applied, as the producer receives it.

    Raises:
        GeneratorError: When a generator cannot make a value.
    """
    generators = part.get("generators")
    categories = generators if isinstance(generators, dict) else {}
    made = generated.apply({"body": part.get("contents"), "generators": categories}, context)
    body = bodies.unwrap(made, "body", "4", None)
    raw_metadata = part.get("metadata")
    metadata: JSONObject = dict(raw_metadata) if isinstance(raw_metadata, dict) else {}
    metadata_generators = categories.get("metadata")
    if isinstance(metadata_generators, dict):
        for key, generator in metadata_generators.items():
            if key in metadata and isinstance(generator, dict):
                metadata[key] = generate(generator, metadata[key], context)
    return Message(
        contents=body.content,
        metadata=metadata,
        content_type=body.content_type or content_type_in_metadata(metadata),
    )


def _under(finding: Finding, prefix: str) -> Finding:
    """The finding with its `$.` path moved under `prefix` (`$.response[1]`)."""
    if not finding.path.startswith("$"):
        return finding
    path = prefix + finding.path[1:]
    description = finding.description
    if description.startswith(finding.path):
        description = path + description[len(finding.path) :]
    return msgspec.structs.replace(finding, path=path, description=description)


def _count_finding(expected: int, produced: int, *, is_sync: bool) -> Finding:
    noun = "response message" if is_sync else "message"
    wanted = f"{expected} {noun}{'s' if expected != 1 else ''}"
    made = "none" if produced == 0 else str(produced)
    return Finding(
        source="pact",
        kind="message",
        path="$.response" if is_sync else "$",
        expected=expected,
        actual=produced,
        description=f"expected {wanted} but the producer produced {made}",
    )


def judge(interaction: Interaction, messages: list[Message], spec: str) -> list[Finding]:
    """Match each produced message with the one the pact expects at its place."""
    is_sync = interaction.kind == "synchronous-message"
    expected = expected_responses(interaction)
    findings: list[Finding] = []
    if len(messages) != len(expected):
        findings.append(_count_finding(len(expected), len(messages), is_sync=is_sync))
    for index, (wanted, made) in enumerate(zip(expected, messages, strict=False)):
        for mismatch in match_message(wanted, actual_part(made, spec), spec):
            finding = Finding.from_mismatch(mismatch)
            findings.append(_under(finding, f"$.response[{index}]") if is_sync else finding)
    return findings


def _call(
    interaction: Interaction, values: JSONObject, rng: random.Random, notes: list[str]
) -> tuple[MessageCall, JSONObject | None]:
    """The producer's call, and the request message as the pact writes it (sync messages).

    Raises:
        GeneratorError: When a generator of the request message cannot make a value.
    """
    part = interaction.message.get("request")
    if interaction.kind != "synchronous-message" or not isinstance(part, dict):
        request = None
        sent = None
    else:
        context = Context(provider_state=values, rng=random.Random(rng.random()))  # noqa: S311
        sent = request_message(part, context)
        notes += context.notes
        request = {**part, "contents": _contents_as_sent(sent, part)}
    call = MessageCall(
        description=interaction.description,
        provider_states=interaction.provider_states,
        state_values=values,
        request=sent,
    )
    return call, request


async def verify_message(
    producers: MessageProducers,
    interaction: Interaction,
    *,
    connection: Connection,
    states: StateChanger,
    spec: str,
    base: InteractionResult,
    rng: random.Random,
) -> InteractionResult:
    """Set the states up, ask the producer, tear the states down, and judge the messages."""
    if producers.is_empty:
        return msgspec.structs.replace(
            base,
            status="skipped",
            error=f"No message producer makes {base.description!r}: register one for its "
            "description, or give a message producer URL.",
        )
    started = time.perf_counter()
    producer = producers.find(interaction)
    if producer is None and producers.url is None:
        return msgspec.structs.replace(
            base,
            status="error",
            error=f"No message producer is registered for {base.description!r}.",
        )
    spec = spec if spec in {"3", "4"} else "3"
    notes: list[str] = []
    curl: str | None = None
    try:
        async with states.applied(interaction.provider_states, notes) as values:
            call, request = _call(interaction, values, rng, notes)
            if producer is not None:
                messages = await call_producer(producer, call)
            else:
                assert producers.url is not None
                headers = dict(connection.provider.custom_headers)
                outgoing = _message_proxy.outgoing(call, request, headers)
                curl = outgoing.curl(producers.url)
                messages = [
                    await _message_proxy.produce(
                        connection, producers.url, outgoing, interaction.description
                    )
                ]
    except (StateChangeError, ProducerError, GeneratorError) as error:
        reason = str(error)
        if isinstance(error, GeneratorError):
            reason = f"A generator of the request message failed: {error}"
        return msgspec.structs.replace(
            base,
            status="error",
            error=reason,
            notes=tuple(notes),
            curl=curl,
            duration=time.perf_counter() - started,
        )
    findings = judge(interaction, messages, spec)
    return msgspec.structs.replace(
        base,
        status="failed" if findings else "passed",
        findings=tuple(findings),
        notes=tuple(notes),
        curl=curl,
        duration=time.perf_counter() - started,
    )


def _contents_as_sent(sent: Message, part: JSONObject) -> JSONValue:
    """The request's contents for the message proxy: the pact's form, with generated values."""
    raw = part.get("contents")
    content: JSONValue
    if isinstance(sent.contents, bytes):
        content = base64.b64encode(sent.contents).decode("ascii")
    else:
        content = sent.contents
    if isinstance(raw, dict) and "content" in raw:
        return {**raw, "content": content}
    return content
