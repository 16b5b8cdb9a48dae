"""`GET /audit`: the audit log, filtered and paged."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from litestar import Controller, Response, get

from broker.domain.audit import GENESIS, AuditFilters, head
from broker.domain.errors import FieldError, InvalidInputError
from broker.http.audit_resources import AuditPage, audit_page
from broker.http.context import LinksDep, ServicesDep, page_of
from broker.http.hal import AnyRequest, hal
from broker.http.operation_docs import PAGING, QueryParam, documented
from broker.http.permissions import read
from broker.http.responses import AuditHead, AuditHeadLinks, Link

_TEXT_FILTERS = ("actor", "action", "subject", "pacticipant")
_TIME_FILTERS = ("since", "until")


def audit_filters(query: Mapping[str, str]) -> tuple[AuditFilters, list[tuple[str, str]]]:
    """The filters a query asks for, and the pairs that name them (for the paging links).

    Raises:
        InvalidInputError: naming each time that is not ISO 8601 with an offset.
    """
    given = [
        (name, value)
        for name in (*_TEXT_FILTERS, *_TIME_FILTERS)
        if (value := query.get(name)) is not None
    ]
    texts: dict[str, str] = {}
    times: dict[str, datetime] = {}
    problems = []
    for name, value in given:
        if name in _TEXT_FILTERS:
            texts[name] = value
            continue
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            problems.append(FieldError(f"/{name}", "must be an ISO 8601 time with an offset"))
        else:
            times[name] = moment
    if problems:
        raise InvalidInputError("The audit filters are not valid", problems)
    filters = AuditFilters(
        actor=texts.get("actor"),
        action=texts.get("action"),
        subject=texts.get("subject"),
        pacticipant=texts.get("pacticipant"),
        since=times.get("since"),
        until=times.get("until"),
    )
    return filters, given


_TIME = {"type": "string", "format": "date-time"}
AUDIT_FILTERS = (
    QueryParam("actor", "Only entries by this actor."),
    QueryParam("action", "Only entries of this action."),
    QueryParam("subject", "Only entries about this subject."),
    QueryParam("pacticipant", "Only entries about this pacticipant."),
    QueryParam("since", "Only entries at or after this time (with an offset).", _TIME),
    QueryParam("until", "Only entries before this time (with an offset).", _TIME),
)


class AuditController(Controller):
    """`/audit` and `/audit/head`."""

    path = "/audit"

    @get("/", opt=read() | documented(query=(*AUDIT_FILTERS, *PAGING), returns=AuditPage))
    async def audit_log(
        self, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Entries oldest first; `?actor= &action= &subject= &pacticipant= &since= &until=`."""
        filters, given = audit_filters(request.query_params)
        page = page_of(request)
        items, total = await services.audit.entries(filters, page)
        return hal(audit_page(links, given, items, page, total))

    @get("/head", opt=read() | documented(returns=AuditHead))
    async def audit_head(self, services: ServicesDep, links: LinksDep) -> Response[bytes]:
        """The newest entry's place and hash (`head` as `SEQ:HASH`), to keep somewhere else."""
        newest = await services.audit.head()
        return hal(
            AuditHead(
                seq=0 if newest is None else newest.seq,
                entry_hash=GENESIS if newest is None else newest.entry_hash,
                head="0:" + GENESIS if newest is None else head(newest),
                mac=None if newest is None else newest.mac,
                links=AuditHeadLinks(
                    self_=Link(href=links.href("audit", "head")),
                    audit=Link(href=links.href("audit")),
                ),
            )
        )
