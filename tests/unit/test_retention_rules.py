"""The retention rules (`broker/domain/retention.py`), without storage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from broker.domain.errors import InvalidInputError
from broker.domain.retention import Counts, Policy, Reason, VersionFacts, decide, parse_moment

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def facts(**changes: object) -> VersionFacts:
    """Versions 1..10 made a day apart; 1..6 on branch 100 in order, 7..8 on branch 200."""
    fields: dict[str, object] = {
        "versions": [(i, f"1.0.{i}", NOW - timedelta(days=10 - i)) for i in range(1, 11)],
        "memberships": [(100, i, i) for i in range(1, 7)] + [(200, 7, 7), (200, 8, 8)],
        "tags": [],
        "deployed": frozenset(),
        "released": frozenset(),
        "change_request_numbers": frozenset(),
        "integration_heads": frozenset(),
    }
    fields.update(changes)
    return VersionFacts(**fields)  # type: ignore[arg-type]


def test_the_newest_n_of_each_branch_and_the_newest_version_are_kept() -> None:
    decision = decide(facts(), Policy(keep_latest_per_branch=2))
    assert decision.kept == {
        10: Reason.LATEST,
        5: Reason.BRANCH,
        6: Reason.BRANCH,
        7: Reason.BRANCH,
        8: Reason.BRANCH,
    }
    assert decision.doomed == [1, 2, 3, 4, 9]  # 9 is on no branch and not the newest


def test_a_branch_head_is_the_version_added_last_not_the_highest_id() -> None:
    added = [(100, 6, 1), (100, 2, 2)]  # version 2 was added to the branch after version 6
    decision = decide(facts(memberships=added), Policy(keep_latest_per_branch=1))
    assert decision.kept[2] is Reason.BRANCH
    assert 6 in decision.doomed


def test_what_is_always_kept_is_kept_whatever_the_policy() -> None:
    decision = decide(
        facts(
            deployed=frozenset({1}),
            released=frozenset({2}),
            change_request_numbers=frozenset({"1.0.3"}),
            tags=[("prod", 3), ("prod", 4), ("dev", 1)],
            integration_heads=frozenset({9}),
        ),
        Policy(keep_latest_per_branch=1),
    )
    assert decision.kept == {
        1: Reason.DEPLOYED,
        2: Reason.RELEASED,
        3: Reason.CHANGE_REQUEST,
        4: Reason.LATEST_WITH_TAG,
        9: Reason.INTEGRATION,
        10: Reason.LATEST,
        6: Reason.BRANCH,
        8: Reason.BRANCH,
    }
    assert decision.doomed == [5, 7]


def test_versions_since_the_cutoff_are_kept() -> None:
    policy = Policy(keep_latest_per_branch=1, keep_newer_than=NOW - timedelta(days=3))
    decision = decide(facts(), policy)
    assert {i for i, r in decision.kept.items() if r is Reason.NEWER} == {7, 9}
    assert decision.doomed == [1, 2, 3, 4, 5]


def test_a_policy_keeping_no_branch_head_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        decide(facts(), Policy(keep_latest_per_branch=0))


def test_no_versions_keep_nothing_and_doom_nothing() -> None:
    decision = decide(facts(versions=[], memberships=[]), Policy())
    assert (decision.kept, decision.doomed) == ({}, [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90d", NOW - timedelta(days=90)),
        ("12w", NOW - timedelta(weeks=12)),
        ("36h", NOW - timedelta(hours=36)),
        ("2026-01-31", datetime(2026, 1, 31, tzinfo=UTC)),
        ("2026-01-31T10:00:00", datetime(2026, 1, 31, 10, tzinfo=UTC)),
        ("2026-01-31T10:00:00+02:00", datetime(2026, 1, 31, 8, tzinfo=UTC)),
    ],
)
def test_a_cutoff_is_an_age_or_an_iso_date(text: str, expected: datetime) -> None:
    assert parse_moment(text, NOW, "/keepNewerThan") == expected


@pytest.mark.parametrize("text", ["90", "d", "-5d", "90 days", "2026-13-01", "yesterday", ""])
def test_anything_else_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        parse_moment(text, NOW, "/keepNewerThan")
    [error] = raised.value.errors
    assert error.pointer == "/keepNewerThan"
    assert "90d" in error.detail


def test_counts_add_up_and_tell_other_rows_apart() -> None:
    total = Counts(versions=2, pact_publications=3, tags=1)
    total.add(Counts(verifications=4, branch_versions=2, comparisons=1))
    assert (total.total, total.others) == (13, 4)
