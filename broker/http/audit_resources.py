"""The HAL body of `GET /audit`: one page of entries, with the filters kept in the paging links."""

from __future__ import annotations

from broker.domain.audit import AuditEntry
from broker.domain.model import Page
from broker.http.hal import Body, Links
from broker.http.resources import page_href, paged


def entry(item: AuditEntry) -> Body:
    """One entry, with every field its hash covers, as the chain check needs them."""
    r = item.record
    return {
        "seq": item.seq,
        "at": r.at,
        "actor": r.actor,
        "action": r.action,
        "subject": r.subject,
        "pacticipants": list(r.pacticipants),
        "hashBefore": r.hash_before,
        "hashAfter": r.hash_after,
        "previousHash": item.previous_hash,
        "entryHash": item.entry_hash,
        "mac": item.mac,
    }


def audit_page(
    links: Links, filters: list[tuple[str, str]], items: list[AuditEntry], page: Page, total: int
) -> Body:
    """`GET /audit`: entries oldest first; `next`/`previous` keep the filters."""
    href = links.href("audit")
    info, nav = paged(links, href, page, total, len(items), query=filters)
    return {
        "page": info,
        "_embedded": {"entries": [entry(item) for item in items]},
        "_links": {"self": links.link(page_href(href, filters, page)), **nav},
    }
