"""What the notifications and audit pages show, gathered from the services (no HTTP).

Notifications are those of the consumers the caller's teams own (a caller in no team, such as
an admin token or an open broker's visitor, sees every consumer's), or one consumer's as
`GET /pacticipants/{name}/notifications` gives them. The audit page is `GET /audit` with its
filters, and the chain recomputed from its first entry with its head.
"""

from __future__ import annotations

from collections.abc import Mapping

import msgspec

from broker.domain.audit import AuditEntry, AuditFilters
from broker.domain.model import Page
from broker.domain.notifications import Notification
from broker.http.context import Services
from broker.http.routes.audit import audit_filters
from broker.services.actor import Actor
from broker.services.audit import ChainCheck

NOTIFICATIONS_PER_PAGE = 20
AUDIT_ENTRIES_PER_PAGE = 50
AUDIT_FILTER_FIELDS = ("actor", "action", "subject", "pacticipant", "since", "until")


def _pages(total: int, page: Page) -> int:
    return max(1, -(-total // page.size))


class NotificationsView(msgspec.Struct, frozen=True, kw_only=True):
    """One page of notifications, and whose they are."""

    notifications: list[Notification]
    total: int
    page: Page
    teams: tuple[str, ...]  # the caller's teams whose consumers are shown; () for everyone's
    consumer: str | None  # the one consumer asked for, when one was

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return _pages(self.total, self.page)


async def notifications_view(
    services: Services, actor: Actor, page: Page, consumer: str | None
) -> NotificationsView:
    """The notifications `actor` is shown: `consumer`'s, else those of its teams' consumers.

    Raises:
        NotFoundError: `consumer` names no pacticipant.
    """
    if consumer is not None:
        found, items, total = await services.notifications.list_notifications(consumer, page)
        return NotificationsView(
            notifications=items, total=total, page=page, teams=(), consumer=found.name
        )
    teams = actor.teams
    items, total = await services.notifications.list_team_notifications(teams or None, page)
    return NotificationsView(
        notifications=items, total=total, page=page, teams=teams, consumer=None
    )


class AuditView(msgspec.Struct, frozen=True, kw_only=True):
    """One page of the filtered log, and the whole chain's check."""

    entries: list[AuditEntry]
    total: int
    page: Page
    filters: AuditFilters
    given: list[tuple[str, str]]  # the non-empty filters, as the query named them
    chain: ChainCheck

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return _pages(self.total, self.page)

    @property
    def values(self) -> dict[str, str]:
        """Each filter field's value for the form ("" when not given)."""
        given = dict(self.given)
        return {name: given.get(name, "") for name in AUDIT_FILTER_FIELDS}


def given_filters(query: Mapping[str, str]) -> dict[str, str]:
    """The filters a page's GET form sent: an empty field means no filter, not `= ''`."""
    return {name: value for name in AUDIT_FILTER_FIELDS if (value := query.get(name, "").strip())}


async def audit_view(services: Services, query: Mapping[str, str], page: Page) -> AuditView:
    """The page of the log the form asks for, as `GET /audit` answers it, and the chain's check.

    Raises:
        InvalidInputError: a time filter that is not ISO 8601 with an offset.
    """
    filters, given = audit_filters(given_filters(query))
    entries, total = await services.audit.entries(filters, page)
    return AuditView(
        entries=entries,
        total=total,
        page=page,
        filters=filters,
        given=given,
        chain=await services.audit.check_chain(),
    )
