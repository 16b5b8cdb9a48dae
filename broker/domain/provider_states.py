"""The provider states a provider's pacts ask for.

As `GET /pacts/provider/{p}/provider-states` lists them: each distinct state (name and
parameters) with the consumers that use it.
"""

from __future__ import annotations

from typing import Any

import msgspec


class ProviderState(msgspec.Struct, frozen=True, kw_only=True):
    """A distinct provider state and the consumers whose pacts ask for it."""

    name: str
    params: dict[str, Any] | None = None
    consumers: tuple[str, ...] = ()


def states_in(document: str) -> list[tuple[str, dict[str, Any] | None]]:
    """The states one pact's interactions ask for: V2 `providerState`, V3/V4 `providerStates`."""
    try:
        body = msgspec.json.decode(document)
    except msgspec.DecodeError:
        return []
    found: list[tuple[str, dict[str, Any] | None]] = []
    items = [
        item
        for key in ("interactions", "messages")
        if isinstance(body, dict) and isinstance(body.get(key), list)
        for item in body[key]
        if isinstance(item, dict)
    ]
    for item in items:
        single = item.get("providerState")
        if isinstance(single, str) and single:
            found.append((single, None))
        many = item.get("providerStates")
        if isinstance(many, list):
            for state in many:
                if isinstance(state, dict) and isinstance(state.get("name"), str):
                    params = state.get("params")
                    found.append((state["name"], params if isinstance(params, dict) else None))
    return found


def aggregate(pacts: list[tuple[str, str]]) -> list[ProviderState]:
    """Distinct states over `(consumer name, pact document)` pairs, sorted by name then params."""
    consumers: dict[tuple[str, bytes], set[str]] = {}
    params_of: dict[tuple[str, bytes], dict[str, Any] | None] = {}
    for consumer, document in pacts:
        for name, params in states_in(document):
            key = (name, msgspec.json.encode(params, order="sorted"))
            consumers.setdefault(key, set()).add(consumer)
            params_of[key] = params
    return [
        ProviderState(name=key[0], params=params_of[key], consumers=tuple(sorted(consumers[key])))
        for key in sorted(consumers)
    ]
