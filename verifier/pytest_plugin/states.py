"""Provider states as pytest fixtures: `@provider_state("a user exists")` over a function.

The decorated function becomes a fixture named `accord_state:<state name>`, visible where
pytest would see any fixture defined at that place (a conftest.py, a plugin). Its first
parameter gets the state's `params`; the others are fixtures, resolved by pytest. What it
returns (a mapping, or None) fills the interaction's ProviderState generators. A generator
function sets up before its `yield` (the yielded mapping is the values) and tears down after
it, once the interaction was verified. Async functions are awaited.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Generator, Mapping
from typing import Any, TypeVar

import httpx
import pytest

from verifier._errors import StateChangeError
from verifier._matching.values import JSONValue
from verifier._pact import ProviderState
from verifier._states import StateAction

FIXTURE_PREFIX = "accord_state:"

F = TypeVar("F", bound=Callable[..., Any])


def fixture_name(state: str) -> str:
    """The name of the fixture that sets up the provider state `state`."""
    return FIXTURE_PREFIX + state


class BoundState:
    """A provider state function with its fixtures resolved, ready to set up and tear down.

    Args:
        name: The provider state it sets up.
        function: The user's function.
        fixtures: The values of its parameters after the first.
    """

    def __init__(self, name: str, function: Callable[..., Any], fixtures: dict[str, Any]) -> None:
        self.name = name
        self._function = function
        self._fixtures = fixtures
        self._running: Generator[object, None, object] | None = None

    async def setup(self, state: ProviderState) -> Mapping[str, JSONValue] | None:
        """Call the function for `state`; the values it returned or yielded."""
        returned = self._function(dict(state.params), **self._fixtures)
        if isinstance(returned, Generator):
            self._running = returned
            returned = next(returned, None)
        elif inspect.isawaitable(returned):
            returned = await returned
        return returned if isinstance(returned, Mapping) else None

    def teardown(self) -> None:
        """Resume a generator function after its `yield`, once."""
        running, self._running = self._running, None
        if running is not None:
            next(running, None)


def provider_state(name: str) -> Callable[[F], Any]:
    """Register the decorated function as the setup of the provider state `name`.

    Example:
        >>> @provider_state("a user exists")  # doctest: +SKIP
        ... def user_exists(params, database):
        ...     user = database.add_user(name=params.get("name", "Ada"))
        ...     yield {"userId": user.id}
        ...     database.delete_user(user.id)
    """

    def register(function: F) -> Any:
        parameters = list(inspect.signature(function).parameters)[1:]

        def bind(request: pytest.FixtureRequest) -> BoundState:
            fixtures = {parameter: request.getfixturevalue(parameter) for parameter in parameters}
            return BoundState(name, function, fixtures)

        bind.__name__ = bind.__qualname__ = function.__name__
        bind.__doc__ = function.__doc__ or f"Sets up the provider state {name!r}."
        return pytest.fixture(name=fixture_name(name))(bind)

    return register


class StateFunctions:
    """The `StateHandler` of one interaction: its states' functions, by state name.

    A state without a function goes to the provider's state-change URL when it has one (the
    teardown too when `teardown` is on), as the verifier would send it; otherwise its name is
    added to `missing`, to warn about.

    Args:
        bound: The functions found as fixtures, by state name.
        missing: Receives the name of each state nothing sets up.
        url: The provider's state-change URL, if any.
        teardown: Whether the URL also gets `action: teardown`.
        timeout: Seconds to wait for the URL.
    """

    def __init__(
        self,
        bound: Mapping[str, BoundState],
        missing: list[str],
        *,
        url: str | None = None,
        teardown: bool = False,
        timeout: float = 30.0,
    ) -> None:
        self._bound = bound
        self._missing = missing
        self._url = url
        self._teardown = teardown
        self._timeout = timeout

    async def __call__(
        self, state: ProviderState, action: StateAction
    ) -> Mapping[str, JSONValue] | None:
        """Set up or tear down `state` with its function, or its URL; nothing without either."""
        function = self._bound.get(state.name)
        if function is None:
            return await self._by_url(state, action)
        if action == "teardown":
            function.teardown()
            return None
        return await function.setup(state)

    async def _by_url(
        self, state: ProviderState, action: StateAction
    ) -> Mapping[str, JSONValue] | None:
        if self._url is None:
            if action == "setup" and state.name:  # "" is an interaction without states
                self._missing.append(state.name)
            return None
        if action == "teardown" and not self._teardown:
            return None
        body = {"state": state.name, "params": state.params, "action": action}
        async with httpx.AsyncClient(timeout=self._timeout) as client:
            try:
                answer = await client.post(self._url, json=body)
            except httpx.HTTPError as error:
                message = f"The {action} of the provider state {state.name!r} failed: {error}"
                raise StateChangeError(message) from error
        if not answer.is_success:
            raise StateChangeError(
                f"The {action} of the provider state {state.name!r} failed: {self._url} "
                f"answered {answer.status_code}"
            )
        try:
            values = answer.json() if answer.content else {}
        except ValueError:
            return None
        return values if isinstance(values, dict) else None
