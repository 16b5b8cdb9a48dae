"""Pacts for verification (pact-broker-api §7)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl

import msgspec
from litestar import Controller, Response, get, post

from broker.domain.errors import FieldError, InvalidInputError
from broker.domain.pact_metadata import encode_metadata
from broker.domain.selectors import Selector
from broker.http import pact_resources
from broker.http.body import read_json
from broker.http.context import LinksDep, PathName, ServicesDep
from broker.http.hal import AnyRequest, Body, Links, hal
from broker.http.operation_docs import STRICT_FLAG, WHEN, QueryParam, documented, hal_list
from broker.http.permissions import read
from broker.http.query import nested
from broker.http.responses import Link, SelfLinks
from broker.http.wire import ForVerificationBody
from broker.services.for_verification import PactToVerify, VerificationRequest

PATH = "/pacts/provider/{provider:str}/for-verification"


# The notices after verifying a pending pact: the same for every entry (shared, never changed).
_STILL_PENDING = [
    {
        "when": f"after_verification:success_{success}_published_{published}",
        "text": "This pact is still pending: its verification"
        f" {'succeeded' if success == 'true' else 'failed'}, and it does not change the build's"
        " result.",
    }
    for success in ("true", "false")
    for published in ("true", "false")
]


def entry_body(links: Links, entry: PactToVerify) -> Body:
    """One item of `_embedded.pacts`."""
    href = links.path(
        "/pacts/provider/{p}/consumer/{c}/pact-version/{s}/metadata/{m}",
        p=entry.provider.name,
        c=entry.consumer.name,
        s=entry.sha,
        m=encode_metadata(entry.consumer_versions, pending=bool(entry.pending), wip=entry.is_wip),
    )
    versions = ", ".join(entry.consumer_versions)
    notices = [
        {
            "when": "before_verification",
            "text": f"The pact at {href} is being verified because the pact content belongs to "
            f"the consumer version{'s' if len(entry.consumer_versions) > 1 else ''} {versions} "
            f"({'; '.join(entry.reasons)})",
        }
    ]
    properties: Body = {"notices": notices}
    if entry.is_wip:
        properties["wip"] = True
    if entry.pending is not None:
        properties["pending"] = entry.pending
        provider = entry.provider.name
        if entry.pending:
            notices.append(
                {
                    "when": "before_verification",
                    "text": f"This pact is in pending state for this version of {provider} "
                    f"because {entry.pending_reason}. If this verification fails, it will not "
                    "cause the overall build to fail.",
                }
            )
            notices += _STILL_PENDING
        else:
            notices.append(
                {
                    "when": "before_verification",
                    "text": f"This pact is not pending for this version of {provider} because "
                    f"{entry.pending_reason}. If this verification fails, it will fail the build.",
                }
            )
    return {
        "shortDescription": ", ".join(entry.reasons),
        "verificationProperties": properties,
        "_links": {
            "self": {
                "href": href,
                "name": pact_resources.pact_title(
                    entry.consumer.name, entry.consumer_version.number, entry.provider.name
                ),
            }
        },
    }


_NOTICE = {
    "type": "object",
    "required": ["when", "text"],
    "properties": {"when": {"type": "string"}, "text": {"type": "string"}},
}
_ENTRY = {
    "type": "object",
    "required": ["shortDescription", "verificationProperties", "_links"],
    "properties": {
        "shortDescription": {"type": "string"},
        "verificationProperties": {
            "type": "object",
            "required": ["notices"],
            "properties": {
                "notices": {"type": "array", "items": _NOTICE},
                "pending": {"type": "boolean"},
                "wip": {"const": True},
            },
        },
        "_links": {
            "type": "object",
            "required": ["self"],
            "properties": {"self": Link},
        },
    },
}
PACTS_TO_VERIFY = hal_list("pacts", _ENTRY, links=SelfLinks)
"""What `response` writes, for `/openapi.json`."""

_QUERY = (
    QueryParam("consumer_version_selectors[][tag]", "A selector's tag.", repeated=True),
    QueryParam(
        "consumer_version_selectors[][latest]", "Only the latest.", STRICT_FLAG, repeated=True
    ),
    QueryParam(
        "consumer_version_selectors[][fallback_tag]", "A tag to fall back to.", repeated=True
    ),
    QueryParam("consumer_version_selectors[][consumer]", "Only this consumer.", repeated=True),
    QueryParam("provider_version_tags[]", "The provider version's tags.", repeated=True),
    QueryParam("provider_version_branch", "The provider version's branch."),
    QueryParam("include_pending_status", "Say which pacts are pending.", STRICT_FLAG),
    # Empty, it is absent (`query_request` reads `or None`), as old clients send it.
    QueryParam(
        "include_wip_pacts_since",
        "Include WIP pacts since this date (empty: none).",
        {"anyOf": [WHEN, {"const": ""}]},
    ),
)
"""The deprecated query form (§7.7), as `query_request` reads it."""


def response(links: Links, provider: str, entries: list[PactToVerify]) -> Body:
    """The whole answer."""
    return {
        "_embedded": {"pacts": [entry_body(links, e) for e in entries]},
        "_links": {
            "self": links.link(
                links.path("/pacts/provider/{p}/for-verification", p=provider),
                title="Pacts to be verified",
            )
        },
    }


def _wip_since(value: str | None, field: str = "/includeWipPactsSince") -> datetime | None:
    """`includeWipPactsSince`: a date (`2024-01-01`) or a date-time; 400 otherwise."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise InvalidInputError(
            "The request is not valid",
            [FieldError(field, "must be a date such as 2024-01-01")],
        ) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# The deprecated query form's selector fields (§7.7), snake_case as the old clients send them.
_QUERY_SELECTOR_FIELDS = {"tag", "latest", "fallback_tag", "consumer"}


def query_request(query: str) -> VerificationRequest:
    """The deprecated GET form (§7.7): Rack-nested, snake_case query parameters; 400 if bad.

    `consumer_version_selectors[][tag|latest|fallback_tag|consumer]`, `provider_version_tags[]`,
    `provider_version_branch`, `include_pending_status` and `include_wip_pacts_since`.
    """
    pairs = parse_qsl(query, keep_blank_values=True)
    top = dict(pairs)
    problems: list[FieldError] = []
    selectors = []
    for index, fields in enumerate(nested(pairs, "consumer_version_selectors")):
        unknown = sorted(set(fields) - _QUERY_SELECTOR_FIELDS)
        if unknown:
            problems.append(
                FieldError(
                    f"/consumer_version_selectors/{index}",
                    f"unknown field {unknown[0]!r}; the query form takes"
                    " tag, latest, fallback_tag and consumer",
                )
            )
        latest = fields.get("latest")
        if latest is not None and latest not in {"true", "false"}:
            problems.append(
                FieldError(f"/consumer_version_selectors/{index}/latest", "must be true or false")
            )
        selectors.append(
            Selector(
                tag=fields.get("tag") or None,
                fallback_tag=fields.get("fallback_tag") or None,
                consumer=fields.get("consumer") or None,
                latest=None if latest is None else latest == "true",
            )
        )
    pending = top.get("include_pending_status", "false")
    if pending not in {"true", "false"}:
        problems.append(FieldError("/include_pending_status", "must be true or false"))
    if problems:
        raise InvalidInputError("The request is not valid", problems)
    return VerificationRequest(
        selectors=tuple(selectors),
        provider_branch=top.get("provider_version_branch") or None,
        provider_tags=tuple(v for k, v in pairs if k == "provider_version_tags[]" and v),
        include_pending_status=pending == "true",
        include_wip_pacts_since=_wip_since(
            top.get("include_wip_pacts_since") or None, "/include_wip_pacts_since"
        ),
    )


class ForVerificationController(Controller):
    """The pacts a provider should verify."""

    path = PATH

    @get("/", opt=read() | documented(query=_QUERY, returns=PACTS_TO_VERIFY))
    async def pacts_for_verification_query(
        self, provider: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The pacts the query's selectors pick, or the default selectors without a query.

        The Rust verifier GETs this, then POSTs to self; older clients send their selectors in the
        query string (§7.7).
        """
        query = request.scope.get("query_string", b"").decode("latin-1")
        entries = await services.for_verification.pacts_for(provider, query_request(query))
        return hal(response(links, provider, entries))

    # A query sent with a body: it changes nothing.
    @post(
        "/",
        status_code=200,
        opt=read() | documented(body=ForVerificationBody, returns=PACTS_TO_VERIFY),
    )
    async def pacts_for_verification(
        self, provider: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The pacts the given selectors pick, one per distinct content, with pending status."""
        body = await read_json(request, ForVerificationBody)
        selectors = tuple(
            Selector(**msgspec.structs.asdict(s)) for s in body.consumer_version_selectors or []
        )
        entries = await services.for_verification.pacts_for(
            provider,
            VerificationRequest(
                selectors=selectors,
                provider_branch=body.provider_version_branch or None,
                provider_tags=tuple(body.provider_version_tags or ()),
                include_pending_status=body.include_pending_status,
                include_wip_pacts_since=_wip_since(body.include_wip_pacts_since),
            ),
        )
        return hal(response(links, provider, entries))
