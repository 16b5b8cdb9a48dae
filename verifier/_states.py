"""Provider states: set up before an interaction and torn down after it.

Either through a state-change URL, which gets `POST {"state", "params", "action"}` as the Pact
verifiers send it (`action` is `setup` or `teardown`), or through a Python callable. What the
setup returns (a JSON object from the URL, a mapping from the callable) fills the `${name}`
expressions of the interaction's ProviderState generators.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Literal, TypeAlias

import httpx
import msgspec

from verifier._errors import ReplayError, StateChangeError
from verifier._matching.values import JSONValue
from verifier._pact import ProviderState
from verifier._replay import Connection

StateAction: TypeAlias = Literal["setup", "teardown"]

StateHandler: TypeAlias = Callable[
    [ProviderState, StateAction],
    "Mapping[str, JSONValue] | Awaitable[Mapping[str, JSONValue] | None] | None",
]
"""A Python callable that puts the provider in a state (or takes it out); may be async.

It returns the values the state made (such as the id of a created record), or None.
"""


class StateChanger:
    """Sets provider states up and tears them down, by URL or callable.

    Args:
        connection: The connection to send state changes on.
        url: The provider's state-change URL, if it has one.
        handler: A Python callable, if the states are set up in process.
        teardown: Whether to tear states down after each interaction.
    """

    def __init__(
        self,
        connection: Connection,
        *,
        url: str | None = None,
        handler: StateHandler | None = None,
        teardown: bool = False,
    ) -> None:
        self._connection = connection
        self._url = url
        self._parsed_url: httpx.URL | None = None  # parsed at the first state change of a run
        self._handler = handler
        self.does_teardown = teardown and (url is not None or handler is not None)

    async def setup(self, states: Sequence[ProviderState]) -> dict[str, JSONValue]:
        """Set up each state in order; the values they returned, later ones winning.

        Raises:
            StateChangeError: When a setup failed.
        """
        values: dict[str, JSONValue] = {}
        for state in states or self._stateless():
            values.update(await self._change(state, "setup"))
        return values

    def _stateless(self) -> list[ProviderState]:
        """What an interaction without states sets up.

        The empty state, as the Pact verifiers send it, when a state-change URL or callable is
        configured; nothing otherwise.
        """
        if self._url is None and self._handler is None:
            return []
        return [ProviderState(name="")]

    @contextlib.asynccontextmanager
    async def applied(
        self, states: Sequence[ProviderState], notes: list[str]
    ) -> AsyncIterator[dict[str, JSONValue]]:
        """Set the states up around one interaction; yield what the setup returned.

        States nothing can set up, and a teardown that fails, become `notes`; a setup that
        fails raises `StateChangeError`.
        """
        notes += self.unconfigured(states)
        values = await self.setup(states)
        try:
            yield values
        finally:
            try:
                await self.teardown(states)
            except StateChangeError as error:
                notes.append(str(error))

    def unconfigured(self, states: Sequence[ProviderState]) -> list[str]:
        """Warnings for states nothing can set up: no state-change URL and no callable."""
        if self._url is not None or self._handler is not None:
            return []
        return [
            f"No provider state callback is configured for provider state {state.name!r}"
            for state in states
        ]

    async def teardown(self, states: Sequence[ProviderState]) -> None:
        """Tear the states down in reverse order, if teardown is on.

        Raises:
            StateChangeError: When a teardown failed.
        """
        if not self.does_teardown:
            return
        for state in reversed(states or self._stateless()):
            await self._change(state, "teardown")

    async def _change(self, state: ProviderState, action: StateAction) -> Mapping[str, JSONValue]:
        if self._handler is not None:
            return await self._call(state, action)
        if self._url is not None:
            return await self._post(state, action)
        return {}

    async def _call(self, state: ProviderState, action: StateAction) -> Mapping[str, JSONValue]:
        assert self._handler is not None
        try:
            returned = self._handler(state, action)
            if inspect.isawaitable(returned):
                returned = await returned
        except Exception as error:
            raise StateChangeError(
                f"The {action} of the provider state {state.name!r} raised "
                f"{type(error).__name__}: {error}"
            ) from error
        return dict(returned) if isinstance(returned, Mapping) else {}

    async def _post(self, state: ProviderState, action: StateAction) -> Mapping[str, JSONValue]:
        assert self._url is not None
        if self._parsed_url is None:
            self._parsed_url = httpx.URL(self._url)
        body = {"state": state.name, "params": state.params, "action": action}
        request = self._connection.request(
            "POST",
            self._parsed_url,
            [("Content-Type", "application/json")],
            msgspec.json.encode(body),
        )
        try:
            response = await self._connection.send(request)
        except ReplayError as error:
            reason = str(error)
            raise StateChangeError(
                f"The {action} of the provider state {state.name!r} failed: "
                f"{reason[:1].lower()}{reason[1:]}"
            ) from error
        if not response.is_success:
            raise StateChangeError(
                f"The {action} of the provider state {state.name!r} failed: {self._url} "
                f"answered {response.status_code}"
            )
        if not response.content:
            return {}
        try:
            values = msgspec.json.decode(response.content)
        except msgspec.DecodeError:
            return {}
        return values if isinstance(values, dict) else {}
