"""How results are printed: a table, key-value lines or notices, or the broker's JSON resource.

Tables look like the pact-broker CLI's (`NAME | DISPLAY NAME` over a dashed rule). JSON output
is the SDK's struct encoded back with the broker's member names (`_links`, camelCase), which is
the broker's resource less the members the SDK does not model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import msgspec

from clients.sdk import Notice

# The colours both pact-broker CLIs give the broker's notices, by type (ANSI SGR codes).
_NOTICE_COLOURS = {
    "success": "32",
    "warning": "33",
    "prompt": "33",
    "error": "31",
    "danger": "31",
}


def as_json(resource: object) -> str:
    """Encode a struct (or a list of them) as indented JSON."""
    return msgspec.json.format(msgspec.json.encode(resource), indent=2).decode()


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Align `rows` under `headers`, columns split by ` | `."""
    cells = [list(row) for row in rows]
    widths = [
        max([len(header), *(len(row[column]) for row in cells)])
        for column, header in enumerate(headers)
    ]

    def line(row: Sequence[str]) -> str:
        return " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))

    rule = "-|-".join("-" * width for width in widths)
    return "\n".join([line(headers).rstrip(), rule, *(line(row).rstrip() for row in cells)])


def details(pairs: Iterable[tuple[str, str | None]]) -> str:
    """`Label: value` lines; a None value leaves its line out."""
    return "\n".join(f"{label}: {value}" for label, value in pairs if value is not None)


def yes_no(value: bool | None) -> str:
    """How a boolean reads in a table."""
    return "true" if value else "false"


def notice(item: Notice, *, colour: bool) -> str:
    """One notice of the broker, coloured by its type when `colour` (stdout is a terminal)."""
    code = _NOTICE_COLOURS.get(item.type)
    if not colour or code is None:
        return item.text
    return f"\033[{code}m{item.text}\033[0m"
