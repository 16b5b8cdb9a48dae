"""The can-i-deploy badge: an SVG a README shows, green for yes, red for no, grey when unknown.

Drawn by Accord (no call to an external badge service, so it works inside a private network).
Text widths are estimated at 6.5 px per character of the 11 px Verdana the badge names.
"""

from __future__ import annotations

from html import escape

_COLOURS = {True: "#4c1", False: "#e05d44", None: "#9f9f9f"}
_WORDS = {True: "yes", False: "no", None: "unknown"}
_CHAR_WIDTH = 6.5
_PADDING = 10


def _width(text: str) -> int:
    return round(len(text) * _CHAR_WIDTH) + _PADDING


def can_i_deploy_badge(label: str, deployable: bool | None) -> str:
    """An SVG badge: `label` on grey, then yes/no/unknown in the verdict's colour."""
    message = _WORDS[deployable]
    left, right = _width(label), _width(message)
    total = left + right
    colour = _COLOURS[deployable]
    label_text, message_text = escape(label), escape(message)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img"'
        f' aria-label="{label_text}: {message_text}">'
        f"<title>{label_text}: {message_text}</title>"
        f'<rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}"/>'
        '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,sans-serif"'
        ' font-size="11">'
        f'<text x="{left / 2}" y="14">{label_text}</text>'
        f'<text x="{left + right / 2}" y="14">{message_text}</text>'
        "</g></svg>"
    )
