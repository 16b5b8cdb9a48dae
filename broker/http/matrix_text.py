"""The matrix as a plain-text table, as the Pact Broker renders it for `Accept: text/plain`.

Columns CONSUMER, C.VERSION, PROVIDER, P.VERSION, SUCCESS? and RESULT#, each as wide as its
widest cell, cells left-aligned and padded, `???` where a row has no value; a 40-character
commit-like run in a version number is cut to its first 7 characters. The numbered URLs of
the verification results follow the table. No rows: an empty body (pact-broker-api §12.3).
"""

from __future__ import annotations

import re
from typing import Any

from broker.http.hal import Body

HEADERS = ("CONSUMER", "C.VERSION", "PROVIDER", "P.VERSION", "SUCCESS?", "RESULT#")
UNKNOWN = "???"
_COMMIT = re.compile(r"[A-Za-z0-9]{40}")


def _at(row: Body, *keys: str) -> Any:
    """The value at `keys`, or None when a step is missing or null."""
    value: Any = row
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _text(value: Any) -> str:
    return UNKNOWN if value is None else str(value)


def _version(value: Any) -> str:
    return UNKNOWN if value is None else _COMMIT.sub(lambda run: run[0][:7], str(value))


def _success(row: Body) -> str:
    result = row.get("verificationResult")
    if result is None:
        shown = UNKNOWN
    else:
        success = result.get("success")
        shown = "" if success is None else str(success).lower()
    return shown + (" [ignored]" if row.get("ignored") else "")


def matrix_text(body: Body) -> str:
    """The table of a rendered matrix body (the JSON the CLIs read), then its results' URLs."""
    rows: list[Body] = body["matrix"]
    if not rows:
        return ""
    cells: list[tuple[str, ...]] = []
    results: list[str] = []
    for row in rows:
        url = _at(row, "verificationResult", "_links", "self", "href")
        if url is not None:
            status = "success" if _at(row, "verificationResult", "success") else "failure"
            results.append(f"{len(results) + 1}. {url} ({status})")
        cells.append(
            (
                _text(_at(row, "consumer", "name")),
                _version(_at(row, "consumer", "version", "number")),
                _text(_at(row, "provider", "name")),
                _version(_at(row, "provider", "version", "number")),
                _success(row),
                str(len(results)) if url is not None else "",
            )
        )
    widths = [max(len(text) for text in column) for column in zip(HEADERS, *cells, strict=True)]
    lines = [
        " | ".join(text.ljust(width) for text, width in zip(HEADERS, widths, strict=True)),
        "-|-".join("-" * width for width in widths),
        *(" | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in cells),
    ]
    table = "\n".join(lines)
    if not results:
        return table
    return table + "\n\nVERIFICATION RESULTS\n--------------------\n" + "\n".join(results)
