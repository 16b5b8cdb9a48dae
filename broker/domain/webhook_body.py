"""A webhook as a request body describes it: read into a `WebhookDraft`, or every bad field.

The body is the Pact Broker's (pact-broker-api §13.2): `description`, `consumer` and `provider`
(each `{name}` or `{label}`, absent for any), `events` (`[{name}]`), `request` (`method`, `url`,
`headers`, `body`, `username`, `password`) and `enabled`. Whether a named pacticipant exists and
whether the guard lets the method and URL through are asked elsewhere (they need I/O); their
problems come in as `problems` so one answer names every bad field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from broker.domain.errors import FieldError, InvalidInputError
from broker.domain.model import JSONValue
from broker.domain.webhooks import (
    DEFAULT_EVENTS,
    EVENT_NAMES,
    PacticipantSelector,
    WebhookDraft,
    WebhookRequest,
)

# A uuid chosen by the client (PUT): the Pact Broker's rule, so its CLI's uuids fit.
UUID = re.compile(r"[A-Za-z0-9_-]{16,}")
# RFC 9110 §5.6.2: a header name is a token.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# A value may not end the header early (CR, LF) or hide anything (NUL).
_BREAKS_HEADER = re.compile(r"[\r\n\x00]")
_SIDES = ("consumer", "provider")


def requested_call(body: JSONValue) -> tuple[str | None, str | None]:
    """The request's method and URL when the body gives them as strings, for the guard."""
    request = body.get("request") if isinstance(body, dict) else None
    if not isinstance(request, dict):
        return None, None
    method, url = request.get("method"), request.get("url")
    return (
        method if isinstance(method, str) and method.strip() else None,
        url if isinstance(url, str) and url.strip() else None,
    )


def parse_webhook(
    body: JSONValue,
    uuid: str,
    *,
    path_names: Mapping[str, str] | None = None,
    problems: list[FieldError] | None = None,
) -> WebhookDraft:
    """The draft the body describes; `InvalidInputError` naming every bad field otherwise.

    Args:
        body: the decoded JSON body.
        uuid: the webhook's uuid (generated, or the PUT's path segment).
        path_names: `consumer`/`provider` named by the path, the default for the body's.
        problems: problems found already (the guard's), reported with the body's.
    """
    found = list(problems or [])
    if not isinstance(body, dict):
        found.append(FieldError("", "must be a JSON object"))
        raise InvalidInputError("The webhook is not valid", found)
    if not UUID.fullmatch(uuid):
        found.append(FieldError("/uuid", "must be at least 16 letters, digits, '-' or '_'"))
    sides = {
        side: _selector(body.get(side), side, (path_names or {}).get(side), found)
        for side in _SIDES
    }
    description = _optional_text(body.get("description"), "/description", found)
    events = _events(body.get("events"), found)
    request = _request(body.get("request"), found)
    enabled = body.get("enabled")
    if enabled is not None and not isinstance(enabled, bool):
        found.append(FieldError("/enabled", "must be true or false"))
    if found or request is None:
        raise InvalidInputError("The webhook is not valid", found)
    return WebhookDraft(
        uuid=uuid,
        description=description,
        consumer=sides["consumer"],
        provider=sides["provider"],
        events=events,
        request=request,
        enabled=enabled is not False,
    )


def _selector(
    value: JSONValue, side: str, from_path: str | None, found: list[FieldError]
) -> PacticipantSelector | None:
    if value is None:
        return None if from_path is None else PacticipantSelector(name=from_path)
    if not isinstance(value, dict):
        found.append(FieldError(f"/{side}", "must be an object with a name or a label"))
        return None
    name, label = value.get("name"), value.get("label")
    for key, given in (("name", name), ("label", label)):
        if given is not None and (not isinstance(given, str) or not given.strip()):
            found.append(FieldError(f"/{side}/{key}", "must be a non-blank string"))
            return None
    if (name is None) == (label is None):
        found.append(FieldError(f"/{side}", "must have exactly one of name and label"))
        return None
    if from_path is not None and name != from_path:
        found.append(FieldError(f"/{side}/name", f"must be {from_path}, the {side} in the path"))
        return None
    return PacticipantSelector(
        name=name if isinstance(name, str) else None,
        label=label if isinstance(label, str) else None,
    )


def _optional_text(value: JSONValue, pointer: str, found: list[FieldError]) -> str | None:
    if value is None or isinstance(value, str):
        return value
    found.append(FieldError(pointer, "must be a string"))
    return None


def _events(value: JSONValue, found: list[FieldError]) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_EVENTS
    if not isinstance(value, list) or not value:
        found.append(FieldError("/events", "must be a list of at least one {name}"))
        return DEFAULT_EVENTS
    names: list[str] = []
    for index, event in enumerate(value):
        name = event.get("name") if isinstance(event, dict) else None
        if name not in EVENT_NAMES:
            found.append(
                FieldError(f"/events/{index}/name", "must be one of " + ", ".join(EVENT_NAMES))
            )
        elif isinstance(name, str) and name not in names:
            names.append(name)
    return tuple(names)


def _request(value: JSONValue, found: list[FieldError]) -> WebhookRequest | None:
    if not isinstance(value, dict):
        found.append(FieldError("/request", "is required: an object with a method and a url"))
        return None
    before = len(found)
    method, url = value.get("method"), value.get("url")
    for key, given in (("method", method), ("url", url)):
        if not isinstance(given, str) or not given.strip():
            found.append(FieldError(f"/request/{key}", "is required"))
    headers = _headers(value.get("headers"), found)
    username = _optional_text(value.get("username"), "/request/username", found)
    password = _optional_text(value.get("password"), "/request/password", found)
    if len(found) > before or not isinstance(method, str) or not isinstance(url, str):
        return None
    return WebhookRequest(
        method=method.strip().upper(),
        url=url.strip(),
        headers=headers,
        body=value.get("body"),
        username=username,
        password=password,
    )


def _escaped(name: str) -> str:
    """A key as one JSON pointer segment (RFC 6901 §4)."""
    return name.replace("~", "~0").replace("/", "~1")


def _headers(value: JSONValue, found: list[FieldError]) -> dict[str, str]:
    """An object of strings; the list of `Name: value` strings older Rust CLIs send, too."""
    if value is None:
        return {}
    pairs: list[tuple[str, JSONValue, str]] = []
    if isinstance(value, dict):
        pairs = [
            (name, given, f"/request/headers/{_escaped(name)}") for name, given in value.items()
        ]
    elif isinstance(value, list):
        for index, line in enumerate(value):
            if not isinstance(line, str) or ":" not in line:
                found.append(FieldError(f"/request/headers/{index}", "must be 'Name: value'"))
                continue
            key, _, text = line.partition(":")
            pairs.append((key.strip(), text.strip(), f"/request/headers/{index}"))
    else:
        found.append(FieldError("/request/headers", "must be an object of strings"))
        return {}
    headers: dict[str, str] = {}
    for header, value_given, pointer in pairs:
        if not _TOKEN.fullmatch(header):
            found.append(FieldError(pointer, "must have a header name (letters, digits, -)"))
        elif not isinstance(value_given, str):
            found.append(FieldError(pointer, "must be a string"))
        elif _BREAKS_HEADER.search(value_given):
            found.append(FieldError(pointer, "must not contain line breaks or NUL"))
        else:
            headers[header] = value_given
    return headers
