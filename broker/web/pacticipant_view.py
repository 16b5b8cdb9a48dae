"""What the pacticipant page shows, gathered from the services (no HTTP).

Who owns it and how it is governed (mode, approval policy), the webhooks naming it, its
versions, branches and tags, what it runs in each environment, and whether a version may go to
each environment (can-i-deploy, with reasons).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import msgspec

from broker.domain.governance import Mode, Policy
from broker.domain.matrix import Target
from broker.domain.model import Branch, Environment, Page
from broker.domain.webhooks import Webhook
from broker.http.context import Services
from broker.services.can_i_deploy import Answer, VersionSelector
from broker.services.deployments import Deployment, Release
from broker.services.pacticipants import PacticipantDetails
from broker.services.versions import VersionDetails

VERSIONS_PER_PAGE = 20
MAX_BRANCHES = 100
MAX_WEBHOOKS = 50


class WebhookSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A webhook as the pacticipant page lists it: never its credentials, headers or path.

    `host` is the target URL's host (and port), nothing else of it.
    """

    uuid: str
    description: str | None
    role: str  # "consumer", "provider" or "consumer and provider": how it names the pacticipant
    events: tuple[str, ...]
    enabled: bool
    host: str


def target_host(url: str) -> str:
    """The host (and port) a webhook calls, without user, password, path or query."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:  # a port that is not a number, an unbalanced [ ]
        return "(not a valid URL)"
    if not host:
        return "(no host)"
    shown = f"[{host}]" if ":" in host else host
    return shown if port is None else f"{shown}:{port}"


def summarise(webhook: Webhook, name: str) -> WebhookSummary:
    """What the page shows of a webhook that names `name` as consumer and/or provider."""
    sides = [
        side
        for side, selector in (("consumer", webhook.consumer), ("provider", webhook.provider))
        if selector is not None and selector.name == name
    ]
    return WebhookSummary(
        uuid=webhook.uuid,
        description=webhook.description,
        role=" and ".join(sides),
        events=webhook.events,
        enabled=webhook.enabled,
        host=target_host(webhook.request.url),
    )


class EnvironmentView(msgspec.Struct, frozen=True, kw_only=True):
    """One environment: what the pacticipant runs there, and can-i-deploy the candidate."""

    environment: Environment
    deployments: list[Deployment]
    releases: list[Release]
    answer: Answer | None  # None when the pacticipant has no version to ask about


class PacticipantView(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the pacticipant page shows."""

    details: PacticipantDetails
    mode: Mode
    owners: list[str]
    policy: Policy | None  # None: the default rule
    webhooks: list[WebhookSummary]  # the first MAX_WEBHOOKS naming it, oldest first
    webhook_total: int
    branches: list[Branch]
    branch_total: int
    versions: list[VersionDetails]
    version_total: int
    page: Page
    candidate: str | None  # the version can-i-deploy is asked about
    environments: list[EnvironmentView]

    @property
    def environment_names(self) -> dict[str, str]:
        """Each environment's display name by its uuid."""
        return {e.environment.uuid: e.environment.display_name for e in self.environments}

    @property
    def pages(self) -> int:
        """How many pages of versions there are (at least one)."""
        return max(1, -(-self.version_total // self.page.size))


async def pacticipant_view(
    services: Services, name: str, page: Page, candidate: str | None
) -> PacticipantView:
    """The page of `name`, with versions page `page`, asking can-i-deploy of `candidate`.

    Without a candidate, can-i-deploy is asked of the latest version.

    Raises:
        NotFoundError: no pacticipant (or no such candidate version) by that name.
    """
    details = await services.pacticipants.get(name)
    real_name = details.pacticipant.name
    _, shown, total = await services.versions.list_details(real_name, page)
    _, branches, branch_total = await services.versions.list_branches(
        real_name, Page(number=1, size=MAX_BRANCHES)
    )
    if candidate is not None:
        await services.versions.get(real_name, candidate)  # a NotFoundError names it
    else:
        candidate = details.latest_version_number
    environments = []
    for environment in await services.environments.list_environments():
        _, deployments = await services.deployments.currently_deployed(
            environment.uuid, pacticipant_name=real_name
        )
        _, releases = await services.deployments.currently_supported(
            environment.uuid, pacticipant_name=real_name
        )
        answer = None
        if candidate is not None:
            answer = await services.can_i_deploy.ask(
                VersionSelector(pacticipant=real_name, version=candidate),
                Target(kind="environment", name=environment.name),
                [],
            )
        environments.append(
            EnvironmentView(
                environment=environment, deployments=deployments, releases=releases, answer=answer
            )
        )
    as_consumer = await services.webhooks.list_webhooks(consumer=real_name)
    as_provider = await services.webhooks.list_webhooks(provider=real_name)
    named = {w.uuid: w for w in (*as_consumer, *as_provider)}
    webhooks = sorted(named.values(), key=lambda w: w.id)
    return PacticipantView(
        details=details,
        mode=await services.governance.mode(real_name),
        owners=await services.governance.owners(real_name),
        policy=await services.governance.policy(real_name),
        webhooks=[summarise(w, real_name) for w in webhooks[:MAX_WEBHOOKS]],
        webhook_total=len(webhooks),
        branches=branches,
        branch_total=branch_total,
        versions=shown,
        version_total=total,
        page=page,
        candidate=candidate,
        environments=environments,
    )
