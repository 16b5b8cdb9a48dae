"""Modes, policies, change requests, approved content and polish warnings, on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec

from broker.domain.governance import (
    DECIDED,
    Affected,
    Approval,
    Kind,
    NewRequest,
    Policy,
    Requirement,
    Status,
)
from broker.domain.model import PacticipantChanges, Page
from broker.storage.interface import Storage, VersionStanding
from tests.integration.storage.test_storage_pacts import consumer_versions, publish


def new_request(
    sha: str, now: datetime, version: str = "1", provider: str | None = "Orders"
) -> NewRequest:
    return NewRequest(
        kind=Kind.PACT if provider else Kind.PROVIDER_CONTRACT,
        pacticipant="Web" if provider else "Orders",
        provider=provider,
        content_sha=sha,
        base_sha="0" * 64,
        author="token:web-ci",
        requirements=(Requirement(name="Orders", teams=("orders",), needed=1),),
        affected=(Affected(pacticipant="Orders", interactions=("get an order",)),),
        created_at=now,
        version=version,
    )


async def test_modes_and_policies_are_kept_by_name(storage: Storage, now: datetime) -> None:
    async with storage.transaction() as tx:
        assert await tx.mode_of("Web") is None
        await tx.save_mode("Web", "brownfield-polish", now)
        await tx.save_mode("Web", "brownfield-enterprise", now)
        assert await tx.find_policy("Web") is None
        await tx.save_policy(Policy(pacticipant="Web", teams=("a", "b"), required=2), now)
    async with storage.transaction() as tx:
        assert await tx.mode_of("Web") == "brownfield-enterprise"
        await tx.save_mode("App", "greenfield", now)
        assert await tx.modes_of(["Web", "App", "Orders"]) == {
            "Web": "brownfield-enterprise",
            "App": "greenfield",
        }
        assert await tx.modes_of([]) == {}
        assert await tx.find_policy("Web") == Policy(
            pacticipant="Web", teams=("a", "b"), required=2
        )
        await tx.delete_policy("Web")
        assert await tx.find_policy("Web") is None


async def test_approved_content_is_kept_once_per_subject(storage: Storage, now: datetime) -> None:
    async with storage.transaction() as tx:
        await tx.approve_content(Kind.PACT, "Web", "Orders", "a" * 64, None, now)
        await tx.approve_content(Kind.PACT, "Web", "Orders", "a" * 64, 3, now)  # no effect
        await tx.approve_content(Kind.PACT, "Web", "Orders", "b" * 64, 4, now + timedelta(1))
        await tx.approve_content(Kind.PACT, "App", "Orders", "c" * 64, None, now)
        await tx.approve_content(Kind.PROVIDER_CONTRACT, "Orders", None, "d" * 64, None, now)
    async with storage.transaction() as tx:
        for sha, approved in (("a", True), ("b", True), ("c", False)):
            assert await tx.is_approved(Kind.PACT, "Web", "Orders", sha * 64) is approved
        assert await tx.last_approved_sha(Kind.PACT, "Web", "Orders") == "b" * 64
        assert await tx.is_approved(Kind.PROVIDER_CONTRACT, "Orders", None, "d" * 64)
        assert not await tx.is_approved(Kind.PACT, "Orders", None, "d" * 64)
        assert await tx.last_approved_sha(Kind.PACT, "Web", "Stock") is None


async def test_a_change_request_round_trips_with_approvals_and_versions(
    storage: Storage, now: datetime
) -> None:
    async with storage.transaction() as tx:
        opened = await tx.insert_change_request(new_request("a" * 64, now))
        await tx.add_change_request_version(opened.id, "2")
        await tx.add_change_request_version(opened.id, "2")
    assert opened.status is Status.OPEN
    assert opened.versions == ("1",)
    assert opened.requirements[0].teams == ("orders",)
    assert opened.affected[0].interactions == ("get an order",)
    signed = msgspec.structs.replace(
        opened,
        approvals=(Approval(approver="token:ann", teams=("orders",), at=now),),
        status=Status.APPROVED,
        decided_at=now,
        decided_by="token:ann",
    )
    async with storage.transaction() as tx:
        await tx.save_change_request(signed)
        await tx.save_change_request(signed)  # approvals are kept once
    async with storage.transaction() as tx:
        found = await tx.find_change_request(opened.id)
        assert await tx.find_change_request(opened.id + 100) is None
    assert found == msgspec.structs.replace(signed, versions=("1", "2"))


async def test_change_requests_are_found_by_subject_content_and_status(
    storage: Storage, now: datetime
) -> None:
    async with storage.transaction() as tx:
        first = await tx.insert_change_request(new_request("a" * 64, now))
        second = await tx.insert_change_request(new_request("b" * 64, now, "2"))
        contract = await tx.insert_change_request(
            msgspec.structs.replace(
                new_request("c" * 64, now, "p1", provider=None),
                affected=(Affected(pacticipant="Web"),),
            )
        )
        await tx.save_change_request(
            msgspec.structs.replace(first, status=Status.SUPERSEDED, superseded_by=second.id)
        )
    async with storage.transaction() as tx:
        still_open = await tx.change_requests_of_subject(Kind.PACT, "Web", "Orders", Status.OPEN)
        assert [r.id for r in still_open] == [second.id]
        by_content = await tx.change_request_for_content(Kind.PACT, "Web", "Orders", "a" * 64)
        assert by_content is not None and by_content.superseded_by == second.id
        everything, total = await tx.list_change_requests(None, None, Page(number=1, size=2))
        assert total == 3
        assert [r.id for r in everything] == [contract.id, second.id]  # newest first
        # A provider sees its own contract's requests and its consumers' pact requests.
        of_orders, _ = await tx.list_change_requests("Orders", None, Page())
        assert {r.id for r in of_orders} == {first.id, second.id, contract.id}
        of_web, _ = await tx.list_change_requests("Web", Status.OPEN, Page())
        # Web's own open pact change, and the provider change that affects its pacts.
        assert [r.id for r in of_web] == [contract.id, second.id]
        # LIKE's wildcards in a name match only themselves.
        assert await tx.list_change_requests("W_b", None, Page()) == ([], 0)
        assert await tx.list_change_requests("%", None, Page()) == ([], 0)
        # Any of several statuses: the decided ones (the inbox's history).
        decided, total = await tx.list_change_requests(None, DECIDED, Page())
        assert ([r.id for r in decided], total) == ([first.id], 1)
        some, _ = await tx.list_change_requests("Web", (Status.OPEN, Status.SUPERSEDED), Page())
        assert [r.id for r in some] == [contract.id, second.id, first.id]
        assert await tx.list_change_requests(None, (), Page()) == ([], 0)


async def test_polish_warnings_are_kept_once_per_version(storage: Storage, now: datetime) -> None:
    async with storage.transaction() as tx:
        await tx.add_publish_warnings("Web", "1", ["drops a", "alters b"], now)
        await tx.add_publish_warnings("Web", "1", ["drops a"], now)
    async with storage.transaction() as tx:
        assert sorted(await tx.publish_warnings("Web", "1")) == ["alters b", "drops a"]
        assert await tx.publish_warnings("Web", "2") == []


async def test_trust_03_requests_are_found_by_version_number_with_whether_in_effect(
    storage: Storage, now: datetime
) -> None:
    """Listed by number, so the list outlives the version; with what each approval counted for."""
    async with storage.transaction() as tx:
        held = await tx.insert_change_request(new_request("a" * 64, now))
        approved_later = await tx.insert_change_request(new_request("b" * 64, now))
        await tx.insert_change_request(new_request("c" * 64, now, "2"))
        await tx.approve_content(Kind.PACT, "Web", "Orders", "b" * 64, None, now)
        given = Approval(
            approver="user:ann", teams=("a", "b"), at=now, requirement="Orders", team="b"
        )
        overridden = msgspec.structs.replace(
            held,
            approvals=(given,),
            status=Status.OVERRIDDEN,
            decided_by="user:root",
            decided_at=now,
            override_reason="outage",
        )
        await tx.save_change_request(overridden)
    async with storage.transaction() as tx:
        listed = await tx.change_requests_of_version("Web", "1")
        assert [(r.id, in_effect) for r, in_effect in listed] == [
            (held.id, False),
            (approved_later.id, True),
        ]
        assert listed[0][0] == overridden
        assert await tx.change_requests_of_version("Orders", "1") == []
        assert await tx.open_change_request_ids("Web") == [approved_later.id, held.id + 2]
        assert await tx.open_change_request_ids("Orders") == []


async def test_a_versions_standing_flags_exactly_what_the_detailed_reads_find(
    storage: Storage, now: datetime
) -> None:
    """can-i-deploy reads the details only when `version_standing` flags them: never miss one."""
    async with storage.transaction() as tx:
        web = await tx.insert_pacticipant("Web", PacticipantChanges(), now)
        orders = await tx.insert_pacticipant("Orders", PacticipantChanges(), now)
        first, second = await consumer_versions(tx, web, ["1", "2"], now)
        await publish(tx, web, orders, first, "a" * 64, now)
        await publish(tx, web, orders, second, "b" * 64, now)
        request = await tx.insert_change_request(new_request("a" * 64, now))
        await tx.save_change_request(msgspec.structs.replace(request, status=Status.OVERRIDDEN))
        await tx.approve_content(Kind.PACT, "Web", "Orders", "a" * 64, request.id, now)
        await tx.add_publish_warnings("Web", "1", ["drops a"], now)
    async with storage.transaction() as tx:
        bare = await tx.version_standing("Web", second.id, "2")
        assert bare == VersionStanding(
            mode=None, coverage_minimum=None, listed=False, overridden=False, warned=False
        )
        standing = await tx.version_standing("Web", first.id, "1")
        assert standing == VersionStanding(
            mode=None, coverage_minimum=None, listed=True, overridden=True, warned=True
        )
        for version, found in ((first, standing), (second, bare)):
            assert found.listed == bool(await tx.change_requests_of_version("Web", version.number))
            assert found.overridden == bool(await tx.overridden_of_version(version.id))
            assert found.warned == bool(await tx.publish_warnings("Web", version.number))
            # Read with the version by name, in the statement can-i-deploy begins with.
            candidacy = await tx.find_candidacy("production", "Web", version.number)
            assert candidacy.standing == found
        await tx.save_mode("Web", "brownfield-enterprise", now)
        await tx.save_coverage_minimum("Web", 80, now)
    async with storage.transaction() as tx:
        assert await tx.version_standing("Web", second.id, "2") == VersionStanding(
            mode="brownfield-enterprise",
            coverage_minimum=80,
            listed=False,
            overridden=False,
            warned=False,
        )
        assert (await tx.find_candidacy("production", "Web", "2")).standing == (
            await tx.version_standing("Web", second.id, "2")
        )
        assert (await tx.find_candidacy("production", "Web", "1")).standing == VersionStanding(
            mode="brownfield-enterprise",
            coverage_minimum=80,
            listed=True,
            overridden=True,
            warned=True,
        )
        # Another pacticipant's requests, warnings and policies are not this one's.
        assert await tx.version_standing("Orders", first.id + 1000, "1") == VersionStanding(
            mode=None, coverage_minimum=None, listed=False, overridden=False, warned=False
        )
