"""What a handler declares about itself for `/openapi.json`, beside what litestar already knows.

litestar knows each route's path, methods, path parameters (with their types), permission
(`opt["need"]`, permissions.py) and docstring; `broker/http/openapi.py` documents all of that
for every handler without help. What it cannot see is what a handler reads and writes by hand:
the body it decodes with `read_json`, the query parameters it reads from `request`, the
resource it encodes with `hal()`, and the statuses and media types it picks. A handler says
those next to its permission: `opt=read() | documented(query=PAGING, returns=PacticipantsPage)`.

A handler that declares nothing is still documented. One that returns a Struct, a `Template` or
a `str` for litestar to encode gets that answer's schema or media type and its decorator's
status; one that returns `Response[...]` gets any 2xx answer in HAL+JSON with no schema. A
write that declares no body takes any JSON body. One that declares anything answers, by
default, with the status its decorator gives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import msgspec

from broker.domain.names import MAX_NAME_LENGTH
from broker.http.context import MAX_PAGE, MAX_PAGE_SIZE

Schema = Mapping[str, Any]
"""A JSON Schema (2020-12, as OpenAPI 3.1 takes it) written by hand."""

Shape = type[msgspec.Struct] | Schema
"""A body's shape: a msgspec Struct (its schema comes from msgspec), or a schema by hand."""

HAL = "application/hal+json"
JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"
TEXT = "text/plain"
HTML = "text/html"
SVG = "image/svg+xml"
FORM = "application/x-www-form-urlencoded"

STRING: Schema = {"type": "string"}
NAME: Schema = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_NAME_LENGTH,
    "pattern": "^[^\\r\\n\\x00]*[^\\s\\x00][^\\r\\n\\x00]*$",
}
"""A name (pacticipant, version, tag, branch, environment, label): `names.name_problems` refuses
a blank, multi-line or over-long one; in the query, handlers read an empty one as absent."""
WHEN: Schema = {"type": "string", "anyOf": [{"format": "date"}, {"format": "date-time"}]}
"""A date, or a time with its offset (ISO 8601)."""


class QueryParam(NamedTuple):
    """A query parameter a handler reads by hand."""

    name: str
    description: str
    schema: Schema = STRING
    required: bool = False
    repeated: bool = False


class Link(NamedTuple):
    """An OpenAPI link from a success answer to the operation it lets a client call next."""

    operation_id: str
    parameters: Mapping[str, str]
    """Each of the target's parameters, as a runtime expression (`$response.body#/name`)."""


def links_to(*operation_ids: str, **parameters: str) -> tuple[Link, ...]:
    """Links to each operation, all filling the same parameters from the answer.

    Link to what reads, changes or deletes the created resource, not to an upsert: after a
    DELETE an upsert creates it again, where a client following the link expects a 404.
    """
    return tuple(Link(operation_id, parameters) for operation_id in operation_ids)


class Doc(msgspec.Struct, frozen=True, kw_only=True):
    """A handler's declaration; see `documented`."""

    body: Shape | None = None
    body_required: bool = False
    body_media_types: tuple[str, ...] = (JSON,)
    query: tuple[QueryParam, ...] = ()
    returns: Shape | None = None
    statuses: tuple[int, ...] = ()
    media_types: tuple[str, ...] = (HAL,)
    takes_no_body: bool = False
    links: tuple[Link, ...] = ()


def documented(
    *,
    body: Shape | None = None,
    body_required: bool = False,
    body_media_types: Sequence[str] = (JSON,),
    query: Sequence[QueryParam] = (),
    returns: Shape | None = None,
    statuses: Sequence[int] = (),
    media_types: Sequence[str] = (HAL,),
    takes_no_body: bool = False,
    links: Sequence[Link] = (),
) -> dict[str, Any]:
    """An `opt` fragment describing what the handler reads and answers, to merge with its need.

    Args:
        body: the shape `read_json` decodes (or a handler checks by hand).
        body_required: an empty body is refused (`read_json` reads an empty body as `{}`).
        body_media_types: the media types the body is documented under.
        query: the query parameters the handler reads.
        returns: the shape of a successful JSON answer (for every JSON media type).
        statuses: the success statuses the handler answers with; by default the status its
            decorator gives (litestar's 201 for POST, 204 for DELETE, 200 otherwise).
        media_types: the media types a successful answer comes in (the request's Accept
            picks); a text type's body is a string.
        takes_no_body: a POST, PUT or PATCH that reads no body.
        links: what a successful answer lets a client call next (`links_to`), as OpenAPI
            links: clients and schemathesis's stateful tests follow them.
    """
    return {
        "doc": Doc(
            body=body,
            body_required=body_required,
            body_media_types=tuple(body_media_types),
            query=tuple(query),
            returns=returns,
            statuses=tuple(statuses),
            media_types=tuple(media_types),
            takes_no_body=takes_no_body,
            links=tuple(links),
        )
    }


PAGING = (
    QueryParam(
        "page",
        "The page to return, from 1.",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    ),
    QueryParam(
        "size",
        "How many items a page holds.",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": 100},
    ),
)
"""`?page=N&size=M`, as `context.page_of` reads them."""

FLAG: Schema = {"type": "string", "examples": ["true"]}
"""A flag the Pact clients send as `true`; anything else counts as false, so nothing is refused."""

STRICT_FLAG: Schema = {"type": "string", "enum": ["true", "false"]}
"""A flag that must be `true` or `false` (anything else is a 400)."""


def hal_list(relation: str, item: Shape, *, links: Shape | None = None) -> Schema:
    """A HAL resource embedding a list under `relation`, as `{"_embedded": {relation: [...]}}`."""
    return {
        "type": "object",
        "required": ["_embedded", "_links"],
        "properties": {
            "_embedded": {
                "type": "object",
                "required": [relation],
                "properties": {relation: {"type": "array", "items": item}},
            },
            "_links": links if links is not None else {"type": "object"},
        },
    }


FORM_FIELDS: Schema = {"type": "object", "additionalProperties": {"type": "string"}}
"""A form's fields, as a browser posts them."""


def web_page(*media_types: str) -> dict[str, Any]:
    """An `opt` fragment for a page of the web interface (broker/web).

    It answers `media_types` (HTML unless named: a badge's SVG, or HAL+JSON where `/` is
    negotiated with the HAL index); a form posted to it is urlencoded; a
    refused form may be the page again, in HTML, with the refusal's status (see
    `openapi.py`'s `PageProblem`).
    """
    return documented(
        body=FORM_FIELDS, body_media_types=(FORM,), media_types=media_types or (HTML,)
    )


HAL_RESOURCE: Schema = {
    "type": "object",
    "required": ["_links"],
    "properties": {"_links": {"type": "object"}},
}
"""A HAL resource whose members are not described further: an object with `_links`."""
