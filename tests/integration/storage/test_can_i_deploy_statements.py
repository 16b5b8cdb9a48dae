"""can-i-deploy into an environment reads in two statements, on both backends (#19).

The environment, the version, its governance standing, and both sides of the version's
integrations with their versions live in the environment; then the pacts, their newest results
and which provider versions published a document. Each statement more is a round trip (PostgreSQL)
that every deployment gate pays; this fails when one comes back.
"""

from __future__ import annotations

from datetime import datetime

from broker.domain.matrix import Target
from broker.domain.model import PacticipantChanges
from broker.services.can_i_deploy import CanIDeployService, VersionSelector
from broker.storage.interface import Storage
from tests.integration.storage.test_storage_environments import an_environment, deployment
from tests.integration.storage.test_storage_pacts import consumer_versions, publish
from tests.integration.storage.test_storage_selection import result


async def test_can_i_deploy_into_an_environment_reads_two_statements(
    storage: Storage, now: datetime
) -> None:
    """Foo consumes Bar (verified) and Baz (not verified); Qux consumes Foo (not verified)."""
    production = an_environment("e-prod", "production", now)
    async with storage.transaction() as tx:
        await tx.insert_environment(production)
        foo, bar, baz, qux = [
            await tx.insert_pacticipant(name, PacticipantChanges(), now)
            for name in ("Foo", "Bar", "Baz", "Qux")
        ]
        (candidate,) = await consumer_versions(tx, foo, ["1"], now)
        (b1,) = await consumer_versions(tx, bar, ["b1"], now)
        (z1,) = await consumer_versions(tx, baz, ["z1"], now)
        (q1,) = await consumer_versions(tx, qux, ["q1"], now)
        await publish(tx, foo, bar, candidate, "foo-bar", now)
        await publish(tx, foo, baz, candidate, "foo-baz", now)
        await publish(tx, qux, foo, q1, "qux-foo", now)
        content = await tx.find_pact_version(foo.id, bar.id, "foo-bar")
        assert content is not None
        await result(tx, content.id, foo, bar, b1, True, now)
        for n, version in enumerate((b1, z1, q1)):
            await tx.insert_deployed_version(deployment(f"d-{n}", version, production, now))
    seen: list[str] = []
    storage.observe_queries(lambda operation, _: seen.append(operation))
    try:
        answer = await CanIDeployService(storage).ask(
            VersionSelector(pacticipant="Foo", version="1"),
            Target(kind="environment", name="production"),
            [],
        )
    finally:
        storage.observe_queries(None)
    verified = {
        (r.consumer.name, r.provider.name, r.provider_version.number): r.success
        for r in answer.rows
    }
    assert verified == {
        ("Foo", "Bar", "b1"): True,
        ("Foo", "Baz", "z1"): None,
        ("Qux", "Foo", "1"): None,
    }
    assert answer.decision.deployable is not True
    assert answer.decision.unknown == 2  # Foo with Baz, and Qux's pact with Foo
    # SQLite's BEGIN and COMMIT are statements too (execute); PostgreSQL's are not.
    assert [o for o in seen if o != "execute"] == ["fetch", "fetch"]
