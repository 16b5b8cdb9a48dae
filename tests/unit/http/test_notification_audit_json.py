"""The wire JSON of the notifications and audit pages, member by member."""

from __future__ import annotations

from datetime import UTC, datetime

from broker.domain.audit import AuditEntry, AuditRecord
from broker.domain.model import Pacticipant, Page
from broker.domain.notifications import Notification, NotifiedChange
from broker.http.audit_resources import audit_page
from broker.http.hal import Links
from broker.http.notification_resources import notifications
from tests.unit.http.wire import assert_wire

T0 = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
LINKS = Links("http://b")
WEB = Pacticipant(id=1, name="Web", created_at=T0, updated_at=T0)
HELD = Notification(
    id=2,
    consumer="Web",
    provider="Orders",
    provider_version="3",
    created_at=T0,
    summary="1 breaking change",
    changes=(
        NotifiedChange(
            id="c1",
            level="breaking",
            operation="removed",
            location="/paths/~1orders",
            text="GET /orders removed",
            interactions=("i1",),
        ),
    ),
    change_request_id=7,
)
PLAIN = Notification(
    id=1,
    consumer="Web",
    provider="Orders",
    provider_version="2",
    created_at=T0,
    summary="nothing",
    changes=(),
)
FIRST = AuditEntry(
    seq=1,
    record=AuditRecord(
        at="2024-01-02T03:04:05.000001+00:00",
        actor="admin",
        action="pacticipant.create",
        subject="pacticipant:Web",
        pacticipants=("Web",),
        hash_before=None,
        hash_after="h1",
    ),
    previous_hash="0",
    entry_hash="e1",
)
SIGNED = AuditEntry(
    seq=2,
    record=AuditRecord(
        at="2024-01-02T03:04:06.000001+00:00",
        actor="admin",
        action="pacticipant.delete",
        subject="pacticipant:Web",
        pacticipants=(),
        hash_before="h1",
        hash_after=None,
    ),
    previous_hash="e1",
    entry_hash="e2",
    mac="m2",
)


def test_notifications_page() -> None:
    """A held notification with a change, one without; changeRequestId null when none."""
    assert_wire(
        notifications(LINKS, WEB, [HELD, PLAIN], Page(number=1, size=2), 3),
        {
            "page": {"number": 1, "size": 2, "totalElements": 3, "totalPages": 2},
            "_embedded": {
                "notifications": [
                    {
                        "id": 2,
                        "consumer": "Web",
                        "provider": "Orders",
                        "providerVersion": "3",
                        "createdAt": "2024-01-02T03:04:05+00:00",
                        "summary": "1 breaking change",
                        "changes": [
                            {
                                "id": "c1",
                                "level": "breaking",
                                "operation": "removed",
                                "location": "/paths/~1orders",
                                "text": "GET /orders removed",
                                "interactions": ["i1"],
                            }
                        ],
                        "changeRequestId": 7,
                        "_links": {
                            "pb:consumer": {"href": "http://b/pacticipants/Web", "name": "Web"},
                            "pb:provider": {
                                "href": "http://b/pacticipants/Orders",
                                "name": "Orders",
                            },
                            "pb:provider-version": {
                                "href": "http://b/pacticipants/Orders/versions/3",
                                "name": "3",
                            },
                            "pf:changes": {
                                "href": "http://b/provider-contracts/provider/Orders/version/3/changes",
                                "title": "What changed in the provider's OpenAPI document",
                            },
                        },
                    },
                    {
                        "id": 1,
                        "consumer": "Web",
                        "provider": "Orders",
                        "providerVersion": "2",
                        "createdAt": "2024-01-02T03:04:05+00:00",
                        "summary": "nothing",
                        "changes": [],
                        "changeRequestId": None,
                        "_links": {
                            "pb:consumer": {"href": "http://b/pacticipants/Web", "name": "Web"},
                            "pb:provider": {
                                "href": "http://b/pacticipants/Orders",
                                "name": "Orders",
                            },
                            "pb:provider-version": {
                                "href": "http://b/pacticipants/Orders/versions/2",
                                "name": "2",
                            },
                            "pf:changes": {
                                "href": "http://b/provider-contracts/provider/Orders/version/2/changes",
                                "title": "What changed in the provider's OpenAPI document",
                            },
                        },
                    },
                ]
            },
            "_links": {
                "self": {
                    "href": "http://b/pacticipants/Web/notifications",
                    "title": "Notifications",
                },
                "pb:pacticipant": {"href": "http://b/pacticipants/Web", "name": "Web"},
                "next": {
                    "href": "http://b/pacticipants/Web/notifications?page=2&size=2",
                    "title": "Next page",
                },
            },
        },
    )


def test_notifications_none() -> None:
    """No notifications: an empty page."""
    assert_wire(
        notifications(LINKS, WEB, [], Page(), 0),
        {
            "page": {"number": 1, "size": 100, "totalElements": 0, "totalPages": 1},
            "_embedded": {"notifications": []},
            "_links": {
                "self": {
                    "href": "http://b/pacticipants/Web/notifications",
                    "title": "Notifications",
                },
                "pb:pacticipant": {"href": "http://b/pacticipants/Web", "name": "Web"},
            },
        },
    )


def test_audit_page_with_filters() -> None:
    """Entries with null hashes and mac; the paging links keep the filters."""
    assert_wire(
        audit_page(LINKS, [("actor", "admin")], [FIRST, SIGNED], Page(number=2, size=2), 5),
        {
            "page": {"number": 2, "size": 2, "totalElements": 5, "totalPages": 3},
            "_embedded": {
                "entries": [
                    {
                        "seq": 1,
                        "at": "2024-01-02T03:04:05.000001+00:00",
                        "actor": "admin",
                        "action": "pacticipant.create",
                        "subject": "pacticipant:Web",
                        "pacticipants": ["Web"],
                        "hashBefore": None,
                        "hashAfter": "h1",
                        "previousHash": "0",
                        "entryHash": "e1",
                        "mac": None,
                    },
                    {
                        "seq": 2,
                        "at": "2024-01-02T03:04:06.000001+00:00",
                        "actor": "admin",
                        "action": "pacticipant.delete",
                        "subject": "pacticipant:Web",
                        "pacticipants": [],
                        "hashBefore": "h1",
                        "hashAfter": None,
                        "previousHash": "e1",
                        "entryHash": "e2",
                        "mac": "m2",
                    },
                ]
            },
            "_links": {
                "self": {"href": "http://b/audit?actor=admin&page=2&size=2"},
                "previous": {
                    "href": "http://b/audit?actor=admin&page=1&size=2",
                    "title": "Previous page",
                },
                "next": {"href": "http://b/audit?actor=admin&page=3&size=2", "title": "Next page"},
            },
        },
    )
