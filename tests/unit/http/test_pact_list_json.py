"""The wire JSON of pact lists and of a publication's answer, member by member."""

from __future__ import annotations

from datetime import UTC, datetime

from broker.domain.errors import Notice
from broker.domain.model import Pacticipant, PactPublication, PactVersion, Page, Version
from broker.http.hal import Links
from broker.http.pact_resources import latest_pacts, pact_versions, publish_result
from broker.services.contracts import Pact, PublishedPact, PublishOutcome
from tests.unit.http.wire import assert_wire

T0 = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
LINKS = Links("http://b")
WEB = Pacticipant(id=1, name="Web", created_at=T0, updated_at=T0)
ORDERS = Pacticipant(id=2, name="Orders", created_at=T0, updated_at=T0)
V1 = Version(id=1, pacticipant_id=1, number="1.0", created_at=T0, updated_at=T0)
PACT = Pact(
    consumer=WEB,
    provider=ORDERS,
    consumer_version=V1,
    publication=PactPublication(
        id=1,
        consumer_id=1,
        provider_id=2,
        consumer_version_id=1,
        pact_version_id=1,
        revision=1,
        created_at=T0,
        updated_at=T0,
    ),
    content=PactVersion(id=1, consumer_id=1, provider_id=2, sha="abc", content="{}", created_at=T0),
)


def outcome(tags: tuple[str, ...], pacts: list[Pact], notices: list[Notice]) -> PublishOutcome:
    return PublishOutcome(
        consumer=WEB,
        version=V1,
        version_created=True,
        tags=tags,
        pacts=[PublishedPact(pact=p, outcome="created") for p in pacts],
        notices=notices,
    )


def test_latest_pacts() -> None:
    """Every latest pact, summarised, and linked under both relation names."""
    assert_wire(
        latest_pacts(LINKS, "http://b/pacts/latest", [PACT]),
        {
            "pacts": [
                {
                    "createdAt": "2024-01-02T03:04:05+00:00",
                    "_embedded": {
                        "consumer": {
                            "name": "Web",
                            "_links": {"self": {"href": "http://b/pacticipants/Web"}},
                            "_embedded": {
                                "version": {
                                    "number": "1.0",
                                    "_links": {
                                        "self": {"href": "http://b/pacticipants/Web/versions/1.0"}
                                    },
                                }
                            },
                        },
                        "provider": {
                            "name": "Orders",
                            "_links": {"self": {"href": "http://b/pacticipants/Orders"}},
                        },
                    },
                    "_links": {
                        "self": [
                            {
                                "href": "http://b/pacts/provider/Orders/consumer/Web/latest",
                                "title": "Latest version of this pact",
                            },
                            {
                                "href": "http://b/pacts/provider/Orders/consumer/Web/version/1.0",
                                "title": "Pact",
                                "name": "Pact between Web (1.0) and Orders",
                            },
                        ]
                    },
                }
            ],
            "_links": {
                "self": {"href": "http://b/pacts/latest"},
                "pb:pacts": [
                    {
                        "href": "http://b/pacts/provider/Orders/consumer/Web/version/1.0",
                        "title": "Pact",
                        "name": "Web",
                    }
                ],
                "pacts": [
                    {
                        "href": "http://b/pacts/provider/Orders/consumer/Web/version/1.0",
                        "title": "Pact",
                        "name": "Web",
                    }
                ],
            },
        },
    )


def test_latest_pacts_of_a_provider() -> None:
    """One provider's latest pacts link to the provider; none here."""
    assert_wire(
        latest_pacts(LINKS, "http://b/pacts/provider/Orders/latest", [], "Orders"),
        {
            "pacts": [],
            "_links": {
                "self": {"href": "http://b/pacts/provider/Orders/latest"},
                "pb:pacts": [],
                "pacts": [],
                "pb:provider": {"href": "http://b/pacticipants/Orders", "name": "Orders"},
                "provider": {"href": "http://b/pacticipants/Orders", "name": "Orders"},
            },
        },
    )


def test_pact_versions_page() -> None:
    """A page of a pact's versions with the page before it."""
    assert_wire(
        pact_versions(
            LINKS,
            "http://b/pacts/provider/Orders/consumer/Web/versions",
            [PACT],
            Page(number=2, size=1),
            2,
        ),
        {
            "page": {"number": 2, "size": 1, "totalElements": 2, "totalPages": 2},
            "_embedded": {
                "pacts": [
                    {
                        "createdAt": "2024-01-02T03:04:05+00:00",
                        "_embedded": {
                            "consumer": {
                                "name": "Web",
                                "_links": {"self": {"href": "http://b/pacticipants/Web"}},
                                "_embedded": {
                                    "version": {
                                        "number": "1.0",
                                        "_links": {
                                            "self": {
                                                "href": "http://b/pacticipants/Web/versions/1.0"
                                            }
                                        },
                                    }
                                },
                            },
                            "provider": {
                                "name": "Orders",
                                "_links": {"self": {"href": "http://b/pacticipants/Orders"}},
                            },
                        },
                        "_links": {
                            "self": [
                                {
                                    "href": "http://b/pacts/provider/Orders/consumer/Web/latest",
                                    "title": "Latest version of this pact",
                                },
                                {
                                    "href": "http://b/pacts/provider/Orders/consumer/Web/version/1.0",
                                    "title": "Pact",
                                    "name": "Pact between Web (1.0) and Orders",
                                },
                            ]
                        },
                    }
                ]
            },
            "_links": {
                "self": {
                    "href": "http://b/pacts/provider/Orders/consumer/Web/versions",
                    "title": "All versions of this pact",
                },
                "previous": {
                    "href": "http://b/pacts/provider/Orders/consumer/Web/versions?page=1&size=1",
                    "title": "Previous page",
                },
            },
        },
    )


def test_publish_result() -> None:
    """Notices twice (as notices and logs), tags and the published pact."""
    assert_wire(
        publish_result(LINKS, outcome(("main",), [PACT], [Notice("info", "Created")])),
        {
            "notices": [
                {"type": "info", "text": "Created"},
                {
                    "type": "debug",
                    "text": "  View the published pact at "
                    "http://b/pacts/provider/Orders/consumer/Web/version/1.0",
                },
            ],
            "logs": [
                {
                    "level": "info",
                    "message": "Created",
                    "deprecationWarning": "Replaced by notices",
                },
                {
                    "level": "debug",
                    "message": "  View the published pact at "
                    "http://b/pacts/provider/Orders/consumer/Web/version/1.0",
                    "deprecationWarning": "Replaced by notices",
                },
            ],
            "_embedded": {
                "pacticipant": {
                    "name": "Web",
                    "_links": {"self": {"href": "http://b/pacticipants/Web"}},
                },
                "version": {
                    "number": "1.0",
                    "_links": {
                        "self": {
                            "href": "http://b/pacticipants/Web/versions/1.0",
                            "title": "Version",
                            "name": "1.0",
                        }
                    },
                },
            },
            "_links": {
                "pb:pacticipant": {
                    "href": "http://b/pacticipants/Web",
                    "title": "Pacticipant",
                    "name": "Web",
                },
                "pb:pacticipant-version": {
                    "href": "http://b/pacticipants/Web/versions/1.0",
                    "title": "Pacticipant version",
                    "name": "1.0",
                },
                "pb:pacticipant-version-tags": [
                    {
                        "href": "http://b/pacticipants/Web/versions/1.0/tags/main",
                        "title": "Tag",
                        "name": "main",
                    }
                ],
                "pb:contracts": [
                    {
                        "href": "http://b/pacts/provider/Orders/consumer/Web/version/1.0",
                        "title": "Pact",
                        "name": "Pact between Web (1.0) and Orders",
                    }
                ],
            },
        },
    )


def test_publish_result_empty() -> None:
    """Nothing published, no tags: empty lists stay."""
    assert_wire(
        publish_result(LINKS, outcome((), [], [])),
        {
            "notices": [],
            "logs": [],
            "_embedded": {
                "pacticipant": {
                    "name": "Web",
                    "_links": {"self": {"href": "http://b/pacticipants/Web"}},
                },
                "version": {
                    "number": "1.0",
                    "_links": {
                        "self": {
                            "href": "http://b/pacticipants/Web/versions/1.0",
                            "title": "Version",
                            "name": "1.0",
                        }
                    },
                },
            },
            "_links": {
                "pb:pacticipant": {
                    "href": "http://b/pacticipants/Web",
                    "title": "Pacticipant",
                    "name": "Web",
                },
                "pb:pacticipant-version": {
                    "href": "http://b/pacticipants/Web/versions/1.0",
                    "title": "Pacticipant version",
                    "name": "1.0",
                },
                "pb:pacticipant-version-tags": [],
                "pb:contracts": [],
            },
        },
    )
