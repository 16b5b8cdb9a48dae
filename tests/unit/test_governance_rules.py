"""The governance rules (`broker.domain.governance`), table by table."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import pytest

from broker.domain.approvals import (
    approve,
    awaiting_teams,
    hold_sentence,
    override,
    reject,
    tally,
    version_holds,
)
from broker.domain.errors import ConflictError, ForbiddenError, InvalidInputError, Notice
from broker.domain.governance import (
    Approval,
    ChangeRequest,
    Kind,
    Mode,
    Policy,
    Requirement,
    Status,
    check_policy,
    governed,
    needs_request,
    parse_mode,
    requirements_for,
)
from broker.domain.matrix import Decision

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def request(
    *requirements: Requirement, status: Status = Status.OPEN, approvals: tuple[Approval, ...] = ()
) -> ChangeRequest:
    return ChangeRequest(
        approvals=approvals,
        id=7,
        kind=Kind.PACT,
        pacticipant="Web",
        provider="Orders",
        content_sha="ab" * 32,
        base_sha=None,
        author="token:web-ci",
        status=status,
        requirements=requirements,
        affected=(),
        created_at=NOW,
    )


ORDERS = Requirement(name="Orders", teams=("orders",))
ANYONE = Requirement(name="Stock", teams=())


@pytest.mark.parametrize(
    ("mode", "approved", "expected"),
    [
        (Mode.GREENFIELD, False, False),
        (Mode.POLISH, False, False),
        (Mode.ENTERPRISE, False, True),  # new content, or a brand-new integration
        (Mode.ENTERPRISE, True, False),  # approved stays approved
    ],
)
def test_which_publications_open_a_change_request(
    mode: Mode, approved: bool, expected: bool
) -> None:
    assert needs_request(mode, approved=approved) is expected


@pytest.mark.parametrize(
    ("policy", "owners", "expected"),
    [
        # A consumer's change: one member of the provider's teams.
        (None, {"Orders": frozenset({"orders"})}, (ORDERS,)),
        # A provider's change: one member of each consumer's teams.
        (
            None,
            {"Web": frozenset({"web"}), "App": frozenset({"app", "mobile"})},
            (
                Requirement(name="Web", teams=("web",)),
                Requirement(name="App", teams=("app", "mobile")),
            ),
        ),
        # Nobody owns the counterpart: any approver.
        (None, {"Stock": frozenset()}, (ANYONE,)),
        # A provider contract no consumer uses yet: any approver.
        (None, {}, (Requirement(name="any approver", teams=()),)),
        # The pacticipant's own policy replaces the default.
        (
            Policy(pacticipant="Web", teams=("a", "b", "c"), required=2),
            {"Orders": frozenset({"orders"})},
            (Requirement(name="the policy of Web", teams=("a", "b", "c"), needed=2),),
        ),
    ],
)
def test_who_must_approve(
    policy: Policy | None, owners: dict[str, frozenset[str]], expected: tuple[Requirement, ...]
) -> None:
    assert requirements_for(policy, owners) == expected


def approval(who: str, *teams: str) -> Approval:
    return Approval(approver=who, teams=teams, at=NOW)


@pytest.mark.parametrize(
    ("requirement", "approvals", "met"),
    [
        (ORDERS, [], False),
        (ORDERS, [approval("bob", "web")], False),
        (ORDERS, [approval("ann", "orders")], True),
        (ANYONE, [approval("bob", "web")], True),
        (Requirement(name="p", teams=("a", "b", "c"), needed=2), [approval("x", "a")], False),
        # Two members of one team are one team.
        (
            Requirement(name="p", teams=("a", "b", "c"), needed=2),
            [approval("x", "a"), approval("y", "a")],
            False,
        ),
        (
            Requirement(name="p", teams=("a", "b", "c"), needed=2),
            [approval("x", "a"), approval("y", "c")],
            True,
        ),
        # One approver in two of the teams counts for one of them.
        (
            Requirement(name="p", teams=("a", "b", "c"), needed=2),
            [approval("x", "a", "b")],
            False,
        ),
    ],
)
def test_when_a_requirement_is_met(
    requirement: Requirement, approvals: list[Approval], met: bool
) -> None:
    [progress] = tally(request(requirement, approvals=tuple(approvals)))
    assert progress.is_met is met


def test_approving_until_every_requirement_is_met() -> None:
    two = request(ORDERS, Requirement(name="Billing", teams=("billing",)))
    once = approve(two, "token:ann", "approver", ("orders",), NOW)
    assert (once.changed, once.request.status) == (True, Status.OPEN)
    assert awaiting_teams(once.request) == ["billing"]
    assert once.note == (
        "Approved change request 7 for orders (Orders): it needs 1 approval from a member of"
        " billing (for Billing)."
    )
    again = approve(once.request, "token:ann", "approver", ("orders",), NOW)
    assert (again.changed, again.request) == (False, once.request)
    assert "changes nothing and was not recorded" in again.note
    done = approve(once.request, "token:bo", "approver", ("billing",), NOW).request
    assert (done.status, done.decided_by, done.decided_at) == (Status.APPROVED, "token:bo", NOW)
    late = approve(done, "token:cy", "approver", ("orders",), NOW)
    assert (late.changed, late.request) == (False, done)
    assert late.note.startswith("Change request 7 is approved already.")


POLICY = Requirement(name="the policy of Web", teams=("a", "b", "c"), needed=2)


def test_trust_04_one_person_in_two_teams_counts_once() -> None:
    """With "2 of a, b, c", an approver in a and b approves alone: one team counted, not two."""
    first = approve(request(POLICY), "user:x", "approver", ("a", "b"), NOW)
    assert first.request.status is Status.OPEN
    assert [a.team for a in first.request.approvals] == ["a"]
    assert first.note == (
        "Approved change request 7 for a (the policy of Web): it needs 1 more approval from one"
        " of b, c (for the policy of Web)."
    )
    # The same person again, for the other team: one person counts once.
    twice = approve(first.request, "user:x", "approver", ("a", "b"), NOW, as_team="b")
    assert (twice.changed, twice.request) == (False, first.request)
    # Another member of the counted team changes nothing either.
    same_team = approve(first.request, "user:y", "approver", ("a",), NOW)
    assert (same_team.changed, same_team.request.status) == (False, Status.OPEN)
    assert "changes nothing" in same_team.note
    done = approve(first.request, "user:z", "approver", ("c",), NOW).request
    assert done.status is Status.APPROVED


def test_trust_04_one_person_never_satisfies_two_requirements() -> None:
    """A provider's change needs Web's and Mobile's teams: one member of both is not enough."""
    both = request(
        Requirement(name="Mobile", teams=("mobile",)), Requirement(name="Web", teams=("web",))
    )
    once = approve(both, "user:x", "approver", ("mobile", "web"), NOW)
    assert once.request.status is Status.OPEN
    assert awaiting_teams(once.request) == ["web"]
    again = approve(once.request, "user:x", "approver", ("mobile", "web"), NOW, as_team="web")
    assert again.changed is False


def test_trust_04_the_approver_chooses_the_team_it_counts_for() -> None:
    chosen = approve(request(POLICY), "user:x", "approver", ("a", "b"), NOW, as_team="b")
    assert [a.team for a in chosen.request.approvals] == ["b"]
    assert awaiting_teams(chosen.request) == ["a", "c"]
    with pytest.raises(ForbiddenError, match="not a member of c"):
        approve(request(POLICY), "user:x", "approver", ("a", "b"), NOW, as_team="c")
    with pytest.raises(InvalidInputError) as raised:
        approve(request(POLICY), "user:x", "approver", ("a", "z"), NOW, as_team="z")
    assert raised.value.errors[0].pointer == "/team"


def test_trust_04_approvals_from_before_counting_once_take_the_first_open_slot() -> None:
    legacy = (approval("x", "a", "b"), approval("y", "b"))
    [progress] = tally(request(POLICY, approvals=legacy))
    assert progress.counted == ("a", "b")
    assert progress.is_met


def test_trust_16_override_needs_an_admin_a_reason_and_an_undecided_request() -> None:
    overridden = override(
        request(ORDERS), admin="user:root", role="admin", reason=" fire ", now=NOW
    )
    assert (overridden.status, overridden.override_reason) == (Status.OVERRIDDEN, "fire")
    assert hold_sentence(overridden).startswith(
        "Change request 7 was overridden by user:root without approval: fire"
    )
    with pytest.raises(ForbiddenError):
        override(request(ORDERS), admin="u", role="approver", reason="x", now=NOW)
    with pytest.raises(InvalidInputError):
        override(request(ORDERS), admin="u", role="admin", reason="  ", now=NOW)
    with pytest.raises(ConflictError):
        override(
            request(ORDERS, status=Status.APPROVED), admin="u", role="admin", reason="x", now=NOW
        )


def test_trust_03_a_version_stays_held_by_the_requests_that_list_it() -> None:
    """Whatever became of the version's content: held unless approved or in effect now."""
    open_one = request(ORDERS)
    rejected = msgspec.structs.replace(open_one, id=8, status=Status.REJECTED, decided_by="a")
    approved = msgspec.structs.replace(open_one, id=9, status=Status.APPROVED)
    superseded_later_approved = msgspec.structs.replace(open_one, id=10, status=Status.SUPERSEDED)
    holds, warnings = version_holds(
        [open_one, rejected, approved, superseded_later_approved], {10: True}
    )
    assert [h.split(" ")[2] for h in holds] == ["7", "8"]
    assert warnings == []


@pytest.mark.parametrize(
    ("who", "role", "teams", "error", "words"),
    [
        ("token:web-ci", "admin", ("orders",), ForbiddenError, "published this change"),
        ("token:web-ci2", "write", ("orders",), ForbiddenError, "approver role"),
        ("token:web-approver", "approver", ("web",), ForbiddenError, "orders"),
    ],
)
def test_who_may_not_approve(
    who: str, role: str, teams: tuple[str, ...], error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        approve(request(ORDERS), who, role, teams, NOW)


@pytest.mark.parametrize("status", [Status.REJECTED, Status.SUPERSEDED])
def test_a_decided_request_cannot_be_approved(status: Status) -> None:
    with pytest.raises(ConflictError):
        approve(request(ORDERS, status=status), "token:ann", "approver", ("orders",), NOW)


def test_an_unowned_counterpart_lets_any_approver_sign() -> None:
    signed = approve(request(ANYONE), "token:zed", "approver", (), NOW)
    assert signed.request.status is Status.APPROVED


@pytest.mark.parametrize("reason", [None, "", "   ", "x" * 2001])
def test_a_rejection_needs_a_reason(reason: str | None) -> None:
    with pytest.raises(InvalidInputError) as raised:
        reject(
            request(ORDERS),
            approver="a",
            role="approver",
            teams=("orders",),
            reason=reason,
            now=NOW,
        )
    assert raised.value.errors[0].pointer == "/reason"


def test_rejecting_records_who_and_why_and_can_be_repeated() -> None:
    rejected = reject(
        request(ORDERS), approver="a", role="approver", teams=("orders",), reason=" no ", now=NOW
    )
    assert (rejected.status, rejected.rejection_reason, rejected.decided_by) == (
        Status.REJECTED,
        "no",
        "a",
    )
    again = reject(rejected, approver="b", role="approver", teams=("orders",), reason="x", now=NOW)
    assert again == rejected
    approved = request(ORDERS, status=Status.APPROVED)
    with pytest.raises(ConflictError):
        reject(approved, approver="a", role="approver", teams=("orders",), reason="x", now=NOW)


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (
            Status.OPEN,
            "Change request 7 awaiting approval (needs 1 approval from a member of orders"
            " (for Orders))",
        ),
        (Status.SUPERSEDED, "Change request 7 was superseded"),
    ],
)
def test_what_holds_a_version_back(status: Status, words: str) -> None:
    assert hold_sentence(request(ORDERS, status=status)).startswith(words)


@pytest.mark.parametrize(
    ("teams", "required", "field"),
    [
        ((), 1, "/teams"),
        (("a", "a"), 1, "/teams"),
        (("a",), 2, "/required"),
        (("a",), 0, "/required"),
        (("a",), "1", "/required"),
        (("a",), True, "/required"),
    ],
)
def test_a_policy_must_be_satisfiable(teams: tuple[str, ...], required: object, field: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        check_policy(teams, required)
    assert field in [e.pointer for e in raised.value.errors]


@pytest.mark.parametrize("text", ["strict", None, 3, "Greenfield "])
def test_unknown_modes_are_refused(text: object) -> None:
    with pytest.raises(InvalidInputError):
        parse_mode(text)


def decision(deployable: bool | None) -> Decision:
    reason = "All required verification results are published and successful"
    return Decision(
        deployable=deployable,
        reason=reason,
        rows=[],
        success=1,
        failed=0,
        unknown=0,
        ignored=0,
        notices=[Notice("success", reason)],
    )


def test_a_hold_turns_yes_into_no_and_warnings_only_add_notices() -> None:
    held = governed(decision(True), ["Change request 7 awaiting approval by x"], [])
    assert held.deployable is False
    assert held.reason == "Change request 7 awaiting approval by x."
    assert held.notices[0] == Notice("error", "Change request 7 awaiting approval by x")
    warned = governed(decision(True), [], ["drops an interaction"])
    assert warned.deployable is True
    assert Notice("warning", "drops an interaction") in warned.notices
    assert governed(decision(None), [], []) == decision(None)
