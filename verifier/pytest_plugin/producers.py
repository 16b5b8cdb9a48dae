"""Message producers as pytest fixtures: `@message_producer("an order paid event")`.

The decorated function becomes a fixture named after the message's description (and provider
state, when given), visible where pytest would see any fixture defined at that place. Its first
parameter gets the `MessageCall`; the others are fixtures, resolved by pytest. It returns the
`Message` (or several, or an awaitable of them), as any producer of `MessageProducers` does.
Message interactions without one go to `--accord-message-producer-url` when given; with
neither, they are not verified, which fails them.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from verifier._messages import MessageCall, MessageProducers, Produced
from verifier._pact import Interaction

F = TypeVar("F", bound=Callable[..., Any])


def fixture_name(description: str, state: str | None = None) -> str:
    """The name of the fixture that produces the message `description` (given `state`)."""
    return f"accord_message[{state}]:{description}" if state else f"accord_message:{description}"


class BoundProducer:
    """A message producer function with its fixtures resolved: a producer of `MessageProducers`.

    Args:
        function: The user's function.
        fixtures: The values of its parameters after the first.
    """

    def __init__(self, function: Callable[..., Any], fixtures: dict[str, Any]) -> None:
        self._function = function
        self._fixtures = fixtures

    def __call__(self, call: MessageCall) -> Produced | Awaitable[Produced]:
        """Call the function with the call and its fixtures (a coroutine stays one)."""
        produced: Produced | Awaitable[Produced] = self._function(call, **self._fixtures)
        return produced  # what it really is, `call_producer` checks


def message_producer(description: str, *, state: str | None = None) -> Callable[[F], Any]:
    """Register the decorated function as the producer of the messages named `description`.

    Args:
        description: The message interaction's description, as the pact writes it.
        state: Produce it only for interactions with this provider state (a producer for one
            of an interaction's states wins over one for its description alone).

    Example:
        >>> @message_producer("an order paid event")  # doctest: +SKIP
        ... def order_paid(call, orders):
        ...     order = orders.find(call.state_values["orderId"])
        ...     return Message(contents={"orderId": order.id}, metadata={"topic": "orders"})
    """

    def register(function: F) -> Any:
        parameters = list(inspect.signature(function).parameters)[1:]

        def bind(request: pytest.FixtureRequest) -> BoundProducer:
            fixtures = {parameter: request.getfixturevalue(parameter) for parameter in parameters}
            return BoundProducer(function, fixtures)

        bind.__name__ = bind.__qualname__ = function.__name__
        given = f" given {state!r}" if state else ""
        bind.__doc__ = function.__doc__ or f"Produces the message {description!r}{given}."
        return pytest.fixture(name=fixture_name(description, state))(bind)

    return register


def _bound(request: pytest.FixtureRequest, name: str) -> BoundProducer | None:
    try:
        found = request.getfixturevalue(name)
    except pytest.FixtureLookupError:
        return None
    return found if isinstance(found, BoundProducer) else None


def producers_for(
    request: pytest.FixtureRequest, interaction: Interaction, url: str | None
) -> MessageProducers:
    """The producers of one message interaction: its `@message_producer`, and the proxy URL."""
    producers = MessageProducers(url=url)
    for state in interaction.provider_states:
        found = _bound(request, fixture_name(interaction.description, state.name))
        if found is not None:
            producers.register(interaction.description, found, state=state.name)
            return producers
    found = _bound(request, fixture_name(interaction.description))
    if found is not None:
        producers.register(interaction.description, found)
    return producers
