"""Message producers: the provider's code that makes the messages a message pact expects.

A message pact has no request to replay: the verifier asks the provider's *producer* for the
message of an interaction and matches what comes back. Producers are registered per message
description, optionally narrowed to a provider state (V3 message pacts may hold several
messages with one description, told apart by their states)::

    producers = MessageProducers()

    @producers.produces("an order created event")
    def order_created(call: MessageCall) -> Message:
        return Message(contents={"orderId": 42}, metadata={"topic": "orders"})

A producer may be async, and may return several messages: for an asynchronous message the pact
expects exactly one, so a second one (the same event published twice) is a finding; for a V4
synchronous message it returns the response messages in order. Producers without Python code
answer over HTTP (`MessageProducers(url=...)`, see `verifier._message_proxy`).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TypeAlias

import msgspec

from verifier._errors import ProducerError
from verifier._matching.values import JSONObject, JSONValue
from verifier._pact import Interaction, ProviderState


class Message(msgspec.Struct, frozen=True, kw_only=True):
    """One message as the producer made it.

    Attributes:
        contents: The payload. A JSON value (dict, list, number…) is a JSON message; a `str` is
            the message's text as it travels (for a JSON message, its JSON text); `bytes` are
            binary contents, matched by `content_type`.
        metadata: The message's metadata (destination, keys, headers…), JSON values by name.
        content_type: The contents' media type; when None, it comes from the metadata's
            `contentType`, else JSON values are `application/json`.
    """

    contents: JSONValue | bytes
    metadata: Mapping[str, JSONValue] = msgspec.field(default_factory=dict)
    content_type: str | None = None


class MessageCall(msgspec.Struct, frozen=True, kw_only=True):
    """What a producer is asked for.

    Attributes:
        description: The interaction's description.
        provider_states: The states the verifier set up before calling (with their params).
        state_values: What the state setup returned (as ProviderState generators see it).
        request: For a V4 synchronous message, the request message (generators applied);
            None for an asynchronous message.
    """

    description: str
    provider_states: tuple[ProviderState, ...] = ()
    state_values: JSONObject = msgspec.field(default_factory=dict)
    request: Message | None = None


Produced: TypeAlias = "Message | Sequence[Message]"

Producer: TypeAlias = Callable[[MessageCall], "Produced | Awaitable[Produced]"]
"""A Python callable that returns the message (or messages) for a call; may be async."""


class MessageProducers:
    """The registry of the provider's message producers.

    Args:
        producers: Producers by message description (more can be registered later).
        url: A message proxy that produces every message without a registered callable:
            it gets `POST {description, providerStates[, request]}` and answers the contents.
    """

    def __init__(
        self, producers: Mapping[str, Producer] | None = None, *, url: str | None = None
    ) -> None:
        self.url = url
        self._producers: dict[tuple[str, str | None], Producer] = {}
        for description, producer in (producers or {}).items():
            self.register(description, producer)

    def register(self, description: str, producer: Producer, *, state: str | None = None) -> None:
        """Register the producer of the messages named `description`.

        Args:
            description: The interaction's description, as the pact writes it.
            producer: The callable that makes the message.
            state: Use it only for interactions with this provider state.

        Raises:
            ValueError: When a producer is already registered for the same description and
                state.
        """
        key = (description, state)
        if key in self._producers:
            given = f" given {state!r}" if state else ""
            raise ValueError(f"a message producer is already registered for {description!r}{given}")
        self._producers[key] = producer

    def produces(
        self, description: str, *, state: str | None = None
    ) -> Callable[[Producer], Producer]:
        """`register`, as a decorator."""

        def decorate(producer: Producer) -> Producer:
            self.register(description, producer, state=state)
            return producer

        return decorate

    def find(self, interaction: Interaction) -> Producer | None:
        """The callable registered for an interaction, or None (the URL then produces it).

        One registered for one of its provider states wins over one for its description alone.
        """
        for state in interaction.provider_states:
            found = self._producers.get((interaction.description, state.name))
            if found is not None:
                return found
        return self._producers.get((interaction.description, None))

    @property
    def is_empty(self) -> bool:
        """Whether nothing produces messages: no callable and no URL."""
        return not self._producers and self.url is None


def as_registry(producers: MessageProducers | Mapping[str, Producer] | None) -> MessageProducers:
    """A registry from what `Verifier(message_producers=...)` takes."""
    if isinstance(producers, MessageProducers):
        return producers
    return MessageProducers(producers)


async def call_producer(producer: Producer, call: MessageCall) -> list[Message]:
    """Call a producer and return its messages as a list.

    Raises:
        ProducerError: When it raised or returned something that is not a message.
    """
    try:
        returned: object = producer(call)  # checked below: user code may return anything
        if inspect.isawaitable(returned):
            returned = await returned
    except Exception as error:
        raise ProducerError(
            f"The message producer for {call.description!r} raised {type(error).__name__}: {error}"
        ) from error
    if isinstance(returned, Message):
        return [returned]
    if isinstance(returned, Sequence) and not isinstance(returned, str | bytes):
        messages: list[object] = list(returned)
        if all(isinstance(item, Message) for item in messages):
            return [item for item in messages if isinstance(item, Message)]
    raise ProducerError(
        f"The message producer for {call.description!r} returned {type(returned).__name__}, "
        "not a Message or a list of them"
    )
