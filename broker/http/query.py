"""Rack-style nested query strings, as the Ruby-born Pact clients write them."""

from __future__ import annotations


def nested(pairs: list[tuple[str, str]], prefix: str) -> list[dict[str, str]]:
    """Rack's `prefix[][key]=value` lists: a repeated key starts the next item (§12.1)."""
    items: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    opening = prefix + "[]["
    for key, value in pairs:
        if key == prefix + "[]":  # ignore[]=Name, the short form
            items.append({"pacticipant": value})
            current = None
        elif key.startswith(opening) and key.endswith("]"):
            field = key[len(opening) : -1]
            if current is None or field in current:
                current = {}
                items.append(current)
            current[field] = value
    return items
