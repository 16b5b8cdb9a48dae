"""What the home page shows, gathered from the services (no HTTP).

Every integration, its latest pact and verification, and what each side has deployed or
released in each environment. When the provider publishes provider contracts (bi-directional
contract testing), the latest verification is the comparison of the latest pact with the
provider's newest contract: compatible, incompatible or not yet compared.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from broker.domain.model import Environment, Verification, Version
from broker.http.context import Services
from broker.services.contracts import Pact
from broker.services.provider_contracts import ContractStatus

Status = Literal["success", "failure", "unverified"]


class LatestPact(msgspec.Struct, frozen=True, kw_only=True):
    """The newest pact of an integration: which consumer version published it, and when."""

    consumer_version: str
    published_at: datetime
    sha: str


class LatestVerification(msgspec.Struct, frozen=True, kw_only=True):
    """The newest result for the latest pact's content; `unverified` when there is none."""

    status: Status
    provider_version: str | None = None
    verified_at: datetime | None = None


class Live(msgspec.Struct, frozen=True, kw_only=True):
    """What runs in one environment: version numbers deployed, and those released."""

    deployed: tuple[str, ...] = ()
    released: tuple[str, ...] = ()


class IntegrationRow(msgspec.Struct, frozen=True, kw_only=True):
    """One consumer/provider pair as the home page lists it."""

    consumer: str
    provider: str
    pact: LatestPact | None
    verification: LatestVerification
    # The latest pact against the provider's newest provider contract; None when the
    # provider publishes none (or there is no pact).
    contract: ContractStatus | None = None
    # Environment name -> what the consumer and the provider run there.
    consumer_live: dict[str, Live]
    provider_live: dict[str, Live]


class Overview(msgspec.Struct, frozen=True, kw_only=True):
    """The home page: the integrations the filter keeps, and every environment."""

    environments: list[Environment]
    integrations: list[IntegrationRow]
    total: int  # integrations before filtering


class Filter(msgspec.Struct, frozen=True, kw_only=True):
    """The home page's GET form: part of a pacticipant's name, a label, an owning team.

    An integration passes when either side matches each one given.
    """

    name: str = ""
    label: str = ""
    team: str = ""

    @property
    def is_set(self) -> bool:
        """Whether any filter is given."""
        return bool(self.name.strip() or self.label.strip() or self.team.strip())


async def _live(services: Services, environments: list[Environment]) -> dict[str, dict[str, Live]]:
    """Pacticipant name -> environment name -> its live versions there."""
    live: dict[str, dict[str, Live]] = {}
    for environment in environments:
        _, deployments = await services.deployments.currently_deployed(environment.uuid)
        _, releases = await services.deployments.currently_supported(environment.uuid)
        for deployment in deployments:
            per = live.setdefault(deployment.pacticipant.name, {})
            held = per.get(environment.name, Live())
            if deployment.version.number not in held.deployed:
                deployed = (*held.deployed, deployment.version.number)
                per[environment.name] = Live(deployed=deployed, released=held.released)
        for release in releases:
            per = live.setdefault(release.pacticipant.name, {})
            held = per.get(environment.name, Live())
            if release.version.number not in held.released:
                released = (*held.released, release.version.number)
                per[environment.name] = Live(deployed=held.deployed, released=released)
    return live


def _verification(
    pact: Pact | None, latest: dict[int, tuple[Verification, Version]]
) -> LatestVerification:
    found = None if pact is None else latest.get(pact.content.id)
    if found is None:
        return LatestVerification(status="unverified")
    verification, provider_version = found
    return LatestVerification(
        status="success" if verification.success else "failure",
        provider_version=provider_version.number,
        verified_at=verification.created_at,
    )


class _Pair(msgspec.Struct, frozen=True):
    consumer: str
    provider: str
    created_at: datetime


async def overview(services: Services, keep: Filter, *, details: bool = True) -> Overview:
    """The integrations `keep` lets through, most recently active first.

    Without `details` (the network page), what runs in each environment is not read.

    Activity is as `GET /integrations` orders them: the newest of the integration's start, its
    latest pact's publication and that pact's latest verification. Each kind of fact is read
    for all integrations at once, so the page costs a few dozen queries, not a few per row.
    """
    environments = await services.environments.list_environments()
    integrations = [_Pair(*pair) for pair in await services.integrations.pairs()]
    latest = await services.contracts.latest_of_all(browsing=True)
    pacts = {(p.consumer.name, p.provider.name): p for p in latest}
    labelled: set[str] | None = None
    if keep.label.strip():
        labelled = {p.name for p in await services.pacticipants.with_label(keep.label.strip())}
    needle = keep.name.strip().casefold()
    chosen = [
        i
        for i in integrations
        if (not needle or needle in i.consumer.casefold() or needle in i.provider.casefold())
        and (labelled is None or i.consumer in labelled or i.provider in labelled)
    ]
    team = keep.team.strip()
    if team:
        # Owning teams are what `GET /pacticipants/{name}/mode` shows any reader.
        owned = {
            name
            for name in {n for i in chosen for n in (i.consumer, i.provider)}
            if team in await services.governance.owners(name)
        }
        chosen = [i for i in chosen if i.consumer in owned or i.provider in owned]
    live = await _live(services, environments) if chosen and details else {}
    shown = [pacts[key] for key in ((i.consumer, i.provider) for i in chosen) if key in pacts]
    contracts = await services.provider_contracts.statuses([p.content for p in shown])
    verified = await services.verifications.latest_of_contents([p.content.id for p in shown])
    rows = []
    for integration in chosen:
        pact = pacts.get((integration.consumer, integration.provider))
        activity = integration.created_at
        if pact is not None:
            activity = max(activity, pact.publication.created_at)
            if pact.content.id in verified:
                activity = max(activity, verified[pact.content.id][0].created_at)
        row = IntegrationRow(
            consumer=integration.consumer,
            provider=integration.provider,
            pact=None
            if pact is None
            else LatestPact(
                consumer_version=pact.consumer_version.number,
                published_at=pact.publication.created_at,
                sha=pact.content.sha,
            ),
            verification=_verification(pact, verified),
            contract=None if pact is None else contracts.get(pact.content.id),
            consumer_live=live.get(integration.consumer, {}),
            provider_live=live.get(integration.provider, {}),
        )
        rows.append((activity, row))
    # Stable: integrations equally recent stay by consumer name, then provider name.
    rows.sort(key=lambda pair: pair[0], reverse=True)
    return Overview(
        environments=environments, integrations=[r for _, r in rows], total=len(integrations)
    )
