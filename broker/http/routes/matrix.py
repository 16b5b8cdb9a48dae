"""The matrix and can-i-deploy (pact-broker-api §12)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from litestar import Controller, MediaType, Response, get

from broker.domain.errors import FieldError, InvalidInputError
from broker.domain.matrix import IgnoreSelector, Target
from broker.http.context import (
    MAX_PAGE,
    LinksDep,
    Services,
    ServicesDep,
    metrics_of,
    positive_int,
)
from broker.http.hal import HAL_JSON, AnyRequest, Body, Links, hal, timestamp
from broker.http.matrix_text import matrix_text
from broker.http.operation_docs import FLAG, HAL, NAME, TEXT, QueryParam, Schema, documented
from broker.http.permissions import read
from broker.http.query import nested
from broker.services.can_i_deploy import Answer, MatrixRow, VersionSelector


def _flag(value: str | None) -> bool:
    return value is not None and value.lower() == "true"


Selection = tuple[list[VersionSelector], Target, list[IgnoreSelector]]


def parse(query: str) -> Selection:
    """The CLIs' query string as a selector, a target and ignore selectors; 400 when invalid."""
    pairs = parse_qsl(query, keep_blank_values=True)
    return selection(dict(pairs), nested(pairs, "q"), nested(pairs, "ignore"))


def selection(
    top: dict[str, str], selectors: list[dict[str, str]], ignores: list[dict[str, str]]
) -> Selection:
    """The query's members (`top`) and its `q[]` and `ignore[]` items, checked; 400 if invalid.

    The matrix page (`broker/web/routes/matrix.py`) reads its form through this too.
    """
    problems: list[FieldError] = []
    if not selectors or not all(s.get("pacticipant") for s in selectors):
        problems.append(FieldError("/q", "each selector needs a pacticipant"))
    for index, s in enumerate(selectors):
        if s.get("version") and _flag(s.get("latest")):
            problems.append(FieldError(f"/q/{index}", "version and latest cannot both be given"))
    targets = [k for k in ("environment", "tag", "mainBranch") if top.get(k)]
    if len(targets) > 1:
        problems.append(FieldError("/environment", "give one of environment, tag and mainBranch"))
    if top.get("environment") and _flag(top.get("latest")):
        problems.append(FieldError("/latest", "latest and environment cannot both be given"))
    limit = top.get("limit")
    if limit is not None and positive_int(limit, MAX_PAGE) is None:
        problems.append(FieldError("/limit", f"must be an integer from 1 to {MAX_PAGE}"))
    if problems:
        raise InvalidInputError("The matrix query is not valid", problems)
    chosen = [
        VersionSelector(
            pacticipant=s["pacticipant"],
            version=s.get("version") or None,
            branch=s.get("branch") or None,
            tag=s.get("tag") or None,
            latest=_flag(s.get("latest")),
            main_branch=_flag(s.get("mainBranch")),
        )
        for s in selectors
    ]
    if top.get("environment"):
        target = Target(kind="environment", name=top["environment"])
    elif top.get("tag"):
        target = Target(kind="tag", name=top["tag"])
    elif _flag(top.get("mainBranch")):
        target = Target(kind="main_branch")
    else:
        target = Target(kind="latest")
    ignore = [
        IgnoreSelector(pacticipant=i["pacticipant"], version=i.get("version") or None)
        for i in ignores
        if i.get("pacticipant")
    ]
    return chosen, target, ignore


async def judged(services: Services, chosen: Selection) -> Answer:
    """The matrix for a selection: several selectors without a target are judged together."""
    selectors, target, ignore = chosen
    if len(selectors) > 1 and target.kind == "latest":
        return await services.can_i_deploy.between(selectors, ignore)
    return await services.can_i_deploy.judge(selectors, target, ignore)


def _side(links: Links, name: str, number: str) -> Body:
    return {
        "name": name,
        "_links": {"self": links.link(links.path("/pacticipants/{p}", p=name))},
        "version": {
            "number": number,
            "_links": {
                "self": links.link(links.path("/pacticipants/{p}/versions/{v}", p=name, v=number))
            },
        },
    }


def _row(links: Links, row: MatrixRow, sides: dict[tuple[str, str], Body]) -> Body:
    """A row; `sides` holds the pacticipant versions already written (most rows share one)."""
    consumer, provider = row.consumer.name, row.provider.name
    base = links.path(
        "/pacts/provider/{p}/consumer/{c}/pact-version/{s}", p=provider, c=consumer, s=row.pact_sha
    )
    for name, number in (
        (consumer, row.consumer_version.number),
        (provider, row.provider_version.number),
    ):
        if (name, number) not in sides:
            sides[(name, number)] = _side(links, name, number)
    body: Body = {
        "consumer": sides[(consumer, row.consumer_version.number)],
        "provider": sides[(provider, row.provider_version.number)],
        "pact": {"createdAt": timestamp(row.pact_created_at), "_links": {"self": links.link(base)}},
        "verificationResult": None
        if row.verification_id is None
        else {
            "success": row.success,
            "verifiedAt": None if row.verified_at is None else timestamp(row.verified_at),
            "verificationType": row.verification_kind,
            "_links": {"self": links.link(_result_href(links, base, row))},
        },
    }
    if row.is_ignored:
        body["ignored"] = True
    return body


def _result_href(links: Links, pact_href: str, row: MatrixRow) -> str:
    """A replayed result under its pact; a bi-directional one is a comparison."""
    if row.verification_kind == "BDCT":
        return links.path("/comparisons/{c}", c=str(row.verification_id))
    return f"{pact_href}/verification-results/{row.verification_id}"


_LINK = {"type": "object", "required": ["href"], "properties": {"href": {"type": "string"}}}
_SELF = {"type": "object", "required": ["self"], "properties": {"self": _LINK}}
_SIDE = {
    "type": "object",
    "required": ["name", "_links", "version"],
    "properties": {
        "name": {"type": "string"},
        "_links": _SELF,
        "version": {
            "type": "object",
            "required": ["number", "_links"],
            "properties": {"number": {"type": "string"}, "_links": _SELF},
        },
    },
}
_COUNT = {"type": "integer", "minimum": 0}
MATRIX: Schema = {
    "type": "object",
    "required": ["summary", "notices", "matrix", "_links"],
    "properties": {
        "summary": {
            "type": "object",
            "required": ["deployable", "reason", "success", "failed", "unknown", "ignored"],
            "properties": {
                "deployable": {"type": ["boolean", "null"]},
                "reason": {"type": "string"},
                "success": _COUNT,
                "failed": _COUNT,
                "unknown": _COUNT,
                "ignored": _COUNT,
            },
        },
        "notices": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "text"],
                "properties": {"type": {"type": "string"}, "text": {"type": "string"}},
            },
        },
        "matrix": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["consumer", "provider", "pact", "verificationResult"],
                "properties": {
                    "consumer": _SIDE,
                    "provider": _SIDE,
                    "pact": {
                        "type": "object",
                        "required": ["createdAt", "_links"],
                        "properties": {"createdAt": {"type": "string"}, "_links": _SELF},
                    },
                    "verificationResult": {
                        "oneOf": [
                            {"type": "null"},
                            {
                                "type": "object",
                                "required": ["success", "verifiedAt", "verificationType", "_links"],
                                "properties": {
                                    "success": {"type": ["boolean", "null"]},
                                    "verifiedAt": {"type": ["string", "null"]},
                                    "verificationType": {"type": ["string", "null"]},
                                    "_links": _SELF,
                                },
                            },
                        ]
                    },
                    "ignored": {"const": True},
                },
            },
        },
        "_links": _SELF,
    },
}
"""What `render` writes, for `/openapi.json`."""


def render(links: Links, answer: Answer) -> Body:
    """The matrix response both CLIs read (§12.3)."""
    d = answer.decision
    sides: dict[tuple[str, str], Body] = {}
    return {
        "summary": {
            "deployable": d.deployable,
            "reason": d.reason,
            "success": d.success,
            "failed": d.failed,
            "unknown": d.unknown,
            "ignored": d.ignored,
        },
        "notices": [{"type": n.type, "text": n.text} for n in d.notices],
        "matrix": [_row(links, r, sides) for r in answer.rows],
        "_links": {"self": links.link(links.href("matrix"))},
    }


def answered(request: AnyRequest, links: Links, answer: Answer) -> Response[bytes]:
    """The matrix as JSON, or as the Pact Broker's text table when Accept prefers text/plain.

    Each answer is counted by its outcome (`accord_can_i_deploy_answers_total`).
    """
    metrics_of(request).answered_can_i_deploy(answer.decision.deployable)
    body = render(links, answer)
    chosen = request.accept.best_match(["application/hal+json", MediaType.TEXT], HAL_JSON)
    if chosen == MediaType.TEXT:
        return Response(content=matrix_text(body).encode(), media_type=MediaType.TEXT)
    return hal(body)


ANSWERS = (HAL, TEXT)
"""The matrix as HAL+JSON, or as a text table when Accept prefers text/plain."""

_SELECTORS = (
    QueryParam(
        "q[][pacticipant]", "Each selector's pacticipant.", NAME, required=True, repeated=True
    ),
    QueryParam("q[][version]", "A selector's version number.", repeated=True),
    QueryParam("q[][branch]", "A selector's branch.", repeated=True),
    QueryParam("q[][tag]", "A selector's tag.", repeated=True),
    QueryParam("q[][latest]", "The selector picks the latest version.", FLAG, repeated=True),
    QueryParam("q[][mainBranch]", "The selector picks the main branch.", FLAG, repeated=True),
)
_IGNORE = (
    QueryParam("ignore[][pacticipant]", "A pacticipant whose rows do not count.", repeated=True),
    QueryParam("ignore[][version]", "Only this version of the ignored one.", repeated=True),
    QueryParam("ignore[]", "A pacticipant whose rows do not count (short form).", repeated=True),
)
MATRIX_QUERY = (
    *_SELECTORS,
    QueryParam("environment", "Judge against the versions in this environment."),
    QueryParam("tag", "Judge against the latest versions with this tag."),
    QueryParam("mainBranch", "Judge against the heads of the main branches.", FLAG),
    QueryParam("latest", "With `tag`: the latest version with the tag.", FLAG),
    QueryParam(
        "limit", "At most this many rows.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}
    ),
    *_IGNORE,
)
"""The query the CLIs send, Rack-nested as `parse` reads it."""

CAN_I_DEPLOY_QUERY = (
    QueryParam("pacticipant", "The pacticipant to deploy.", NAME, required=True),
    QueryParam("version", "Its version number.", NAME, required=True),
    QueryParam("environment", "Where to deploy it (or give `to`).", NAME),
    QueryParam("to", "The tag of the versions to deploy beside (or give `environment`).", NAME),
    *_IGNORE,
)


class MatrixController(Controller):
    """`/matrix` and `/can-i-deploy`."""

    path = "/"

    @get(
        "/matrix", opt=read() | documented(query=MATRIX_QUERY, returns=MATRIX, media_types=ANSWERS)
    )
    async def matrix(
        self, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """can-i-deploy as the CLIs ask it, or the matrix between the versions the query names.

        The selected versions are judged together against the target: between two of them with
        their selected versions, with every other pacticipant at its versions in the target.
        Several selectors without a target give only the pacts between the named versions.
        """
        chosen = parse(request.scope.get("query_string", b"").decode("latin-1"))
        return answered(request, links, await judged(services, chosen))

    @get(
        "/can-i-deploy",
        opt=read() | documented(query=CAN_I_DEPLOY_QUERY, returns=MATRIX, media_types=ANSWERS),
    )
    async def can_i_deploy(
        self, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The reference resource (§12.5): `pacticipant`, `version`, and `to` or `environment`."""
        query = request.query_params
        problems = [
            FieldError(f"/{name}", "is required")
            for name in ("pacticipant", "version")
            if not query.get(name)
        ]
        if bool(query.get("to")) == bool(query.get("environment")):
            problems.append(FieldError("/environment", "give either environment or to (a tag)"))
        if problems:
            raise InvalidInputError("The can-i-deploy query is not valid", problems)
        target = (
            Target(kind="environment", name=query["environment"])
            if query.get("environment")
            else Target(kind="tag", name=query["to"])
        )
        ignore = [
            IgnoreSelector(pacticipant=i["pacticipant"], version=i.get("version") or None)
            for i in nested(
                parse_qsl(request.scope.get("query_string", b"").decode("latin-1")), "ignore"
            )
            if i.get("pacticipant")
        ]
        selector = VersionSelector(pacticipant=query["pacticipant"], version=query["version"])
        answer = await services.can_i_deploy.ask(selector, target, ignore)
        return answered(request, links, answer)
