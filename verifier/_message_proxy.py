"""A message producer over HTTP: the "message proxy" the Pact message verifiers call.

The verifier sends `POST {"description": ..., "providerStates": [{"name", "params"}]}` (and, for
a V4 synchronous message, `"request": {"contents", "metadata"}`) as JSON to the proxy's URL. The
proxy answers 2xx with the message: the body is its contents, `Content-Type` its media type,
and the metadata comes as base64 of a JSON object in the `Pact-Message-Metadata` header
(`pact_message_metadata` is read too). See https://docs.pact.io/university/message-pact-async/step4.
A proxy answers one message, so it produces one response of a synchronous message.
"""

from __future__ import annotations

import base64
import binascii
import inspect

import httpx
import msgspec

from verifier._errors import ProducerError, ReplayError
from verifier._http import Outgoing
from verifier._http1 import Answer
from verifier._matching.values import JSONObject, JSONValue
from verifier._messages import Message, MessageCall
from verifier._replay import Connection

METADATA_HEADERS = ("Pact-Message-Metadata", "pact_message_metadata")


def proxy_body(call: MessageCall, request: JSONObject | None) -> JSONObject:
    """The JSON body the proxy gets for a call; `request` is the pact's request message."""
    body: JSONObject = {
        "description": call.description,
        "providerStates": [
            {"name": state.name, "params": state.params} for state in call.provider_states
        ],
    }
    if request is not None:
        body["request"] = {key: request[key] for key in ("contents", "metadata") if key in request}
    return body


def outgoing(call: MessageCall, request: JSONObject | None, headers: dict[str, str]) -> Outgoing:
    """The POST to send to the proxy (its target is left empty: the URL is the proxy's)."""
    sent = [("Content-Type", "application/json"), *headers.items()]
    return Outgoing(
        method="POST",
        target="",
        headers=tuple(sent),
        body=msgspec.json.encode(proxy_body(call, request)),
    )


def _metadata(response: Answer, url: str) -> JSONObject:
    headers = response.headers
    for name in METADATA_HEADERS:
        encoded = headers.get(name)
        if encoded is None:
            continue
        try:
            decoded: JSONValue = msgspec.json.decode(base64.b64decode(encoded, validate=True))
        except (binascii.Error, ValueError, msgspec.DecodeError, RecursionError) as error:
            raise ProducerError(
                f"The message producer at {url} sent a {name} header that is not base64 JSON"
            ) from error
        if not isinstance(decoded, dict):
            raise ProducerError(
                f"The message producer at {url} sent a {name} header that is not a JSON object"
            )
        return decoded
    return {}


async def produce(connection: Connection, url: str, message: Outgoing, description: str) -> Message:
    """Ask the proxy at `url` for a message, through the provider's request filter.

    Raises:
        ProducerError: When the proxy cannot be reached, answers an error or bad metadata.
    """
    request = connection.request(message.method, url, message.headers, message.body)
    request_filter = connection.provider.request_filter
    if request_filter is not None:
        returned = request_filter(request)
        if inspect.isawaitable(returned):
            returned = await returned
        if isinstance(returned, httpx.Request):
            request = returned
    try:
        response = await connection.send(request)
    except ReplayError as error:
        raise ProducerError(str(error).replace("The provider", "The message producer")) from error
    if not response.is_success:
        raise ProducerError(
            f"The message producer at {url} answered {response.status_code} for {description!r}"
        )
    content_type = response.headers.get("Content-Type")
    return Message(
        contents=response.content, metadata=_metadata(response, url), content_type=content_type
    )
