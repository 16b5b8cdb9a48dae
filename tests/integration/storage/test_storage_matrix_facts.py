"""The maintained matrix facts (migration 0019) equal a from-scratch computation, always.

Randomised histories of every write that changes them (results published, versions added to
and taken off branches, deployments, undeployments, releases and their end of support, and
deletions of versions, branches, pact contents, environments and pacticipants, which cascade),
on both backends. After each step the fact tables are compared with what Python computes from
the raw rows, and the reads built on the facts with the same computation.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from broker.domain.matrix import Candidate, Decision, Pairing, Target, Verified, decide
from broker.domain.model import (
    DeployedVersion,
    Environment,
    Pacticipant,
    PacticipantChanges,
    ReleasedVersion,
    Verification,
    Version,
)
from broker.domain.retention import Policy
from broker.services.can_i_deploy import CanIDeployService, VersionSelector
from broker.services.deployments import live_versions
from broker.services.retention import RetentionService
from broker.storage import postgres, sqlite
from broker.storage.driver import moment
from broker.storage.factory import open_storage
from broker.storage.interface import Storage, Transaction
from broker.storage.migrations import Migration
from tests.integration.storage.test_storage_pacts import head_pacts
from tests.integration.storage.test_storage_retention_history import (
    SCALE,
    history_module,
)

FACTS_MIGRATION = 19


async def _rows(tx: Transaction, sql: str) -> list[dict[str, Any]]:
    return [dict(r) for r in await tx._db.fetch(sql)]  # type: ignore[attr-defined]


def _bool(value: object) -> bool:
    return bool(value)


async def expected_facts(tx: Transaction) -> dict[str, Any]:
    """The facts computed from the rows they are drawn from, in Python."""
    verifications = await _rows(tx, "SELECT * FROM verifications")
    branch_versions = await _rows(tx, "SELECT * FROM branch_versions")
    deployed = await _rows(tx, "SELECT * FROM deployed_versions")
    released = await _rows(tx, "SELECT * FROM released_versions")
    newest: dict[tuple[int, int], dict[str, Any]] = {}
    for v in verifications:
        key = (v["pact_version_id"], v["provider_version_id"])
        if key not in newest or v["id"] > newest[key]["id"]:
            newest[key] = v
    latest = {
        key: (v["id"], _bool(v["success"]), moment(v["created_at"])) for key, v in newest.items()
    }
    branches_of: dict[int, set[int]] = {}
    for bv in branch_versions:
        branches_of.setdefault(bv["version_id"], set()).add(bv["branch_id"])
    on_branch = {
        (v["pact_version_id"], branch, _bool(v["wip"]))
        for v in verifications
        if v["success"]
        for branch in branches_of.get(v["provider_version_id"], set())
    }
    live: dict[tuple[str, int], list[Any]] = {}
    for d in deployed:
        if d["undeployed_at"] is None:
            row = live.setdefault(
                (d["environment_uuid"], d["version_id"]), [d["pacticipant_id"], None, None]
            )
            row[1] = d["id"] if row[1] is None else min(row[1], d["id"])
    for r in released:
        if r["support_ended_at"] is None:
            row = live.setdefault(
                (r["environment_uuid"], r["version_id"]), [r["pacticipant_id"], None, None]
            )
            row[2] = r["id"] if row[2] is None else min(row[2], r["id"])
    tags = await _rows(
        tx, "SELECT t.*, v.pacticipant_id FROM tags t JOIN versions v ON v.id = t.version_id"
    )
    tag_heads: dict[tuple[int, str], int] = {}
    for t in tags:
        key = (t["pacticipant_id"], t["name"])
        tag_heads[key] = max(tag_heads.get(key, 0), t["version_id"])
    heads: dict[int, tuple[int, int]] = {}
    for bv in branch_versions:
        if bv["branch_id"] not in heads or bv["seq"] > heads[bv["branch_id"]][0]:
            heads[bv["branch_id"]] = (bv["seq"], bv["version_id"])
    publications = await _rows(tx, "SELECT * FROM pact_publications")
    head_publications = {
        (branch, p["provider_id"]): (
            p["consumer_version_id"],
            p["pact_version_id"],
            moment(p["created_at"]),
        )
        for branch, (_, head) in heads.items()
        for p in publications
        if p["consumer_version_id"] == head
    }
    return {
        "latest": latest,
        "on_branch": on_branch,
        "live": {key: tuple(value) for key, value in live.items()},
        "tag_heads": tag_heads,
        "head_publications": head_publications,
    }


async def stored_facts(tx: Transaction) -> dict[str, Any]:
    """The fact tables as they are, with each witness checked against the rows."""
    latest = {
        (r["pact_version_id"], r["provider_version_id"]): (
            r["verification_id"],
            _bool(r["success"]),
            moment(r["created_at"]),
        )
        for r in await _rows(tx, "SELECT * FROM latest_verifications")
    }
    witnesses = await _rows(
        tx,
        "SELECT f.*, v.success AS w_success, v.wip AS w_wip,"
        " v.pact_version_id AS w_pact_version_id, v.provider_version_id AS w_version_id,"
        " bv.seq AS on_branch FROM verified_on_branch f"
        " LEFT JOIN verifications v ON v.id = f.verification_id"
        " LEFT JOIN branch_versions bv"
        "  ON bv.version_id = f.version_id AND bv.branch_id = f.branch_id",
    )
    for w in witnesses:
        assert w["w_success"], w
        assert _bool(w["w_wip"]) == _bool(w["wip"]), w
        assert w["w_pact_version_id"] == w["pact_version_id"], w
        assert w["w_version_id"] == w["version_id"], w
        assert w["on_branch"] is not None, w
    live = {
        (r["environment_uuid"], r["version_id"]): (
            r["pacticipant_id"],
            r["deployment_id"],
            r["release_id"],
        )
        for r in await _rows(tx, "SELECT * FROM environment_versions")
    }
    return {
        "latest": latest,
        "on_branch": {(w["pact_version_id"], w["branch_id"], _bool(w["wip"])) for w in witnesses},
        "live": live,
        "tag_heads": {
            (r["pacticipant_id"], r["name"]): r["version_id"]
            for r in await _rows(tx, "SELECT * FROM tag_heads")
        },
        "head_publications": {
            (r["branch_id"], r["provider_id"]): (
                r["consumer_version_id"],
                r["pact_version_id"],
                moment(r["created_at"]),
            )
            for r in await _rows(tx, "SELECT * FROM branch_head_publications")
        },
    }


ENVIRONMENTS = ("6f1c4a0e-0000-4000-8000-00000000000a", "6f1c4a0e-0000-4000-8000-00000000000b")


class History:
    """Random writes through the storage roles, as the services make them."""

    def __init__(self, storage: Storage, seed: int, start: datetime) -> None:
        self.storage = storage
        self.random = random.Random(seed)
        self.now = start
        self.names = 0

    def tick(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    async def ids(self, tx: Transaction, sql: str) -> list[Any]:
        return [next(iter(r.values())) for r in await _rows(tx, sql)]

    async def pick(self, tx: Transaction, sql: str) -> Any | None:
        found = await self.ids(tx, sql)
        return self.random.choice(sorted(found)) if found else None

    async def environments(self, tx: Transaction) -> None:
        for uuid in ENVIRONMENTS:
            if await tx.find_environment(uuid) is None:
                await tx.insert_environment(
                    Environment(
                        uuid=uuid,
                        name=f"env-{uuid[-1]}",
                        display_name="Env",
                        production=False,
                        created_at=self.now,
                        updated_at=self.now,
                    )
                )

    async def step(self, tx: Transaction) -> None:  # noqa: PLR0912, PLR0915 - one branch per kind of write
        rng = self.random
        kind = rng.choices(
            [
                "pacticipant",
                "version",
                "branch_version",
                "publish",
                "verify",
                "deploy",
                "undeploy",
                "release",
                "end_support",
                "unbranch",
                "delete_version",
                "delete_branch",
                "delete_pact",
                "delete_environment",
                "delete_pacticipant",
                "clean",
                "delete_integration",
                "tag",
                "untag",
                "republish",
            ],
            [3, 12, 8, 10, 25, 6, 4, 4, 3, 3, 4, 2, 2, 1, 1, 2, 1, 5, 2, 4],
        )[0]
        await self.environments(tx)
        now = self.tick()
        pacticipants = await self.ids(tx, "SELECT id FROM pacticipants")
        if kind == "pacticipant" or len(pacticipants) < 3:
            self.names += 1
            await tx.insert_pacticipant(f"p{self.names}", PacticipantChanges(), now)
            return
        if kind == "version":
            owner = rng.choice(sorted(pacticipants))
            self.names += 1
            version_1 = await tx.insert_version(owner, f"v{self.names}", None, now)
            branch_name = rng.choice(["main", "main", "feat-a", "feat-b"])
            branch_1 = await tx.find_branch(owner, branch_name) or await tx.insert_branch(
                owner, branch_name, now
            )
            await tx.insert_branch_version(branch_1.id, version_1.id, now)
        elif kind == "branch_version":
            version_id = await self.pick(tx, "SELECT id FROM versions")
            if version_id is None:
                return
            version_2 = await tx.find_version_by_id(version_id)
            assert version_2 is not None
            name = rng.choice(["main", "feat-a", "feat-b", "release"])
            branch_2 = await tx.find_branch(
                version_2.pacticipant_id, name
            ) or await tx.insert_branch(version_2.pacticipant_id, name, now)
            if await tx.find_branch_version(branch_2.id, version_2.id) is None:
                await tx.insert_branch_version(branch_2.id, version_2.id, now)
        elif kind == "publish":
            consumer_version = await self.pick(tx, "SELECT id FROM versions")
            if consumer_version is None:
                return
            version_3 = await tx.find_version_by_id(consumer_version)
            assert version_3 is not None
            provider = rng.choice(
                [p for p in sorted(pacticipants) if p != version_3.pacticipant_id]
            )
            if await tx.find_publication(version_3.id, provider) is not None:
                return
            sha = f"sha-{rng.randrange(4)}"
            content_3 = await tx.find_pact_version(
                version_3.pacticipant_id, provider, sha
            ) or await tx.insert_pact_version(version_3.pacticipant_id, provider, sha, "{}", now)
            await tx.insert_publication(
                consumer_id=version_3.pacticipant_id,
                provider_id=provider,
                consumer_version_id=version_3.id,
                pact_version_id=content_3.id,
                now=now,
            )
        elif kind == "verify":
            pact_version_id = await self.pick(tx, "SELECT id FROM pact_versions")
            if pact_version_id is None:
                return
            content_4 = await tx.find_pact_version_by_id(pact_version_id)
            assert content_4 is not None
            versions = await self.ids(
                tx, f"SELECT id FROM versions WHERE pacticipant_id = {content_4.provider_id}"
            )
            if not versions:
                self.names += 1
                versions = [
                    (await tx.insert_version(content_4.provider_id, f"v{self.names}", None, now)).id
                ]
            await tx.insert_verification(
                Verification(
                    id=0,
                    pact_version_id=content_4.id,
                    consumer_id=content_4.consumer_id,
                    provider_id=content_4.provider_id,
                    provider_version_id=rng.choice(sorted(versions)),
                    success=rng.random() < 0.7,
                    wip=rng.random() < 0.25,
                    created_at=now,
                )
            )
        elif kind in {"deploy", "release"}:
            version_id = await self.pick(tx, "SELECT id FROM versions")
            if version_id is None:
                return
            version_4 = await tx.find_version_by_id(version_id)
            assert version_4 is not None
            environment_4 = rng.choice(ENVIRONMENTS)
            self.names += 1
            if kind == "deploy":
                await tx.insert_deployed_version(
                    DeployedVersion(
                        uuid=f"d-{self.names}",
                        version_id=version_4.id,
                        pacticipant_id=version_4.pacticipant_id,
                        environment_id=environment_4,
                        application_instance=rng.choice([None, "blue", "green"]),
                        created_at=now,
                    )
                )
            elif not await tx.released_versions(environment_4, version_id=version_4.id):
                await tx.insert_released_version(
                    ReleasedVersion(
                        uuid=f"r-{self.names}",
                        version_id=version_4.id,
                        pacticipant_id=version_4.pacticipant_id,
                        environment_id=environment_4,
                        created_at=now,
                    )
                )
        elif kind == "undeploy":
            uuid = await self.pick(
                tx, "SELECT uuid FROM deployed_versions WHERE undeployed_at IS NULL"
            )
            if uuid is not None:
                deployed_5 = await tx.find_deployed_version(uuid)
                assert deployed_5 is not None
                await tx.mark_undeployed(deployed_5, now)
        elif kind == "end_support":
            uuid = await self.pick(tx, "SELECT uuid FROM released_versions")
            if uuid is not None:
                released_6 = await tx.find_released_version(uuid)
                assert released_6 is not None
                ended = None if released_6.support_ended_at is not None else now
                await tx.set_support_ended(released_6, ended)
        elif kind == "unbranch":
            seq = await self.pick(tx, "SELECT seq FROM branch_versions")
            if seq is not None:
                row_7 = (await _rows(tx, f"SELECT * FROM branch_versions WHERE seq = {seq}"))[0]
                await tx.delete_branch_version(row_7["branch_id"], row_7["version_id"])
        elif kind == "delete_version":
            version_id = await self.pick(tx, "SELECT id FROM versions")
            if version_id is not None:
                version_8 = await tx.find_version_by_id(version_id)
                assert version_8 is not None
                await tx.delete_version(version_8)
        elif kind == "delete_branch":
            branch_id = await self.pick(tx, "SELECT id FROM branches")
            if branch_id is not None:
                row_9 = (await _rows(tx, f"SELECT * FROM branches WHERE id = {branch_id}"))[0]
                branch_9 = await tx.find_branch(row_9["pacticipant_id"], row_9["name"])
                assert branch_9 is not None
                await tx.delete_branch(branch_9)
        elif kind == "delete_pact":
            publication_id = await self.pick(tx, "SELECT id FROM pact_publications")
            if publication_id is not None:
                row_10 = (
                    await _rows(tx, f"SELECT * FROM pact_publications WHERE id = {publication_id}")
                )[0]
                found_10 = await tx.find_publication(
                    row_10["consumer_version_id"], row_10["provider_id"]
                )
                assert found_10 is not None
                await tx.delete_publication(found_10)
        elif kind == "delete_environment":
            environment_11 = await tx.find_environment(rng.choice(ENVIRONMENTS))
            if environment_11 is not None:
                await tx.delete_environment(environment_11)
        elif kind == "clean":
            # `accord broker clean` deletes a batch of a pacticipant's versions in one statement.
            owner = await tx.find_pacticipant_by_id(rng.choice(sorted(pacticipants)))
            assert owner is not None
            versions = await self.ids(
                tx, f"SELECT id FROM versions WHERE pacticipant_id = {owner.id}"
            )
            doomed = rng.sample(sorted(versions), len(versions) // 2)
            await tx.clean_versions(owner.id, owner.name, doomed, delete=True)
        elif kind == "delete_integration":
            pair = await self.pick(
                tx, "SELECT consumer_id * 100000 + provider_id FROM integrations"
            )
            if pair is not None:
                await tx.delete_integration(pair // 100000, pair % 100000)
                await tx.delete_orphan_versions([pair // 100000, pair % 100000])
        elif kind == "republish":
            # A consumer version publishing other content for a provider replaces its pact.
            republished = await self.pick(tx, "SELECT id FROM pact_publications")
            if republished is not None:
                row = (
                    await _rows(tx, f"SELECT * FROM pact_publications WHERE id = {republished}")
                )[0]
                held = await tx.find_publication(row["consumer_version_id"], row["provider_id"])
                assert held is not None
                sha = f"sha-{rng.randrange(4)}"
                other = await tx.find_pact_version(
                    row["consumer_id"], row["provider_id"], sha
                ) or await tx.insert_pact_version(
                    row["consumer_id"], row["provider_id"], sha, "{}", now
                )
                await tx.replace_publication(held, other.id, now)
        elif kind == "tag":
            tagged = await self.pick(tx, "SELECT id FROM versions")
            name = rng.choice(["prod", "test", "feat"])
            if tagged is not None and await tx.find_tag(tagged, name) is None:
                await tx.insert_tag(tagged, name, now)
        elif kind == "untag":
            seq = await self.pick(tx, "SELECT seq FROM tags")
            if seq is not None:
                tag = (await _rows(tx, f"SELECT * FROM tags WHERE seq = {seq}"))[0]
                await tx.delete_tag(tag["version_id"], tag["name"])
        elif kind == "delete_pacticipant":
            found_14 = await tx.find_pacticipant_by_id(rng.choice(sorted(pacticipants)))
            if found_14 is not None:
                await tx.delete_pacticipant(found_14)


def _expected_live(
    live: dict[tuple[str, int], tuple[int, int | None, int | None]],
    environment: str,
    pacticipant_ids: Sequence[int],
    *,
    deployed: bool,
    released: bool,
) -> dict[int, list[int]]:
    """What `live_versions` answered before the facts: deployed by record, then released."""
    found: dict[int, list[int]] = {p: [] for p in pacticipant_ids}
    for pacticipant in pacticipant_ids:
        rows = [
            (version, row)
            for (env, version), row in live.items()
            if env == environment and row[0] == pacticipant
        ]
        ids: list[int] = []
        if deployed:
            ids += [v for v, row in sorted(rows, key=lambda x: x[1][1] or 0) if row[1] is not None]
        if released:
            ids += [v for v, row in sorted(rows, key=lambda x: x[1][2] or 0) if row[2] is not None]
        found[pacticipant] = list(dict.fromkeys(ids))
    return found


async def check_counterparts_live(tx: Transaction, rng: random.Random) -> None:
    """Counterparts with their live versions in one read equal the two reads apart.

    So do those can-i-deploy's first read finds beside the version, by names.
    """
    all_versions = await _rows(
        tx,
        "SELECT v.id, v.pacticipant_id, v.number, p.name FROM versions v"
        " JOIN pacticipants p ON p.id = v.pacticipant_id",
    )
    for version in rng.sample(all_versions, min(5, len(all_versions))):
        providers, consumers = await tx.counterparts(version["pacticipant_id"], version["id"])
        around = sorted({p.id for p in (*providers, *consumers)})
        for environment in ENVIRONMENTS:
            together = await tx.counterparts_live_in(
                version["pacticipant_id"], version["id"], environment
            )
            assert together == (
                providers,
                consumers,
                await tx.live_in_environment(environment, around),
            )
            stored = await tx.find_environment(environment)
            name = f"env-{environment[-1]}"
            candidacy = await tx.find_candidacy(name, version["name"], version["number"])
            assert candidacy.counterparts == (None if stored is None else together)


async def check_reads(tx: Transaction, expected: dict[str, Any], rng: random.Random) -> None:
    """The reads built on the facts answer what the raw rows say."""
    pacticipants = sorted(r["id"] for r in await _rows(tx, "SELECT id FROM pacticipants"))
    for environment in ENVIRONMENTS:
        for deployed, released in ((True, True), (True, False), (False, True)):
            got = await tx.live_in_environment(
                environment, pacticipants, deployed=deployed, released=released
            )
            want = _expected_live(
                expected["live"], environment, pacticipants, deployed=deployed, released=released
            )
            assert {p: [v.id for v in got.get(p, [])] for p in pacticipants} == want
    for deployed, released in ((True, True), (True, False), (False, True)):
        both = await tx.live_in_environments(
            list(ENVIRONMENTS), pacticipants, deployed=deployed, released=released
        )
        for environment in ENVIRONMENTS:
            want = _expected_live(
                expected["live"], environment, pacticipants, deployed=deployed, released=released
            )
            got_ids = {p: [v.id for v in both.get((environment, p), [])] for p in pacticipants}
            assert got_ids == want
    await check_counterparts_live(tx, rng)
    contents = sorted(r["id"] for r in await _rows(tx, "SELECT id FROM pact_versions"))
    shas = {r["id"]: r["sha"] for r in await _rows(tx, "SELECT id, sha FROM pact_versions")}
    branches = sorted(r["id"] for r in await _rows(tx, "SELECT id FROM branches"))
    first_success: dict[tuple[int, bool], datetime] = {}
    for v in await _rows(tx, "SELECT * FROM verifications WHERE success ORDER BY id"):
        for count_wip in (True, False):
            if count_wip or not v["wip"]:
                first_success.setdefault((v["pact_version_id"], count_wip), moment(v["created_at"]))
    for branch in [*rng.sample(branches, min(3, len(branches))), None]:
        for count_wip in (True, False):
            facts = await tx.success_facts(contents, branch, count_wip=count_wip)
            with_shas = await tx.content_facts(contents, branch, count_wip=count_wip)
            assert {c: (f.on_branch, f.first_success_at) for c, f in with_shas.items()} == facts
            assert {c: f.sha for c, f in with_shas.items()} == shas
            for content in contents:
                on_branch = any(
                    (content, branch, wip) in expected["on_branch"]
                    for wip in ((False, True) if count_wip else (False,))
                )
                assert facts[content] == (on_branch, first_success.get((content, count_wip)))
    await check_wip_candidates(tx, expected, first_success, rng)
    publications = await _rows(tx, "SELECT * FROM pact_publications")
    for provider in pacticipants:
        consumers = [c.id for c in await tx.pact_consumers(provider)]
        assert consumers == sorted(
            {p["consumer_id"] for p in publications if p["provider_id"] == provider}
        )
    versions = sorted(r["id"] for r in await _rows(tx, "SELECT id FROM versions"))
    pairs = [
        (p["consumer_version_id"], p["provider_id"], rng.choice([None, *versions]))
        for p in rng.sample(publications, min(10, len(publications)))
    ]
    results = await tx.pacts_and_results(pairs)
    for consumer_version, provider, provider_version in pairs:
        alone = await tx.pact_and_result(consumer_version, provider, provider_version)
        assert results.get((consumer_version, provider, provider_version)) == alone


async def reference_decision(
    tx: Transaction, pacticipant: Pacticipant, version: Version, environment: Environment
) -> Decision:
    """can-i-deploy to an environment as it was computed before the facts: pair by pair from
    the deployment and release records and the raw results."""
    pairings: list[Pairing] = []
    seen: set[tuple[str, str, str, str | None]] = set()

    async def pair(c: Pacticipant, cv: Version, p: Pacticipant, pv: Version | None) -> None:
        key = (c.name, cv.number, p.name, None if pv is None else pv.number)
        found = await tx.pact_and_result(cv.id, p.id, None if pv is None else pv.id)
        if key in seen or found is None:
            return
        seen.add(key)
        verified = (
            None
            if found.verification_id is None or found.success is None
            else Verified(id=found.verification_id, success=found.success)
        )
        pairings.append(
            Pairing(
                consumer=c.name,
                consumer_version=cv.number,
                provider=p.name,
                provider_version=key[3],
                pact_sha=found.sha,
                verification=verified,
            )
        )

    for publication in await tx.publications_of_consumer_version(version.id):
        provider = await tx.find_pacticipant_by_id(publication.provider_id)
        assert provider is not None
        live: list[Version | None] = list(await live_versions(tx, provider.id, environment.uuid))
        for provider_version in live or [None]:
            await pair(pacticipant, version, provider, provider_version)
    for latest in await tx.latest_publications(pacticipant.id):
        consumer = await tx.find_pacticipant_by_id(latest.consumer_id)
        assert consumer is not None
        for consumer_version in await live_versions(tx, consumer.id, environment.uuid):
            await pair(consumer, consumer_version, pacticipant, version)
    target = Target(kind="environment", name=environment.name)
    candidate = Candidate(pacticipant=pacticipant.name, version=version.number)
    return decide(candidate, target, pairings, [])


async def check_can_i_deploy(storage: Storage, rng: random.Random) -> int:
    """can-i-deploy from the facts answers as the pair-by-pair computation; the rows judged."""
    async with storage.transaction() as tx:
        versions = [r["id"] for r in await _rows(tx, "SELECT id FROM versions ORDER BY id")]
        environments = [e for e in await tx.list_environments() if e.uuid in ENVIRONMENTS]
        asked = []
        for version_id in rng.sample(versions, min(6, len(versions))):
            version = await tx.find_version_by_id(version_id)
            assert version is not None
            pacticipant = await tx.find_pacticipant_by_id(version.pacticipant_id)
            assert pacticipant is not None
            for environment in environments:
                reference = await reference_decision(tx, pacticipant, version, environment)
                asked.append((pacticipant, version, environment, reference))
    service = CanIDeployService(storage)
    judged = 0
    for pacticipant, version, environment, reference in asked:
        answer = await service.ask(
            VersionSelector(pacticipant=pacticipant.name, version=version.number),
            Target(kind="environment", name=environment.name),
            [],
        )
        assert answer.decision == reference
        judged += len(reference.rows)
    return judged


async def check_wip_candidates(
    tx: Transaction,
    expected: dict[str, Any],
    first_success: dict[tuple[int, bool], datetime],
    rng: random.Random,
) -> None:
    """The WIP candidates read from the facts are the heads' pacts the raw rows give."""
    publications = await _rows(tx, "SELECT * FROM pact_publications")
    branches = {r["id"]: r for r in await _rows(tx, "SELECT * FROM branches")}
    providers = sorted({p["provider_id"] for p in publications})
    times = sorted(moment(p["created_at"]) for p in publications)
    for provider in rng.sample(providers, min(3, len(providers))):
        since = rng.choice(times)
        for branch in [None, *rng.sample(sorted(branches), min(2, len(branches)))]:
            unverified_on = (
                None if branch is None else (branch, moment(branches[branch]["created_at"]))
            )

            def kept(
                content: int, unverified_on: tuple[int, datetime] | None = unverified_on
            ) -> bool:
                if unverified_on is None:
                    return True
                first = first_success.get((content, False))
                return (content, unverified_on[0], False) not in expected["on_branch"] and not (
                    first is not None and first < unverified_on[1]
                )

            want_heads = sorted(
                (p["consumer_id"], p["consumer_version_id"], branches[b]["name"], p["id"])
                for (b, prov), (cv, _, _) in expected["head_publications"].items()
                for p in publications
                if prov == provider
                and p["provider_id"] == provider
                and p["consumer_version_id"] == cv
                and moment(p["created_at"]) >= since
                and kept(p["pact_version_id"])
            )
            got_heads = await head_pacts(tx, provider, since, unverified_on=unverified_on)
            assert [(name, p.id) for name, p in got_heads] == [(n, i) for _, _, n, i in want_heads]
            want_tags = sorted(
                (p["consumer_id"], p["consumer_version_id"], name, p["id"])
                for (pacticipant, name), version in expected["tag_heads"].items()
                for p in publications
                if p["provider_id"] == provider
                and p["consumer_version_id"] == version
                and moment(p["created_at"]) >= since
                and kept(p["pact_version_id"])
            )
            got_tags = await head_pacts(
                tx, provider, since, by_tag=True, unverified_on=unverified_on
            )
            assert [(name, p.id) for name, p in got_tags] == [(n, i) for _, _, n, i in want_tags]
            both = await tx.wip_candidates(provider, since, unverified_on=unverified_on)
            assert [(c.by_tag, c.name, c.publication.id) for c in both] == [
                *((False, n, i) for _, _, n, i in want_heads),
                *((True, n, i) for _, _, n, i in want_tags),
            ]
            for c in both:
                assert c.version.id == c.publication.consumer_version_id
                assert c.version.pacticipant_id == c.publication.consumer_id


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_facts_equal_a_computation_from_scratch(
    storage: Storage, now: datetime, seed: int
) -> None:
    history = History(storage, seed, now)
    checked = random.Random(seed)
    judged = 0
    for round_ in range(12):
        async with storage.transaction() as tx:
            for _ in range(15):
                await history.step(tx)
        async with storage.transaction() as tx:
            expected = await expected_facts(tx)
            assert await stored_facts(tx) == expected, f"after round {round_}"
            await check_reads(tx, expected, checked)
        judged += await check_can_i_deploy(storage, checked)
    assert judged >= 5  # rows were compared, not only empty answers


async def test_the_history_exercises_every_fact(storage: Storage, now: datetime) -> None:
    # The randomised histories are worth something only if they build and remove facts.
    history = History(storage, 1, now)
    seen: dict[str, set[object]] = {
        name: set() for name in ("latest", "on_branch", "live", "tag_heads", "head_publications")
    }
    gone: dict[str, int] = dict.fromkeys(seen, 0)
    peak: dict[str, int] = dict.fromkeys(seen, 0)
    for _ in range(12):
        async with storage.transaction() as tx:
            for _ in range(15):
                await history.step(tx)
            expected = await expected_facts(tx)
        for name, found in expected.items():
            keys = set(found)
            gone[name] += len(seen[name] - keys)
            peak[name] = max(peak[name], len(keys))
            seen[name] = keys
    assert all(peak[name] >= 3 and gone[name] >= 1 for name in seen), (peak, gone)


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'accord.db'}"
    url: str = request.getfixturevalue("empty_postgres_database_url")
    return url


async def test_the_migration_derives_the_facts_of_an_existing_history(
    unmigrated_url: str, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = sqlite if unmigrated_url.startswith("sqlite") else postgres
    every = module.migrations_for

    def before_facts(backend: str) -> list[Migration]:
        return [m for m in every(backend) if m.version < FACTS_MIGRATION]

    monkeypatch.setattr(module, "migrations_for", before_facts)
    storage = await open_storage(unmigrated_url)
    try:
        await storage.migrate()
        history = History(storage, 5, now)
        for _ in range(8):
            async with storage.transaction() as tx:
                for _ in range(15):
                    await history.step(tx)
        monkeypatch.setattr(module, "migrations_for", every)
        assert (await storage.migrate())[0] == "0019_matrix_facts"
        async with storage.transaction() as tx:
            expected = await expected_facts(tx)
            assert all(expected[name] for name in expected)
            assert await stored_facts(tx) == expected
    finally:
        await storage.close()


async def test_a_loaded_history_holds_the_facts_and_keeps_them_through_a_clean(
    history_url: str,
) -> None:
    # benchmarks/history.py loads in bulk (triggers firing on SQLite, off and the migrations'
    # statements afterwards on PostgreSQL): the facts must be those the broker's writes make,
    # and `accord broker clean` deleting thousands of versions in batches must keep them so.
    await history_module().build(history_url, SCALE)
    storage = await open_storage(history_url)
    try:
        async with storage.transaction() as tx:
            expected = await expected_facts(tx)
            assert all(expected[name] for name in expected)
            assert await stored_facts(tx) == expected
        cleaned = await RetentionService(storage, batch_size=100).clean(
            Policy(keep_latest_per_branch=2), dry_run=False
        )
        assert cleaned.totals.versions > 500
        async with storage.transaction() as tx:
            expected = await expected_facts(tx)
            assert await stored_facts(tx) == expected
    finally:
        await storage.close()
