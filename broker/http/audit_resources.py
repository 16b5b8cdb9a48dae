"""The HAL body of `GET /audit`: one page of entries, with the filters kept in the paging links."""

from __future__ import annotations

import msgspec

from broker.domain.audit import AuditEntry
from broker.domain.model import Page
from broker.http.hal import Links
from broker.http.resources import page_href, paging
from broker.http.responses import Link, ListLinks, PageInfo, Resource


class AuditEntryBody(Resource):
    """One entry, with every field its hash covers; `mac` is null without an audit key."""

    seq: int
    at: str
    actor: str
    action: str
    subject: str
    pacticipants: list[str]
    hash_before: str | None
    hash_after: str | None
    previous_hash: str
    entry_hash: str
    mac: str | None


def entry(item: AuditEntry) -> AuditEntryBody:
    """One entry, with every field its hash covers, as the chain check needs them."""
    r = item.record
    return AuditEntryBody(
        seq=item.seq,
        at=r.at,
        actor=r.actor,
        action=r.action,
        subject=r.subject,
        pacticipants=list(r.pacticipants),
        hash_before=r.hash_before,
        hash_after=r.hash_after,
        previous_hash=item.previous_hash,
        entry_hash=item.entry_hash,
        mac=item.mac,
    )


class AuditEmbedded(Resource):
    """`_embedded` of a page of the audit log."""

    entries: list[AuditEntryBody]


class AuditPage(Resource):
    """`GET /audit`."""

    page: PageInfo
    embedded: AuditEmbedded = msgspec.field(name="_embedded")
    links: ListLinks = msgspec.field(name="_links")


def audit_page(
    links: Links, filters: list[tuple[str, str]], items: list[AuditEntry], page: Page, total: int
) -> AuditPage:
    """`GET /audit`: entries oldest first; `next`/`previous` keep the filters."""
    href = links.href("audit")
    parts = paging(links, href, page, total, len(items), query=filters)
    return AuditPage(
        page=parts.info,
        embedded=AuditEmbedded(entries=[entry(item) for item in items]),
        links=ListLinks(
            self_=Link(href=page_href(href, filters, page)),
            previous=parts.previous,
            next=parts.next,
        ),
    )
