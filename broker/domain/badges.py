"""Status badges: SVGs a README shows, a label on grey and a message in the status's colour.

Drawn by Accord (no call to an external badge service, so it works inside a private network).
Text widths are estimated at 6.5 px per character of the 11 px Verdana the badge names.

The pact badges follow the Pact Broker's words and colours: "verified" (green) when the newest
result for the latest pact succeeded, "failed" (red), "changed" (orange) when the pact changed
since its last successful result, and "unknown" (grey) when it was never verified or there is
no such pact ("pact not found").
"""

from __future__ import annotations

import re
from html import escape
from typing import Literal

_COLOURS = {True: "#4c1", False: "#e05d44", None: "#9f9f9f"}
_WORDS = {True: "yes", False: "no", None: "unknown"}
_CHAR_WIDTH = 6.5
_PADDING = 10

PactStatus = Literal["verified", "failed", "changed", "unknown"]

STATUS_COLOURS: dict[PactStatus, str] = {
    "verified": "#4c1",
    "failed": "#e05d44",
    "changed": "#fe7d37",
    "unknown": "#9f9f9f",
}

_SEPARATORS = re.compile(r"[\s_\-]")
_CAMEL = (re.compile(r"([A-Z]+)([A-Z][a-z])"), re.compile(r"([a-z\d])([A-Z])"))


def _width(text: str) -> int:
    return round(len(text) * _CHAR_WIDTH) + _PADDING


def badge(label: str, message: str, colour: str) -> str:
    """An SVG badge: `label` on grey, then `message` on `colour`."""
    left, right = _width(label), _width(message)
    total = left + right
    label_text, message_text = escape(label), escape(message)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img"'
        f' aria-label="{label_text}: {message_text}">'
        f"<title>{label_text}: {message_text}</title>"
        f'<rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{escape(colour)}"/>'
        '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,sans-serif"'
        ' font-size="11">'
        f'<text x="{left / 2}" y="14">{label_text}</text>'
        f'<text x="{left + right / 2}" y="14">{message_text}</text>'
        "</g></svg>"
    )


def can_i_deploy_badge(label: str, deployable: bool | None) -> str:
    """The can-i-deploy badge: `label`, then yes/no/unknown in the verdict's colour."""
    return badge(label, _WORDS[deployable], _COLOURS[deployable])


def pact_status(success: bool | None, *, of_latest_content: bool) -> PactStatus:
    """A pact badge's status from the newest result of its pseudo branch (None: no result).

    That result may be for older content than the latest pact's (`of_latest_content` False).
    """
    if success is None:
        return "unknown"
    if not success:
        return "failed"
    return "verified" if of_latest_content else "changed"


def _short(name: str, initials: bool, tag: str | None) -> str:
    suffix = f" ({tag})" if tag else ""
    if initials:
        parts = [p for p in _SEPARATORS.split(name) if p]
        if len(parts) == 1:
            spaced = _CAMEL[1].sub(r"\1_\2", _CAMEL[0].sub(r"\1_\2", name))
            parts = [p for p in spaced.replace("-", "_").split("_") if p]
        if len(parts) > 1:
            return "".join(p[0] for p in parts).lower() + suffix
    return name.lower() + suffix


def pact_badge_title(
    consumer: str,
    provider: str,
    *,
    label: str | None = None,
    initials: bool = False,
    consumer_tag: str | None = None,
    provider_tag: str | None = None,
) -> str:
    """The left text: "consumer/provider pact", or one side's name when `label` names it.

    `initials` shortens multi-word names (`foo-bar`, `FooBar` -> `fb`); the matrix badge adds
    each side's tag in brackets.
    """
    consumer_name = _short(consumer, initials, consumer_tag)
    provider_name = _short(provider, initials, provider_tag)
    chosen = (label or "").lower()
    if chosen == "consumer":
        title = consumer_name
    elif chosen == "provider":
        title = provider_name
    else:
        title = f"{consumer_name}/{provider_name}"
    return f"{title} pact".lower()


def pact_badge(title: str | None, status: PactStatus) -> str:
    """A pact badge; `title` None when there is no such pact ("pact not found", unknown)."""
    if title is None:
        return badge("pact not found", "unknown", STATUS_COLOURS["unknown"])
    return badge(title, status, STATUS_COLOURS[status])
