"""What the admin pages show, gathered from the services the admin API uses (no HTTP, no SQL).

Tokens never show a secret (only its hash is stored); webhooks show their requests as the API
does, the password and secret headers masked, and URLs with user information or secret query
values masked as delivery logs mask them.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from broker.domain.auth import ApiToken, ApiUser, Team
from broker.domain.governance import Mode, Policy
from broker.domain.model import Page
from broker.domain.webhook_logs import delivery_log, redacted_url
from broker.domain.webhooks import DEAD, Webhook, WebhookRequest, redacted_request
from broker.http.context import Services
from broker.http.webhook_resources import display_description, scope
from broker.services.webhook_deliveries import DeliveryView

MODES_PER_PAGE = 50
DELIVERIES_SHOWN = 20  # a webhook page's newest deliveries, each with its attempts' log
LISTED = 500  # rows of the token, user and team lists a page shows at most
DEAD_COUNTED = 100


class TokenRow(msgspec.Struct, frozen=True, kw_only=True):
    """A token and whether it may still be used: `active`, `revoked` or `expired`."""

    token: ApiToken
    state: str


class Member(msgspec.Struct, frozen=True, kw_only=True):
    """Who belongs to a team: its users and its tokens, by name."""

    users: tuple[str, ...]
    tokens: tuple[str, ...]


class TeamRow(msgspec.Struct, frozen=True, kw_only=True):
    """A team, the pacticipants it owns and who belongs to it."""

    team: Team
    members: Member


class ModeRow(msgspec.Struct, frozen=True, kw_only=True):
    """A pacticipant's mode, owning teams and approval policy (None: the default rule)."""

    name: str
    mode: Mode
    owners: list[str]
    policy: Policy | None


class ModesView(msgspec.Struct, frozen=True, kw_only=True):
    """One page of pacticipants with their modes and policies."""

    rows: list[ModeRow]
    page: Page
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.page.size))


class WebhookRow(msgspec.Struct, frozen=True, kw_only=True):
    """A webhook as the list shows it: its name, what it is for, and its masked request."""

    webhook: Webhook
    title: str
    scope: str
    request: WebhookRequest
    url: str


class DeliveryRow(msgspec.Struct, frozen=True, kw_only=True):
    """A delivery with its attempts' log (credentials masked)."""

    view: DeliveryView
    log: str

    @property
    def is_dead(self) -> bool:
        """Whether its retries ran out (an admin may re-drive it)."""
        return self.view.delivery.status == DEAD


class WebhookPage(msgspec.Struct, frozen=True, kw_only=True):
    """One webhook and its newest deliveries."""

    row: WebhookRow
    deliveries: list[DeliveryRow]


class AdminIndex(msgspec.Struct, frozen=True, kw_only=True):
    """What the admin index counts."""

    tokens: int
    active_tokens: int
    users: int
    disabled_users: int
    teams: int
    webhooks: int
    enabled_webhooks: int
    dead_deliveries: int  # at most DEAD_COUNTED


def token_state(token: ApiToken, now: datetime) -> str:
    """`revoked`, `expired` or `active`."""
    if token.revoked_at is not None:
        return "revoked"
    return "active" if token.is_usable(now) else "expired"


async def token_rows(services: Services, now: datetime) -> list[TokenRow]:
    """Every token, newest first, without any secret."""
    tokens = await services.auth.list_tokens()
    ordered = sorted(tokens, key=lambda t: t.id, reverse=True)[:LISTED]
    return [TokenRow(token=t, state=token_state(t, now)) for t in ordered]


async def users(services: Services) -> list[ApiUser]:
    """Every user not deleted, by username."""
    return (await services.users.list_users())[:LISTED]


async def team_rows(services: Services) -> list[TeamRow]:
    """Every team with what it owns, and the users and usable tokens of each."""
    teams = (await services.auth.list_teams())[:LISTED]
    people = await services.users.list_users()
    tokens = [t for t in await services.auth.list_tokens() if t.revoked_at is None]
    return [
        TeamRow(
            team=team,
            members=Member(
                users=tuple(u.username for u in people if team.name in u.teams),
                tokens=tuple(t.name for t in tokens if team.name in t.teams),
            ),
        )
        for team in teams
    ]


async def pacticipant_names(services: Services) -> list[str]:
    """Names to suggest in a pacticipant field (the first LISTED)."""
    found, _ = await services.pacticipants.list_pacticipants(Page(number=1, size=LISTED))
    return [p.name for p in found]


async def modes_view(services: Services, page: Page) -> ModesView:
    """A page of pacticipants, by name, each with its mode, owners and approval policy."""
    found, total = await services.pacticipants.list_pacticipants(page)
    governance = services.governance
    rows = [
        ModeRow(
            name=p.name,
            mode=await governance.mode(p.name),
            owners=await governance.owners(p.name),
            policy=await governance.policy(p.name),
        )
        for p in found
    ]
    return ModesView(rows=rows, page=page, total=total)


def webhook_row(webhook: Webhook) -> WebhookRow:
    """A webhook with its request masked as the API shows it, and its URL as logs show it."""
    request = redacted_request(webhook.request)
    return WebhookRow(
        webhook=webhook,
        title=display_description(webhook),
        scope=scope(webhook),
        request=request,
        url=redacted_url(request.url),
    )


async def webhook_rows(services: Services) -> list[WebhookRow]:
    """Every webhook, oldest first."""
    return [webhook_row(w) for w in (await services.webhooks.list_webhooks())[:LISTED]]


async def webhook_page(services: Services, uuid: str) -> WebhookPage:
    """One webhook (404 when unknown) and its newest deliveries with their logs."""
    webhook = await services.webhooks.get(uuid)
    listed = await services.webhook_deliveries.executions(uuid, DELIVERIES_SHOWN)
    rows = []
    for item in listed:
        full = await services.webhook_deliveries.delivery(item.delivery.uuid)
        rows.append(DeliveryRow(view=full, log=delivery_log(full.attempts, full.heading)))
    return WebhookPage(row=webhook_row(webhook), deliveries=rows)


async def admin_index(services: Services, now: datetime) -> AdminIndex:
    """The counts the admin index shows."""
    tokens = await services.auth.list_tokens()
    people = await services.users.list_users()
    hooks = await services.webhooks.list_webhooks()
    dead = await services.webhook_deliveries.deliveries(DEAD, DEAD_COUNTED)
    return AdminIndex(
        tokens=len(tokens),
        active_tokens=sum(1 for t in tokens if token_state(t, now) == "active"),
        users=len(people),
        disabled_users=sum(1 for u in people if u.disabled_at is not None),
        teams=len(await services.auth.list_teams()),
        webhooks=len(hooks),
        enabled_webhooks=sum(1 for w in hooks if w.enabled),
        dead_deliveries=len(dead),
    )
