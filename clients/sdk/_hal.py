"""HAL navigation: find a relation among `_links` and expand its `{templated}` href.

Clients look relations up by their literal key (`pb:environments`) and never resolve curies.
Each template value is percent-encoded as one path segment, so a branch `feature/x` travels as
`feature%2Fx` and a space as `%20` (RFC 3986 §2.3 keeps only the unreserved characters).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote

from clients.sdk._errors import UnexpectedResponseError
from clients.sdk._wire import Link, Links

_VARIABLE = re.compile(r"\{([^{}]+)\}")


def expand(href: str, values: Mapping[str, str]) -> str:
    """Replace each `{name}` in `href` with its percent-encoded value.

    Args:
        href: a link's href, such as `/pacticipants/{pacticipant}/versions/{version}`.
        values: the value of each variable in the template.

    Returns:
        The href with every variable replaced.

    Raises:
        ValueError: the template names a variable that `values` does not give.
    """

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            msg = f"No value for {{{name}}} in {href}"
            raise ValueError(msg)
        return quote(values[name], safe="")

    return _VARIABLE.sub(substitute, href)


def find_link(links: Links, relation: str, *, where: str = "the resource") -> Link:
    """Return the one link of `relation`, the first if the broker sent an array.

    Raises:
        UnexpectedResponseError: the relation is absent.
    """
    found = links.get(relation)
    if isinstance(found, list):
        found = found[0] if found else None
    if found is None:
        msg = f"The broker's answer for {where} has no {relation} link"
        raise UnexpectedResponseError(msg)
    return found


def find_named_link(links: Links, relation: str, name: str) -> Link | None:
    """Return the link of `relation` whose `name` is `name`, or None.

    Multi-links such as `pb:record-deployment` carry one item per environment, named after it.
    """
    found = links.get(relation)
    candidates = found if isinstance(found, list) else [found] if found is not None else []
    return next((link for link in candidates if link.name == name), None)
