"""What the approvals pages compute without storage (broker/web/approvals_view.py, routes)."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from broker.domain.governance import Approval, ChangeRequest, Kind, Requirement, Status
from broker.domain.model import Page
from broker.services.actor import Actor
from broker.web.approvals_view import (
    ANY_APPROVER,
    InboxPages,
    Listing,
    awaiting_caller,
    diff_lines,
    entry,
    version_links,
)
from broker.web.routes.approvals import inbox_link

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def request(*requirements: Requirement, **members: object) -> ChangeRequest:
    fields: dict[str, object] = {
        "id": 7,
        "kind": Kind.PACT,
        "pacticipant": "Web",
        "provider": "Orders",
        "content_sha": "c" * 64,
        "base_sha": None,
        "author": "token:1",
        "status": Status.OPEN,
        "requirements": requirements or (Requirement(name="Orders", teams=("orders-team",)),),
        "affected": (),
        "created_at": NOW,
        "versions": ("1.0.1", "1.0.2"),
    }
    return msgspec.convert({**fields, **members}, ChangeRequest, from_attributes=True)


def test_an_open_request_awaits_the_callers_teams_it_still_needs() -> None:
    two = request(
        Requirement(name="the policy of Web", teams=("a-team", "b-team", "c-team"), needed=2)
    )
    assert awaiting_caller(two, "approver", ("b-team", "x-team")) == ("b-team",)
    assert awaiting_caller(two, "read", ("b-team",)) == ("b-team",)  # it awaits the team
    assert awaiting_caller(two, "approver", ("x-team",)) == ()
    # Once b-team counted, b-team is no longer awaited; a-team and c-team still are.
    signed = msgspec.structs.replace(
        two,
        approvals=(
            Approval(
                approver="bob",
                teams=("b-team",),
                at=NOW,
                requirement="the policy of Web",
                team="b-team",
            ),
        ),
    )
    assert awaiting_caller(signed, "approver", ("b-team",)) == ()
    assert awaiting_caller(signed, "approver", ("c-team", "a-team")) == ("a-team", "c-team")


def test_a_group_without_teams_awaits_anyone_who_may_approve() -> None:
    anyone = request(Requirement(name="any approver", teams=()))
    assert awaiting_caller(anyone, "approver", ()) == (ANY_APPROVER,)
    assert awaiting_caller(anyone, "admin", ("x",)) == (ANY_APPROVER,)
    assert awaiting_caller(anyone, "read", ("x",)) == ()
    assert awaiting_caller(anyone, "write", ()) == ()


def test_a_decided_request_awaits_nobody() -> None:
    for status in (Status.APPROVED, Status.REJECTED, Status.SUPERSEDED, Status.OVERRIDDEN):
        decided = request(status=status)
        assert awaiting_caller(decided, "approver", ("orders-team",)) == ()
        assert (
            entry(decided, Actor(name="a", role="approver", teams=("orders-team",))).awaiting == ()
        )


def test_an_entry_names_what_awaits_and_where_it_stands() -> None:
    shown = entry(request(), Actor(name="amy", role="approver", teams=("orders-team",)))
    assert (shown.awaiting, shown.yours) == (("orders-team",), ("orders-team",))
    assert shown.summary.startswith("Change request 7 awaiting approval (needs 1 approval")


def test_a_pact_diff_is_read_by_its_signs() -> None:
    text = (
        "Against the approved content cccccccccccc:\n"
        "~ specification version 2 -> 3\n"
        "- interaction 'a' (given x)\n"
        "+ interaction 'b'\n"
        "~ interaction 'c' changed: response.status\n"
        "1 removed, 1 added, 1 changed, 0 unchanged"
    )
    kinds = [line.kind for line in diff_lines(request(), text)]
    assert kinds == ["note", "changed", "removed", "added", "changed", "note"]
    assert diff_lines(request(), text)[3].text == "+ interaction 'b'"


def test_a_provider_contract_diff_is_read_by_its_levels() -> None:
    contract = request(kind=Kind.PROVIDER_CONTRACT, provider=None)
    text = (
        "Against the approved document cccccccccccc:\n"
        "ERR response-property-removed (GET /orders/{id}): removed 'status'\n"
        "WARN some-warning: text\n"
        "INFO response-optional-property-added (GET /orders/{id}): added 'total'\n"
        "+ not a sign in a contract's diff"
    )
    kinds = [line.kind for line in diff_lines(contract, text)]
    assert kinds == ["note", "breaking", "warning", "info", "note"]


def test_versions_link_to_the_page_of_what_they_published() -> None:
    [first, _] = version_links(request())
    assert first.number == "1.0.1"
    assert first.template == "/ui/pacts/provider/{provider}/consumer/{consumer}/version/{version}"
    assert first.names == {"provider": "Orders", "consumer": "Web", "version": "1.0.1"}
    [contract, _] = version_links(request(kind=Kind.PROVIDER_CONTRACT, provider=None))
    assert contract.template == "/ui/provider-contracts/{provider}/version/{version}"
    assert contract.names == {"provider": "Web", "version": "1.0.1"}


def test_a_listing_counts_its_pages() -> None:
    def pages(total: int) -> int:
        return Listing(entries=[], total=total, page=Page(number=1, size=20)).pages

    assert [pages(0), pages(1), pages(20), pages(21), pages(40), pages(41)] == [1, 1, 1, 2, 2, 3]


def test_an_inbox_link_keeps_the_filter_and_the_other_lists_pages() -> None:
    here = "https://broker.example/ui/approvals"
    first = InboxPages()
    assert inbox_link(here, None, first, "decided", 1) == f"{here}#decided"
    assert inbox_link(here, None, first, "decided", 2) == f"{here}?decided=2#decided"
    elsewhere = InboxPages(yours=3, open=1, decided=2)
    assert (
        inbox_link(here, "Web & Co", elsewhere, "open", 2)
        == f"{here}?pacticipant=Web+%26+Co&yours=3&open=2&decided=2#open"
    )
    assert inbox_link(here, None, elsewhere, "yours", 1) == f"{here}?decided=2#yours"
