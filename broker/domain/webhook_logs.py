"""What a webhook's attempts may show a reader, and their text log.

Attempts are stored with secret request headers masked (`webhooks.logged_request`). Showing
them adds two more masks, applied when read so logs written before them are covered too: the
password in a URL's user information, and the values of query parameters whose names say they
are secrets (`?token=…`, as Jenkins' remote trigger takes it); and secret response headers
(`Set-Cookie`). The log is one block per attempt, as the Pact Broker's `pb:logs` is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from broker.domain.model import JSONValue
from broker.domain.webhooks import REDACTED, Attempt, is_secret_header, redacted_headers


def redacted_url(url: str) -> str:
    """`url` as a log may show it: user-info password and secret query values masked.

    A URL that does not parse is shown as it is: the guard never sends one.
    """
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url
    netloc = parts.netloc
    if password is not None:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.partition(':')[0]}:{REDACTED}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(is_secret_header(name) for name, _ in pairs):
            query = urlencode(
                [(name, REDACTED if is_secret_header(name) else value) for name, value in pairs],
                safe="*",
            )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _pairs(value: JSONValue) -> list[tuple[str, str]]:
    """Header pairs as `logged_request` stores them (lists of two strings)."""
    if not isinstance(value, list):
        return []
    return [
        (str(pair[0]), str(pair[1]))
        for pair in value
        if isinstance(pair, list) and len(pair) == 2  # noqa: PLR2004 - a name and a value
    ]


def shown_attempt(attempt: Attempt) -> Attempt:
    """An attempt as a reader may see it: every mask applied."""
    request = dict(attempt.request)
    request["url"] = redacted_url(str(request.get("url", "")))
    request["headers"] = [list(pair) for pair in redacted_headers(_pairs(request.get("headers")))]
    return Attempt(
        number=attempt.number,
        worker=attempt.worker,
        started_at=attempt.started_at,
        duration_ms=attempt.duration_ms,
        request=request,
        response_status=attempt.response_status,
        response_headers=tuple(redacted_headers(attempt.response_headers)),
        response_body=attempt.response_body,
        error=attempt.error,
        succeeded=attempt.succeeded,
    )


def _moment(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds")


def attempt_log(attempt: Attempt, heading: str) -> str:
    """One attempt as text: the request, then the response or the error, and how long it took.

    `heading` names what was attempted (a delivery and its event, or a test execution).
    """
    shown = shown_attempt(attempt)
    request = shown.request
    lines = [
        f"{heading}: attempt {attempt.number}, started {_moment(attempt.started_at)}"
        f" by {attempt.worker}",
        "",
        f"{request.get('method', '')} {request.get('url', '')}",
        *(f"{name}: {value}" for name, value in _pairs(request.get("headers"))),
        "",
    ]
    body = str(request.get("body") or "")
    if body:
        lines += [body, ""]
    if shown.response_status is not None:
        lines.append(f"HTTP {shown.response_status}")
        lines += [f"{name}: {value}" for name, value in shown.response_headers]
        lines.append("")
        if shown.response_body:
            lines += [shown.response_body, ""]
    if shown.error is not None:
        lines += [f"Error: {shown.error}", ""]
    verdict = "succeeded" if attempt.succeeded else "failed"
    lines.append(f"The attempt {verdict} after {attempt.duration_ms} ms.")
    return "\n".join(lines) + "\n"


def delivery_log(attempts: Sequence[Attempt], heading: str) -> str:
    """Every attempt of a delivery, first first, one block each; a line when there is none."""
    if not attempts:
        return f"{heading}: no attempt yet.\n"
    return "\n".join(attempt_log(attempt, heading) for attempt in attempts)
