"""What a consumer is told when its provider's OpenAPI document changes (`domain/notifications`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import msgspec
import pytest

from broker.domain.notifications import (
    NotifiedChange,
    notification_for,
    notifies,
    summary,
)


class Change(msgspec.Struct, frozen=True, kw_only=True):
    """A change as the diff reports it (the service passes `SpecChange`s of this shape)."""

    id: str
    level: str
    operation: str = "GET /users/{id}"
    location: str = "paths./users/{id}.get"
    text: str = "changed"
    interactions: Mapping[str, Sequence[str]] = msgspec.field(default_factory=dict)


REMOVED = Change(
    id="api-path-removed-without-deprecation",
    level="ERR",
    interactions={"Web": ["a request for user 42"], "App": ["get user", "get user again"]},
)
WIDENED = Change(
    id="response-optional-property-added",
    level="INFO",
    operation="POST /users",
    interactions={"Web": ["create a user"]},
)
DESCRIBED = Change(id="api-description-changed", level="INFO", operation="")


@pytest.mark.parametrize(
    ("has_previous", "changes", "expected"),
    [
        (False, [REMOVED], False),  # a first document changes nothing for anyone
        (True, [], False),  # the same content again: an empty diff
        (True, [DESCRIBED], True),  # any change, breaking or not
        (True, [REMOVED, WIDENED], True),
    ],
)
def test_a_publication_notifies_only_when_it_changed_a_previous_document(
    has_previous: bool, changes: list[Change], expected: bool
) -> None:
    assert notifies(has_previous, changes) is expected


def test_a_consumer_hears_of_every_change_with_only_its_own_interactions() -> None:
    draft = notification_for("Web", "Users", "2.0.0", [REMOVED, WIDENED, DESCRIBED])
    assert (draft.consumer, draft.provider, draft.provider_version) == ("Web", "Users", "2.0.0")
    assert [(c.id, c.interactions) for c in draft.changes] == [
        ("api-path-removed-without-deprecation", ("a request for user 42",)),
        ("response-optional-property-added", ("create a user",)),
        ("api-description-changed", ()),
    ]
    assert draft.changes[0] == NotifiedChange(
        id=REMOVED.id,
        level="ERR",
        operation=REMOVED.operation,
        location=REMOVED.location,
        text=REMOVED.text,
        interactions=("a request for user 42",),
    )


def test_a_consumer_no_change_touches_still_hears_of_them() -> None:
    draft = notification_for("Mobile", "Users", "2.0.0", [REMOVED, WIDENED])
    assert [c.id for c in draft.changes] == [REMOVED.id, WIDENED.id]
    assert all(c.interactions == () for c in draft.changes)


@pytest.mark.parametrize(
    ("consumer", "changes", "expected"),
    [
        (
            "Mobile",
            [REMOVED, WIDENED],
            "Version 2 of Users changed its OpenAPI document: 2 changes, 1 breaking;"
            " no interaction of Mobile uses what changed.",
        ),
        (
            "Web",
            [REMOVED, WIDENED],
            "Version 2 of Users changed its OpenAPI document: 2 changes, 1 breaking;"
            " the breaking change affects 1 interaction of Web.",
        ),
        (
            "App",
            [REMOVED, REMOVED],
            "Version 2 of Users changed its OpenAPI document: 2 changes, 2 breaking;"
            " breaking changes affect 2 interactions of App.",
        ),
        (
            "Web",
            [WIDENED],
            "Version 2 of Users changed its OpenAPI document: 1 change, none breaking;"
            " 1 interaction of Web uses what changed, none broken.",
        ),
        (
            "Web",
            [WIDENED, DESCRIBED, REMOVED],
            "Version 2 of Users changed its OpenAPI document: 3 changes, 1 breaking;"
            " the breaking change affects 1 interaction of Web.",
        ),
    ],
)
def test_the_summary_says_how_much_changed_and_what_it_does_to_the_consumer(
    consumer: str, changes: list[Change], expected: str
) -> None:
    draft = notification_for(consumer, "Users", "2", changes)
    assert draft.summary == expected
    assert summary(consumer, "Users", "2", draft.changes) == expected


def test_an_interaction_two_changes_affect_counts_once() -> None:
    again = Change(id="response-property-removed", level="WARN", interactions=REMOVED.interactions)
    draft = notification_for("App", "Users", "2", [again, again])
    assert draft.summary.endswith("2 interactions of App use what changed, none broken.")
