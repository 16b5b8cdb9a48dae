"""The batched reads behind pacts-for-verification, the matrix and can-i-deploy, both backends."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from broker.domain.model import Pacticipant, PacticipantChanges, Verification, Version
from broker.storage import selection
from broker.storage.interface import PactAndResult, Storage, Transaction
from tests.integration.storage.test_storage_environments import an_environment, deployment, release
from tests.integration.storage.test_storage_pacts import consumer_versions, head_pacts, publish


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Id lists are read two at a time, so every test also crosses chunk boundaries."""
    monkeypatch.setattr(selection, "CHUNK", 2)


@pytest.fixture
async def provider(storage: Storage, now: datetime) -> Pacticipant:
    async with storage.transaction() as tx:
        return await tx.insert_pacticipant("Bar", PacticipantChanges(), now)


async def result(  # noqa: PLR0917 - mirrors the columns it fills
    tx: Transaction,
    pact_version_id: int,
    consumer: Pacticipant,
    provider: Pacticipant,
    provider_version: Version,
    success: bool,
    at: datetime,
    *,
    wip: bool = False,
) -> Verification:
    return await tx.insert_verification(
        Verification(
            id=0,
            pact_version_id=pact_version_id,
            consumer_id=consumer.id,
            provider_id=provider.id,
            provider_version_id=provider_version.id,
            success=success,
            wip=wip,
            created_at=at,
        )
    )


async def test_id_lists_are_read_in_chunks_and_an_empty_list_reads_nothing(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        versions = await consumer_versions(tx, pacticipant, ["1", "2", "3", "4", "5"], now)
        for index, v in enumerate(versions[:4]):
            await publish(tx, pacticipant, provider, v, f"sha{index % 2}", now)
        ids = [v.id for v in versions]
        assert sorted(v.number for v in await tx.versions_by_ids(ids)) == ["1", "2", "3", "4", "5"]
        assert await tx.versions_by_ids([]) == []
        held = await tx.publications_of_versions(ids, provider.id)
        assert sorted(p.consumer_version_id for p in held) == ids[:4]
        assert await tx.publications_of_versions(ids, pacticipant.id) == []
        contents = await tx.pact_versions_by_ids(sorted({p.pact_version_id for p in held}))
        assert sorted(c.sha for c in contents) == ["sha0", "sha1"]
        assert await tx.pact_versions_by_ids([]) == []


async def test_pact_and_result_is_the_provider_versions_newest_result_for_the_content(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        (cv,) = await consumer_versions(tx, pacticipant, ["1"], now)
        await publish(tx, pacticipant, provider, cv, "abc", now)
        content = await tx.find_pact_version(pacticipant.id, provider.id, "abc")
        assert content is not None
        pv1, pv2 = await consumer_versions(tx, provider, ["p1", "p2"], now)
        await result(tx, content.id, pacticipant, provider, pv1, True, now)
        later = now + timedelta(minutes=5)
        newest = await result(tx, content.id, pacticipant, provider, pv1, False, later)
        assert await tx.pact_and_result(cv.id, provider.id, pv1.id) == PactAndResult(
            "abc", content.id, now, newest.id, False, later, False
        )
        assert await tx.latest_verification_by(content.id, pv1.id) == newest
        assert await tx.pact_and_result(cv.id, provider.id, pv2.id) == PactAndResult(
            "abc", content.id, now, None, None, None, False
        )
        assert await tx.latest_verification_by(content.id, pv2.id) is None
        assert await tx.pact_and_result(cv.id, provider.id, None) == PactAndResult(
            "abc", content.id, now, None, None, None, False
        )
        assert await tx.pact_and_result(cv.id, pacticipant.id, pv1.id) is None


async def test_success_facts_count_successes_on_the_branch_and_wip_results_when_asked(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        cvs = await consumer_versions(tx, pacticipant, ["1", "2", "3", "4"], now)
        for index, cv in enumerate(cvs):
            await publish(tx, pacticipant, provider, cv, f"sha{index}", now)
        contents = {
            c.sha: c.id
            for c in await tx.pact_versions_by_ids(
                [
                    p.pact_version_id
                    for p in await tx.publications_of_versions([v.id for v in cvs], provider.id)
                ]
            )
        }
        main = await tx.insert_branch(provider.id, "main", now)
        feature = await tx.insert_branch(provider.id, "feature", now)
        on_main, on_feature = await consumer_versions(tx, provider, ["m1", "f1"], now)
        await tx.insert_branch_version(main.id, on_main.id, now)
        await tx.insert_branch_version(feature.id, on_feature.id, now)
        later = now + timedelta(hours=1)
        # sha0: verified on main; sha1: only on the feature branch, first failing then passing;
        # sha2: only a WIP success on main; sha3: never verified.
        await result(tx, contents["sha0"], pacticipant, provider, on_main, True, later)
        await result(tx, contents["sha1"], pacticipant, provider, on_feature, False, now)
        await result(tx, contents["sha1"], pacticipant, provider, on_feature, True, later)
        await result(tx, contents["sha2"], pacticipant, provider, on_main, True, now, wip=True)
        facts = await tx.success_facts(sorted(contents.values()), main.id, count_wip=False)
        assert facts[contents["sha0"]] == (True, later)
        assert facts[contents["sha1"]] == (False, later)
        assert facts[contents["sha2"]] == (False, None)
        assert facts[contents["sha3"]] == (False, None)
        assert (await tx.success_facts([contents["sha0"]], None, count_wip=False))[
            contents["sha0"]
        ] == (
            False,
            later,
        )
        assert await tx.success_facts([], main.id, count_wip=False) == {}
        counted = await tx.success_facts([contents["sha2"]], main.id, count_wip=True)
        assert counted[contents["sha2"]] == (True, now)


async def test_wip_branch_heads_are_the_heads_published_since(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        old_head, new_tail, new_head, other = await consumer_versions(
            tx, pacticipant, ["1", "2", "3", "4"], now
        )
        later = now + timedelta(days=1)
        await publish(tx, pacticipant, provider, old_head, "old", now)
        await publish(tx, pacticipant, provider, new_tail, "tail", later)
        await publish(tx, pacticipant, provider, new_head, "head", later)
        stale = await tx.insert_branch(pacticipant.id, "stale", now)
        fresh = await tx.insert_branch(pacticipant.id, "fresh", now)
        await tx.insert_branch_version(stale.id, old_head.id, now)
        await tx.insert_branch_version(fresh.id, new_tail.id, later)
        await tx.insert_branch_version(fresh.id, new_head.id, later)
        # A branch whose head holds no pact with the provider.
        empty = await tx.insert_branch(pacticipant.id, "empty", now)
        await tx.insert_branch_version(empty.id, other.id, later)
        heads = await head_pacts(tx, provider.id, later)
        assert [(name, p.consumer_version_id) for name, p in heads] == [("fresh", new_head.id)]
        every = await head_pacts(tx, provider.id, now)
        assert sorted(name for name, _ in every) == ["fresh", "stale"]
        assert await head_pacts(tx, pacticipant.id, now) == []


async def test_the_latest_pact_of_each_integration_starts_from_the_integrations(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        other = await tx.insert_pacticipant("Baz", PacticipantChanges(), now)
        v1, v2 = await consumer_versions(tx, pacticipant, ["1", "2"], now)
        (w1,) = await consumer_versions(tx, other, ["1"], now)
        await publish(tx, pacticipant, provider, v1, "a", now)
        await publish(tx, pacticipant, provider, v2, "b", now)
        await publish(tx, other, provider, w1, "c", now)
        latest = await tx.latest_publications(provider.id)
        assert [(p.consumer_id, p.consumer_version_id) for p in latest] == [
            (pacticipant.id, v2.id),
            (other.id, w1.id),
        ]


async def test_the_branch_head_follows_additions_and_removals(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    """The head kept on the branch row (by triggers) is the version added last that remains."""
    async with storage.transaction() as tx:
        v1, v2, v3 = await consumer_versions(tx, pacticipant, ["1", "2", "3"], now)
        for v in (v1, v2, v3):
            await publish(tx, pacticipant, provider, v, f"sha{v.number}", now)
        main = await tx.insert_branch(pacticipant.id, "main", now)
        for v in (v1, v3, v2):  # added out of number order: the head is v2
            await tx.insert_branch_version(main.id, v.id, now)

        async def head() -> list[int]:
            return [p.consumer_version_id for _, p in await head_pacts(tx, provider.id, now)]

        assert await head() == [v2.id]
        await tx.delete_branch_version(main.id, v2.id)
        assert await head() == [v3.id]
        await tx.delete_version(v3)  # the branch membership goes with the version
        assert await head() == [v1.id]


async def test_pacticipants_and_the_newest_result_of_each_content_by_id_lists(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        third = await tx.insert_pacticipant("Baz", PacticipantChanges(), now)
        named = await tx.pacticipants_by_ids([third.id, pacticipant.id, provider.id, 999])
        assert sorted(p.name for p in named) == ["Bar", "Baz", "Foo"]
        assert await tx.pacticipants_by_ids([]) == []

        one, two, three = [
            await tx.insert_pact_version(pacticipant.id, provider.id, sha, "{}", now)
            for sha in ("a", "b", "c")
        ]
        p1, p2 = await consumer_versions(tx, provider, ["10", "11"], now)
        await result(tx, one.id, pacticipant, provider, p1, True, now)
        newest_of_one = await result(tx, one.id, pacticipant, provider, p2, False, now)
        newest_of_two = await result(tx, two.id, pacticipant, provider, p1, True, now)
        found = await tx.latest_verifications([one.id, two.id, three.id])
        # The newest result of each content that has one (`three` has none); read in chunks.
        assert {v.pact_version_id: v.id for v in found} == {
            one.id: newest_of_one.id,
            two.id: newest_of_two.id,
        }
        assert {v.pact_version_id: v.success for v in found} == {one.id: False, two.id: True}
        assert await tx.latest_verifications([]) == []


async def test_pacts_and_results_in_one_read_equal_the_pair_by_pair_reads(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    """Several consumer versions and provider versions, across chunks of two, with and without
    a provider version, with and without a result, and pairs without a pact."""
    async with storage.transaction() as tx:
        cvs = await consumer_versions(tx, pacticipant, ["1", "2", "3", "4", "5"], now)
        for index, cv in enumerate(cvs[:4]):
            await publish(tx, pacticipant, provider, cv, f"sha{index % 3}", now)
        pvs = await consumer_versions(tx, provider, ["p1", "p2", "p3", "p4", "p5"], now)
        contents = {
            sha: await tx.find_pact_version(pacticipant.id, provider.id, sha)
            for sha in ("sha0", "sha1", "sha2")
        }
        at = now
        for sha, pv, success in (
            ("sha0", pvs[0], True),
            ("sha0", pvs[0], False),  # the newer result of the two counts
            ("sha1", pvs[1], True),
            ("sha2", pvs[3], True),
            ("sha0", pvs[4], False),
        ):
            found = contents[sha]
            assert found is not None
            at += timedelta(minutes=1)
            await result(tx, found.id, pacticipant, provider, pv, success, at)
        # p2 (which has a result) and p3 (which has none) published a document.
        document = await tx.insert_provider_contract(
            provider.id, "doc", "{}", content_type="application/json", specification="oas", now=now
        )
        for pv in (pvs[1], pvs[2]):
            await tx.save_contract_publication(
                provider_id=provider.id,
                provider_version_id=pv.id,
                contract_version_id=document.id,
                self_verification_success=True,
                self_verification=None,
                now=now,
            )
        pairs = [
            (cv.id, other.id, pv)
            for cv in cvs
            for other in (provider, pacticipant)
            for pv in (None, *(v.id for v in pvs))
        ]
        together = await tx.pacts_and_results(pairs)
        expected = {}
        for pair in pairs:
            alone = await tx.pact_and_result(*pair)
            if alone is not None:
                expected[pair] = alone
        assert together == expected
        # sha0 (versions 1 and 4) by p1 and p5, sha1 (2) by p2, sha2 (3) by p4.
        assert sum(1 for r in together.values() if r.verification_id is not None) == 6
        documented = {pv for (_, _, pv), r in together.items() if r.documented}
        assert documented == {pvs[1].id, pvs[2].id}
        assert await tx.pacts_and_results([]) == {}


async def test_counterparts_are_the_versions_providers_and_the_pacticipants_consumers(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        third = await tx.insert_pacticipant("Baz", PacticipantChanges(), now)
        fourth = await tx.insert_pacticipant("Qux", PacticipantChanges(), now)
        old, new = await consumer_versions(tx, pacticipant, ["1", "2"], now)
        await publish(tx, pacticipant, provider, old, "a", now)
        await publish(tx, pacticipant, third, old, "b", now)
        await publish(tx, pacticipant, provider, new, "a", now)  # `new` names one provider
        (baz_version,) = await consumer_versions(tx, third, ["b1"], now)
        await publish(tx, third, pacticipant, baz_version, "c", now)  # Baz consumes Foo
        (qux_version,) = await consumer_versions(tx, fourth, ["q"], now)
        await publish(tx, fourth, pacticipant, qux_version, "d", now)
        as_consumer, as_provider = await tx.counterparts(pacticipant.id, old.id)
        assert [p.name for p in as_consumer] == ["Bar", "Baz"]
        assert [p.name for p in as_provider] == ["Baz", "Qux"]
        assert as_consumer[0] == provider
        providers, consumers = await tx.counterparts(pacticipant.id, new.id)
        assert ([p.name for p in providers], [p.name for p in consumers]) == (
            ["Bar"],
            ["Baz", "Qux"],
        )
        # Bar provides only: its version-less side is its consumers.
        assert await tx.counterparts(provider.id, old.id + 1000) == ([], [pacticipant])


async def test_counterparts_come_with_their_versions_live_in_the_environment(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    """Bar is on both sides of Foo (each consumes the other): its live versions count once."""
    prod, test = an_environment("e-prod", "prod", now), an_environment("e-test", "test", now)
    async with storage.transaction() as tx:
        for environment in (prod, test):
            await tx.insert_environment(environment)
        third = await tx.insert_pacticipant("Baz", PacticipantChanges(), now)
        (foo,) = await consumer_versions(tx, pacticipant, ["1"], now)
        b1, b2 = await consumer_versions(tx, provider, ["b1", "b2"], now)
        (baz,) = await consumer_versions(tx, third, ["z1"], now)
        await publish(tx, pacticipant, provider, foo, "a", now)  # Foo consumes Bar
        await publish(tx, provider, pacticipant, b1, "b", now)  # Bar consumes Foo
        await publish(tx, third, pacticipant, baz, "c", now)  # Baz consumes Foo
        await tx.insert_released_version(release("r-1", b1, prod, now))
        await tx.insert_deployed_version(deployment("d-1", b2, prod, now))
        await tx.insert_deployed_version(deployment("d-2", baz, test, now))
        providers, consumers, live = await tx.counterparts_live_in(
            pacticipant.id, foo.id, prod.uuid
        )
        assert [p.name for p in providers] == ["Bar"]
        assert [p.name for p in consumers] == ["Bar", "Baz"]
        # Deployed before released, each once; Baz has nothing in prod.
        assert {p: [v.number for v in vs] for p, vs in live.items()} == {provider.id: ["b2", "b1"]}
        assert (providers, consumers) == await tx.counterparts(pacticipant.id, foo.id)
        assert live == await tx.live_in_environment(prod.uuid, [provider.id, third.id])
        _, _, in_test = await tx.counterparts_live_in(pacticipant.id, foo.id, test.uuid)
        assert {p: [v.number for v in vs] for p, vs in in_test.items()} == {third.id: ["z1"]}
        assert await tx.counterparts_live_in(pacticipant.id, foo.id + 1000, "nowhere") == (
            [],
            [provider, third],
            {},
        )
        # can-i-deploy's first read finds the same beside the version it names.
        for environment in (prod, test):
            candidacy = await tx.find_candidacy(environment.name, "Foo", "1")
            assert candidacy.named == (pacticipant, foo)
            assert candidacy.counterparts == await tx.counterparts_live_in(
                pacticipant.id, foo.id, environment.uuid
            )
        baz_in_test = await tx.find_candidacy("test", "Baz", "z1")
        assert baz_in_test.counterparts == ([pacticipant], [], {})  # Foo has nothing live


async def test_versions_live_in_several_environments_are_read_in_one_statement(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    """Keyed by (environment, pacticipant): deployed by record, then released; none left out."""
    test, prod, empty = (an_environment(f"e-{n}", n, now) for n in ("test", "prod", "empty"))
    async with storage.transaction() as tx:
        for environment in (test, prod, empty):
            await tx.insert_environment(environment)
        v1, v2, v3 = await consumer_versions(tx, pacticipant, ["1", "2", "3"], now)
        (p1,) = await consumer_versions(tx, provider, ["p1"], now)
        await tx.insert_released_version(release("r-1", v1, test, now))
        await tx.insert_deployed_version(deployment("d-1", v3, test, now))
        await tx.insert_deployed_version(deployment("d-2", v2, prod, now))
        await tx.insert_deployed_version(deployment("d-3", p1, prod, now))
        ids = [pacticipant.id, provider.id]
        uuids = [test.uuid, prod.uuid, empty.uuid]

        def numbers(
            found: dict[tuple[str, int], list[Version]],
        ) -> dict[tuple[str, str], list[str]]:
            return {
                (uuid[2:], "Foo" if pacticipant_id == pacticipant.id else "Bar"): [
                    v.number for v in versions
                ]
                for (uuid, pacticipant_id), versions in found.items()
            }

        assert numbers(await tx.live_in_environments(uuids, ids)) == {
            ("test", "Foo"): ["3", "1"],
            ("prod", "Foo"): ["2"],
            ("prod", "Bar"): ["p1"],
        }
        assert numbers(await tx.live_in_environments(uuids, ids, deployed=False)) == {
            ("test", "Foo"): ["1"]
        }
        assert numbers(await tx.live_in_environments([prod.uuid], [provider.id])) == {
            ("prod", "Bar"): ["p1"]
        }
        assert await tx.live_in_environments([], ids) == {}
        assert await tx.live_in_environment(test.uuid, ids, released=False) == {
            pacticipant.id: [v3]
        }


async def test_the_shas_of_pact_contents_are_read_without_the_documents(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        versions = await consumer_versions(tx, pacticipant, ["1", "2", "3"], now)
        for v in versions:
            await publish(tx, pacticipant, provider, v, f"sha{v.number}", now)
        held = await tx.publications_of_versions([v.id for v in versions], provider.id)
        ids = [p.pact_version_id for p in sorted(held, key=lambda p: p.consumer_version_id)]
        assert await tx.pact_version_shas([*ids, 0]) == {
            ids[0]: "sha1",
            ids[1]: "sha2",
            ids[2]: "sha3",
        }
        assert await tx.pact_version_shas([]) == {}


async def test_wip_candidates_are_the_branch_heads_then_the_tag_heads_with_their_versions(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        v1, v2 = await consumer_versions(tx, pacticipant, ["1", "2"], now)
        for v in (v1, v2):
            await publish(tx, pacticipant, provider, v, f"sha{v.number}", now)
        feature = await tx.insert_branch(pacticipant.id, "feature", now)
        await tx.insert_branch_version(feature.id, v2.id, now)
        await tx.insert_tag(v1.id, "prod", now)
        found = await tx.wip_candidates(provider.id, now)
        assert [(c.by_tag, c.name, c.publication.consumer_version_id) for c in found] == [
            (False, "feature", v2.id),
            (True, "prod", v1.id),
        ]
        assert [c.version for c in found] == [v2, v1]
        assert await tx.wip_candidates(provider.id, now + timedelta(seconds=5)) == []


async def test_content_facts_are_the_success_facts_with_each_contents_sha(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        cvs = await consumer_versions(tx, pacticipant, ["1", "2", "3"], now)
        for cv in cvs:
            await publish(tx, pacticipant, provider, cv, f"sha{cv.number}", now)
        held = await tx.publications_of_versions([v.id for v in cvs], provider.id)
        ids = sorted(p.pact_version_id for p in held)
        main = await tx.insert_branch(provider.id, "main", now)
        (on_main,) = await consumer_versions(tx, provider, ["m1"], now)
        await tx.insert_branch_version(main.id, on_main.id, now)
        await result(tx, ids[0], pacticipant, provider, on_main, True, now)
        await result(tx, ids[1], pacticipant, provider, on_main, True, now, wip=True)
        for count_wip in (True, False):
            facts = await tx.content_facts([*ids, 0], main.id, count_wip=count_wip)
            assert {i: f.sha for i, f in facts.items()} == dict(
                zip(ids, ["sha1", "sha2", "sha3"], strict=True)
            )
            assert {i: (f.on_branch, f.first_success_at) for i, f in facts.items()} == (
                await tx.success_facts(ids, main.id, count_wip=count_wip)
            )
        assert (await tx.content_facts(ids, None, count_wip=True))[ids[0]].on_branch is False
        assert await tx.content_facts([], main.id, count_wip=True) == {}


async def test_the_consumers_of_a_provider_are_those_holding_a_pact_with_it(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        other = await tx.insert_pacticipant("Baz", PacticipantChanges(), now)
        (v1,) = await consumer_versions(tx, pacticipant, ["1"], now)
        (w1, w2) = await consumer_versions(tx, other, ["1", "2"], now)
        await publish(tx, pacticipant, provider, v1, "a", now)
        await publish(tx, other, provider, w1, "b", now)
        await publish(tx, other, pacticipant, w2, "c", now)
        assert [c.name for c in await tx.pact_consumers(provider.id)] == ["Foo", "Baz"]
        assert await tx.pact_consumers(pacticipant.id) == [other]
        assert await tx.pact_consumers(other.id) == []
        (held,) = await tx.publications_of_versions([v1.id], provider.id)
        await tx.delete_publication(held)
        assert await tx.pact_consumers(provider.id) == [other]
        assert [p.consumer_id for p in await tx.latest_publications(provider.id)] == [other.id]


async def test_the_tags_that_verified_a_content_count_wip_results_when_asked(
    storage: Storage, pacticipant: Pacticipant, provider: Pacticipant, now: datetime
) -> None:
    async with storage.transaction() as tx:
        cvs = await consumer_versions(tx, pacticipant, ["1", "2", "3"], now)
        for cv in cvs:
            await publish(tx, pacticipant, provider, cv, f"sha{cv.number}", now)
        held = await tx.publications_of_versions([v.id for v in cvs], provider.id)
        ids = sorted(p.pact_version_id for p in held)
        prod, dev, failed = await consumer_versions(tx, provider, ["p1", "d1", "f1"], now)
        await tx.insert_tag(prod.id, "prod", now)
        await tx.insert_tag(dev.id, "dev", now)
        await tx.insert_tag(failed.id, "prod", now)
        # ids[0]: verified by prod; ids[1]: only a WIP success by dev; ids[2]: a prod failure.
        await result(tx, ids[0], pacticipant, provider, prod, True, now)
        await result(tx, ids[1], pacticipant, provider, dev, True, now, wip=True)
        await result(tx, ids[2], pacticipant, provider, failed, False, now)
        tags = ["prod", "dev"]
        assert await tx.tags_that_verified(ids, tags) == {ids[0]: {"prod"}}
        assert await tx.tags_that_verified(ids, tags, count_wip=True) == {
            ids[0]: {"prod"},
            ids[1]: {"dev"},
        }
        assert await tx.tags_that_verified(ids, ["dev"], count_wip=True) == {ids[1]: {"dev"}}
