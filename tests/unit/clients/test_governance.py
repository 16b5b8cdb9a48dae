"""Governance in the SDK and the `accord` command against a broker double: requests, parsing,
table rendering and one-sentence refusals."""

from __future__ import annotations

import json

import httpx
import msgspec
import pytest

from clients.cli.__main__ import EXIT_FAILURE, EXIT_OK, build_parser, main
from clients.cli.governance import render_change_request, render_change_request_list
from clients.sdk import AsyncBrokerClient, BrokerClient, ChangeRequest
from tests.unit.clients.conftest import BASE, StubBroker, hal


def change_request(number: int = 7, **changes: object) -> dict[str, object]:
    """A change request body as the broker serves it (issue #5)."""
    body: dict[str, object] = {
        "id": number,
        "status": "open",
        "kind": "pact",
        "pacticipant": "Web",
        "provider": "Orders",
        "contentSha": "c0ffee",
        "baseSha": "bada55",
        "author": "web-ci",
        "versions": ["1.0.1"],
        "createdAt": "2026-01-02T03:04:05+00:00",
        "decidedAt": None,
        "decidedBy": None,
        "rejectionReason": None,
        "supersededBy": None,
        "overrideReason": None,
        "summary": "Change request 7 awaiting approval (needs 1 approval from a member of"
        " orders-team (for Orders))",
        "requirements": [
            {
                "name": "Orders",
                "teams": ["orders-team"],
                "needed": 1,
                "approvedBy": [],
                "satisfied": False,
                "description": "1 approval from a member of orders-team (for Orders)",
            }
        ],
        "awaiting": ["orders-team"],
        "approvals": [],
        "affected": [{"pacticipant": "Orders", "interactions": ["a request for an order"]}],
        "_links": {
            "self": {"href": f"{BASE}/change-requests/{number}"},
            "accord:approve": {"href": f"{BASE}/change-requests/{number}/approve"},
            "accord:reject": {"href": f"{BASE}/change-requests/{number}/reject"},
        },
    }
    body.update(changes)
    return body


def page(items: list[dict[str, object]], *, more: bool = False) -> dict[str, object]:
    links: dict[str, object] = {"self": {"href": f"{BASE}/change-requests"}}
    if more:
        # Without the filters, as a careless `next` link could be: the SDK must not follow it.
        links["next"] = {"href": f"{BASE}/change-requests?page=2&size=100"}
    return {
        "_embedded": {"changeRequests": items},
        "page": {"number": 1, "size": 100, "totalElements": len(items), "totalPages": 1},
        "_links": links,
    }


def run(stub: StubBroker, *argv: str) -> int:
    return main([*argv, "--broker-base-url", BASE], transport=stub.transport)


def client(stub: StubBroker) -> BrokerClient:
    return BrokerClient(BASE, transport=stub.transport, token="t")


# The SDK


def test_set_mode_puts_the_mode(stub: StubBroker) -> None:
    stub.on(
        "PUT /pacticipants/Web%20App/mode",
        hal({"pacticipant": "Web App", "mode": "brownfield-enterprise", "_links": {}}),
    )

    saved = client(stub).set_mode("Web App", "brownfield-enterprise")

    assert (saved.pacticipant, saved.mode) == ("Web App", "brownfield-enterprise")
    assert stub.body(0) == {"mode": "brownfield-enterprise"}


def test_get_mode_and_approval_policy(stub: StubBroker) -> None:
    stub.on("GET /pacticipants/Web/mode", hal({"pacticipant": "Web", "mode": "greenfield"}))
    stub.on(
        "GET /pacticipants/Web/approval-policy",
        hal({"pacticipant": "Web", "teams": ["a"], "required": 1, "isDefault": True}),
    )
    broker = client(stub)

    assert broker.get_mode("Web").mode == "greenfield"
    policy = broker.get_approval_policy("Web")
    assert (policy.teams, policy.required, policy.is_default) == (["a"], 1, True)


def test_set_approval_policy_sends_teams_and_required(stub: StubBroker) -> None:
    stub.on(
        "PUT /pacticipants/Web/approval-policy",
        hal({"pacticipant": "Web", "teams": ["a", "b"], "required": 2, "isDefault": False}),
    )

    saved = client(stub).set_approval_policy("Web", teams=["a", "b"], required=2)

    assert stub.body(0) == {"teams": ["a", "b"], "required": 2}
    assert (saved.teams, saved.required) == (["a", "b"], 2)


def test_create_team_puts_the_team(stub: StubBroker) -> None:
    stub.on("PUT /admin/teams/web-team", hal({"name": "web-team", "pacticipants": ["Web"]}))

    team = client(stub).create_team("web-team", ["Web"])

    assert stub.body(0) == {"pacticipants": ["Web"]}
    assert team.pacticipants == ["Web"]


def test_list_change_requests_follows_every_page_with_the_filters(stub: StubBroker) -> None:
    query = "pacticipant=Web&status=open"
    stub.on(
        f"GET /change-requests?{query}&page=1&size=100",
        hal(page([change_request(1)], more=True)),
    )
    stub.on(f"GET /change-requests?{query}&page=2&size=100", hal(page([change_request(2)])))

    found = client(stub).list_change_requests("Web", "open")

    assert [change.id for change in found] == [1, 2]
    assert stub.sent == [
        f"GET /change-requests?{query}&page=1&size=100",
        f"GET /change-requests?{query}&page=2&size=100",
    ]


def test_approve_and_reject_post_to_the_change_request(stub: StubBroker) -> None:
    stub.on("POST /change-requests/7/approve", hal(change_request(status="approved")))
    stub.on(
        "POST /change-requests/7/reject",
        hal(change_request(status="rejected", rejectionReason="breaks checkout")),
    )
    broker = client(stub)

    assert broker.approve_change(7).status == "approved"
    assert broker.reject_change(7, "breaks checkout").rejection_reason == "breaks checkout"
    assert [stub.body(0), stub.body(1)] == [{}, {"reason": "breaks checkout"}]


async def test_the_async_client_gets_a_change_request_with_its_diff(stub: StubBroker) -> None:
    stub.on("GET /change-requests/7", hal(change_request(diff="+ a request for an order")))

    async with AsyncBrokerClient(
        BASE, transport=httpx.MockTransport(stub.handle), token="t"
    ) as broker:
        found = await broker.get_change_request(7)

    assert found.diff == "+ a request for an order"


# Parsing


def test_set_approval_policy_takes_repeated_teams_and_a_count() -> None:
    args = build_parser().parse_args(
        [
            "set-approval-policy",
            "--pacticipant",
            "Web",
            "--team",
            "a",
            "--team",
            "b",
            "--required",
            "2",
        ]
    )

    assert (args.pacticipant, args.team, args.required) == ("Web", ["a", "b"], 2)


@pytest.mark.parametrize(
    "argv",
    [
        ["set-mode", "--pacticipant", "Web", "--mode", "strict"],
        ["set-approval-policy", "--pacticipant", "Web", "--required", "1"],
        ["set-approval-policy", "--pacticipant", "Web", "--team", "a", "--required", "0"],
        ["approve-change", "seven"],
        ["reject-change", "7"],
        ["list-change-requests", "--status", "pending"],
    ],
)
def test_bad_governance_flags_are_usage_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(argv)

    assert exited.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_create_team_and_list_take_optional_pacticipants() -> None:
    team = build_parser().parse_args(["create-team", "web-team", "-a", "Web", "-a", "Admin"])
    listing = build_parser().parse_args(["list-change-requests"])

    assert (team.name, team.pacticipant) == ("web-team", ["Web", "Admin"])
    assert (listing.pacticipant, listing.status, listing.output) == (None, None, "table")


# Table rendering


def decode(body: dict[str, object]) -> ChangeRequest:
    return msgspec.json.decode(json.dumps(body), type=ChangeRequest)


def test_describe_shows_requirements_approvals_the_awaited_the_affected_and_the_diff() -> None:
    change = decode(change_request(diff="- old\n+ new"))

    assert render_change_request(change) == (
        "Change request: 7\n"
        "Status: open\n"
        "Summary: Change request 7 awaiting approval (needs 1 approval from a member of"
        " orders-team (for Orders))\n"
        "Change: the pact of Web with Orders\n"
        "Versions: 1.0.1\n"
        "Author: web-ci\n"
        "Created at: 2026-01-02T03:04:05+00:00\n"
        "Content sha: c0ffee\n"
        "Base sha: bada55\n"
        "Awaiting: team orders-team\n"
        "Requirements:\n"
        "  - Orders: needs 1 of team orders-team, approved by nobody yet (not satisfied)\n"
        "Approvals: none\n"
        "Affected:\n"
        "  - Orders: a request for an order\n"
        "Diff:\n"
        "  - old\n"
        "  + new"
    )


def test_describe_a_decided_provider_contract_change() -> None:
    change = decode(
        change_request(
            kind="provider-contract",
            pacticipant="Orders",
            provider=None,
            status="approved",
            awaiting=[],
            decidedAt="2026-01-03T00:00:00+00:00",
            decidedBy="web-approver",
            requirements=[
                {
                    "name": "Web",
                    "teams": ["web-team"],
                    "needed": 1,
                    "approvedBy": ["web-team"],
                    "satisfied": True,
                }
            ],
            approvals=[
                {"approver": "web-approver", "teams": ["web-team"], "at": "2026-01-03T00:00:00Z"}
            ],
            affected=[],
        )
    )

    rendered = render_change_request(change)

    assert "Change: the provider contract of Orders\n" in rendered
    assert "Decided by: web-approver\n" in rendered
    assert "Awaiting" not in rendered
    assert "  - Web: needs 1 of team web-team, approved by web-team (satisfied)\n" in rendered
    assert "Approvals:\n  - web-approver for team web-team at 2026-01-03T00:00:00Z\n" in rendered
    assert rendered.endswith("Affected: none")


def test_list_is_a_table_of_the_change_requests() -> None:
    changes = [
        decode(change_request(1)),
        decode(change_request(2, status="approved", awaiting=[], versions=["1.0.2", "1.0.3"])),
    ]

    assert render_change_request_list(changes) == (
        "ID | STATUS   | CHANGE                      | VERSIONS     | AUTHOR | AWAITING    |"
        " CREATED\n"
        "---|----------|-----------------------------|--------------|--------|-------------|"
        "--------------------------\n"
        "1  | open     | the pact of Web with Orders | 1.0.1        | web-ci | orders-team |"
        " 2026-01-02T03:04:05+00:00\n"
        "2  | approved | the pact of Web with Orders | 1.0.2, 1.0.3 | web-ci |             |"
        " 2026-01-02T03:04:05+00:00"
    )
    assert render_change_request_list([]) == "No change requests."


# The commands


def test_list_change_requests_as_json_is_an_array_of_the_items(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on("GET /change-requests?status=open&page=1&size=100", hal(page([change_request()])))

    assert run(stub, "list-change-requests", "--status", "open", "--output", "json") == EXIT_OK

    printed = json.loads(capsys.readouterr().out)
    assert printed == [change_request()]


def test_describe_as_json_is_the_resource(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on("GET /change-requests/7", hal(change_request(diff="+ x")))

    assert run(stub, "describe-change-request", "7", "-o", "json") == EXIT_OK

    assert json.loads(capsys.readouterr().out) == change_request(diff="+ x")


def test_set_mode_and_policy_and_team_say_what_they_did(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on("PUT /pacticipants/Web/mode", hal({"pacticipant": "Web", "mode": "brownfield-polish"}))
    stub.on(
        "PUT /pacticipants/Web/approval-policy",
        hal({"pacticipant": "Web", "teams": ["a", "b"], "required": 2}),
    )
    stub.on("PUT /admin/teams/web-team", hal({"name": "web-team", "pacticipants": ["Web"]}))

    assert run(stub, "set-mode", "-a", "Web", "--mode", "brownfield-polish") == EXIT_OK
    assert (
        run(
            stub,
            "set-approval-policy",
            "-a",
            "Web",
            "--team",
            "a",
            "--team",
            "b",
            "--required",
            "2",
        )
        == EXIT_OK
    )
    assert run(stub, "create-team", "web-team", "--pacticipant", "Web") == EXIT_OK

    assert capsys.readouterr().out == (
        "Web is now in brownfield-polish mode.\n"
        "Changes to the contracts of Web now need approval by 2 of the teams a, b.\n"
        "Team web-team owns Web.\n"
    )


def test_approving_says_whether_the_change_now_counts(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on("POST /change-requests/7/approve", hal(change_request(status="approved", awaiting=[])))
    stub.on("POST /change-requests/8/approve", hal(change_request(8, awaiting=["web-team"])))

    assert run(stub, "approve-change", "7") == EXIT_OK
    assert run(stub, "approve-change", "8") == EXIT_OK

    assert capsys.readouterr().out == (
        "Approved change request 7: the pact of Web with Orders is approved.\n"
        "Approved change request 8: it still awaits approval by team web-team.\n"
    )


def test_a_refused_approval_is_one_sentence_naming_who_may_approve(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on(
        "POST /change-requests/7/approve",
        hal({"title": "Forbidden", "detail": "web-ci may not approve its own change"}, status=403),
    )
    stub.on("GET /change-requests/7", hal(change_request()))

    assert run(stub, "approve-change", "7") == EXIT_FAILURE

    assert capsys.readouterr() == (
        "",
        "Could not approve change request 7: web-ci may not approve its own change;"
        " approvers of team orders-team may approve it.\n",
    )


def test_a_decided_change_request_is_refused_in_the_brokers_words(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on(
        "POST /change-requests/7/approve",
        hal(
            {
                "detail": "Change request 7 is rejected and can no longer be approved",
                "errors": {"status": ["is rejected"]},
            },
            status=409,
        ),
    )

    assert run(stub, "approve-change", "7") == EXIT_FAILURE

    assert capsys.readouterr().err == (
        "Change request 7 is rejected and can no longer be approved.\n"
    )


def test_a_role_refusal_leaves_out_the_repeated_errors_and_names_the_awaited_teams(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on(
        "POST /change-requests/7/reject",
        hal(
            {
                "detail": "web-ci has the write role: approving needs the approver role",
                "errors": {"request": ["needs the approver role"]},
            },
            status=403,
        ),
    )
    stub.on("GET /change-requests/7", hal(change_request()))

    assert run(stub, "reject-change", "7", "--reason", "no") == EXIT_FAILURE

    assert capsys.readouterr().err == (
        "Could not reject change request 7: web-ci has the write role: approving needs the"
        " approver role; approvers of team orders-team may reject it.\n"
    )


def test_a_rejection_without_a_reason_from_the_broker_is_one_sentence(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on(
        "POST /change-requests/7/reject",
        hal({"errors": {"reason": ["must not be blank"]}}, status=400),
    )

    assert run(stub, "reject-change", "7", "--reason", " ") == EXIT_FAILURE

    err = capsys.readouterr().err
    assert err.startswith("Could not reject change request 7: ")
    assert err.endswith("reason must not be blank.\n")
    assert err.count("\n") == 1


def test_an_unknown_change_request_is_one_sentence(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(stub, "describe-change-request", "99") == EXIT_FAILURE
    assert run(stub, "approve-change", "99") == EXIT_FAILURE

    assert capsys.readouterr().err == (
        "Change request 99 does not exist.\nChange request 99 does not exist.\n"
    )


def test_trust_04_approve_change_as_a_team_sends_it_and_prints_the_brokers_notice(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    notice = (
        "Approved change request 7 for b (the policy of Web): it needs 1 more approval from one"
        " of a, c (for the policy of Web)."
    )
    stub.on(
        "POST /change-requests/7/approve",
        hal(change_request(changed=True, notice=notice, awaiting=["a", "c"])),
    )

    assert run(stub, "approve-change", "7", "--as-team", "b") == EXIT_OK

    assert stub.body(0) == {"team": "b"}
    assert capsys.readouterr().out == notice + "\n"


def test_trust_16_an_approval_that_changes_nothing_says_so(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    notice = (
        "Change request 7 is approved already. This approval changes nothing and was not recorded."
    )
    stub.on(
        "POST /change-requests/7/approve",
        hal(change_request(status="approved", changed=False, notice=notice)),
    )

    assert run(stub, "approve-change", "7") == EXIT_OK

    assert stub.body(0) == {}
    assert capsys.readouterr().out == notice + "\n"


def test_trust_16_override_change_posts_the_reason_in_both_clients(stub: StubBroker) -> None:
    overridden = change_request(status="overridden", overrideReason="outage", decidedBy="root")
    stub.on("POST /change-requests/7/override", hal(overridden))

    change = client(stub).override_change(7, "outage")

    assert (change.status, change.override_reason) == ("overridden", "outage")
    assert stub.body(0) == {"reason": "outage"}


async def test_trust_16_the_async_client_overrides_and_approves_as_a_team(
    stub: StubBroker,
) -> None:
    stub.on("POST /change-requests/7/override", hal(change_request(status="overridden")))
    stub.on("POST /change-requests/7/approve", hal(change_request(changed=True, notice="ok")))
    async with AsyncBrokerClient(BASE, transport=stub.transport, token="t") as broker:
        assert (await broker.override_change(7, "outage")).status == "overridden"
        assert (await broker.approve_change(7, as_team="a")).notice == "ok"
    assert [stub.body(0), stub.body(1)] == [{"reason": "outage"}, {"team": "a"}]


def test_trust_16_override_change_says_what_it_did_or_why_it_was_refused(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on(
        "POST /change-requests/7/override",
        hal(change_request(status="overridden", overrideReason="outage")),
    )
    stub.on(
        "POST /change-requests/8/override",
        hal(
            {
                "title": "Forbidden",
                "detail": "Overriding change requests is disabled on this broker: its operator"
                " enables it with ACCORD_ALLOW_OVERRIDE=true",
            },
            status=403,
        ),
    )

    assert run(stub, "override-change", "7", "--reason", "outage") == EXIT_OK
    assert run(stub, "override-change", "8", "--reason", "outage") == EXIT_FAILURE
    assert run(stub, "override-change", "8", "--reason", "  ") == EXIT_FAILURE

    out, err = capsys.readouterr()
    assert out == (
        "Overrode change request 7: the pact of Web with Orders takes effect without approval"
        " (outage). can-i-deploy will say so.\n"
    )
    assert err.splitlines() == [
        "Could not override change request 8: Overriding change requests is disabled on this"
        " broker: its operator enables it with ACCORD_ALLOW_OVERRIDE=true.",
        "override-change needs a --reason that says why the change skips approval.",
    ]


def test_trust_16_describe_pacticipant_shows_mode_owners_and_policy(
    stub: StubBroker, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.on("GET /pacticipants/Web", hal({"name": "Web", "_embedded": {}}))
    stub.on(
        "GET /pacticipants/Web/mode",
        hal({"pacticipant": "Web", "mode": "brownfield-enterprise", "owningTeams": ["web-team"]}),
    )
    stub.on(
        "GET /pacticipants/Web/approval-policy",
        hal(
            {
                "pacticipant": "Web",
                "teams": ["a", "b", "c"],
                "required": 2,
                "isDefault": False,
                "description": "2 of the teams a, b, c approve each change.",
            }
        ),
    )

    assert run(stub, "describe-pacticipant", "--name", "Web") == EXIT_OK
    assert run(stub, "describe-pacticipant", "--name", "Web", "--output", "json") == EXIT_OK

    out = capsys.readouterr().out
    table, _, printed = out.partition("{")
    assert table.splitlines()[-3:] == [
        "Mode: brownfield-enterprise",
        "Owning teams: web-team",
        "Approval policy: 2 of the teams a, b, c approve each change.",
    ]
    governance = json.loads("{" + printed)["governance"]
    assert governance["owningTeams"] == ["web-team"]
    assert governance["approvalPolicy"]["required"] == 2
