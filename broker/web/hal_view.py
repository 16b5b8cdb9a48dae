"""What the HAL browser page shows of an answer: its body, pretty-printed, and its links.

A link is followed only when its href lies under this broker's base URL; it is then opened in
the HAL browser again (`/ui/hal?path=...`). Any other href is shown as text and never fetched.
A templated link gets its template and the names of its variables, for a form to fill.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import msgspec

from broker.domain.errors import FieldError, InvalidInputError
from broker.http import relation_docs
from broker.http.hal import segment
from broker.web.subrequest import Answer

MAX_LINKS = 500
_VARIABLE = re.compile(r"\{([^{}]*)\}")
_SIMPLE = re.compile(r"[A-Za-z0-9_]+")
VARIABLE_PREFIX = "v-"  # form fields of a template's variables, apart from `template`


class HalLink(msgspec.Struct, frozen=True, kw_only=True):
    """One link object of `_links`, and how the page offers it."""

    rel: str
    href: str
    title: str | None = None
    name: str | None = None
    path: str | None = None  # under this broker: the path to browse (or template to fill)
    templated: bool = False
    variables: list[str] = []  # a template's variables, when all are simple `{name}`s
    doc_path: str | None = None  # the `/doc/{rel}` page of a documented `pb:` relation
    embedded: str | None = None  # the embedded resource holding it (`pacticipants[0]`)


class HalView(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to one GET, as the page shows it."""

    path: str
    status: int
    content_type: str
    is_json: bool
    text: str
    truncated: bool
    links: list[HalLink]


def hal_view(path: str, answer: Answer, base: str) -> HalView:
    """The page of `answer` to `GET path`, with links under `base` made browsable."""
    text = answer.body.decode("utf-8", errors="replace")
    document: Any = None
    is_json = False
    if _is_json(answer.content_type) and not answer.truncated:
        try:
            document = json.loads(text)
            is_json = True
            text = json.dumps(document, indent=2, ensure_ascii=False)
        except ValueError:
            pass
    return HalView(
        path=path,
        status=answer.status,
        content_type=answer.content_type,
        is_json=is_json,
        text=text,
        truncated=answer.truncated,
        links=_links(document, base) if is_json else [],
    )


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _links(document: Any, base: str) -> list[HalLink]:
    """The document's links, then its embedded resources' (one level down): MAX_LINKS at most."""
    found: list[HalLink] = []
    holders: list[tuple[str | None, Any]] = [(None, document)]
    embedded = document.get("_embedded") if isinstance(document, dict) else None
    if isinstance(embedded, dict):
        for key, value in embedded.items():
            items = value if isinstance(value, list) else [value]
            holders.extend((f"{key}[{i}]", item) for i, item in enumerate(items))
    for holder, resource in holders:
        raw = resource.get("_links") if isinstance(resource, dict) else None
        if not isinstance(raw, dict):
            continue
        for rel, value in raw.items():
            for item in value if isinstance(value, list) else [value]:
                if len(found) >= MAX_LINKS:
                    return found
                if isinstance(item, dict) and isinstance(item.get("href"), str):
                    found.append(_link(str(rel), item, base, holder))
    return found


def _link(rel: str, item: dict[str, Any], base: str, embedded: str | None) -> HalLink:
    href: str = item["href"]
    templated = item.get("templated") is True
    path = local_path(href, base)
    variables: list[str] = []
    if templated and path is not None:
        names = _VARIABLE.findall(path)
        if names and all(_SIMPLE.fullmatch(n) for n in names):
            variables = list(dict.fromkeys(names))
    doc_path = None
    if rel.startswith("pb:") and relation_docs.find(rel) is not None:
        doc_path = "/doc/" + segment(rel.removeprefix("pb:"))
    return HalLink(
        rel=rel,
        href=href,
        title=_text(item.get("title")),
        name=_text(item.get("name")),
        path=path,
        templated=templated,
        variables=variables,
        doc_path=doc_path,
        embedded=embedded,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def local_path(href: str, base: str) -> str | None:
    """The path of `href` on this broker (under `base`), or None when it leads elsewhere."""
    if href == base:
        return "/"
    if href.startswith((base + "/", base + "?")):
        path = href[len(base) :]
        return path if path.startswith("/") else "/" + path
    return None


def expand(template: str, values: dict[str, str]) -> str:
    """A templated path with each simple `{name}` replaced by its value as one segment.

    Raises:
        InvalidInputError: a variable without a value, or a template with other expressions.
    """
    errors = []
    for name in dict.fromkeys(_VARIABLE.findall(template)):
        if not _SIMPLE.fullmatch(name):
            errors.append(FieldError("/template", f"has an expression {{{name}}} not supported"))
        elif not values.get(name):
            errors.append(FieldError(f"/{VARIABLE_PREFIX}{name}", "must not be empty"))
    if errors:
        raise InvalidInputError("The link's template cannot be filled", errors)
    return _VARIABLE.sub(lambda m: segment(values[m[1]]), template)


def browse_href(base: str, path: str) -> str:
    """The HAL browser's page of `path`."""
    return f"{base}/ui/hal?path={quote(path, safe='/:@!$()*,;-._~')}"
