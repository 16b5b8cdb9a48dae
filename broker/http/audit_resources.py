"""The HAL body of `GET /audit`: one page of entries, with the filters kept in the paging links."""

from __future__ import annotations

from urllib.parse import urlencode

from broker.domain.audit import AuditEntry
from broker.domain.model import Page
from broker.http.hal import Body, Links


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
    }


def audit_page(
    links: Links, filters: list[tuple[str, str]], items: list[AuditEntry], page: Page, total: int
) -> Body:
    """`GET /audit`: entries oldest first; `next`/`previous` keep the filters."""
    href = links.href("audit")

    def at(number: int) -> str:
        return f"{href}?{urlencode([*filters, ('page', str(number)), ('size', str(page.size))])}"

    nav: Body = {"self": links.link(at(page.number))}
    if page.number > 1:
        nav["previous"] = links.link(at(page.number - 1), title="Previous page")
    if page.offset + len(items) < total:
        nav["next"] = links.link(at(page.number + 1), title="Next page")
    return {
        "page": {
            "number": page.number,
            "size": page.size,
            "totalElements": total,
            "totalPages": max(1, -(-total // page.size)),
        },
        "_embedded": {"entries": [entry(item) for item in items]},
        "_links": nav,
    }
