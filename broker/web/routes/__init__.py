"""The page controllers, gathered in one router with the pages' error handling and CSRF guard."""

from __future__ import annotations

from litestar import Router
from litestar.exceptions import HTTPException

from broker.domain.errors import DomainError
from broker.web.rendering import page_error_handler
from broker.web.routes import (
    activity,
    admin,
    admin_teams,
    admin_webhooks,
    api,
    approvals,
    assets,
    coverage,
    hal,
    home,
    matrix,
    network,
    pacticipants,
    pacts,
    provider_contracts,
    sign_in,
)
from broker.web.security import require_csrf_token


def web_router() -> Router:
    """Every page, `/` (negotiated with the HAL index) and `/ui/...`."""
    return Router(
        path="/",
        route_handlers=[
            home.HomeController,
            pacticipants.PacticipantPageController,
            pacts.PactPageController,
            provider_contracts.ProviderContractPageController,
            coverage.CoveragePageController,
            activity.ActivityPageController,
            network.NetworkPageController,
            matrix.MatrixPageController,
            api.ApiReferenceController,
            hal.HalBrowserController,
            approvals.ApprovalPageController,
            sign_in.SignInController,
            admin.AdminPageController,
            admin_teams.AdminTeamsController,
            admin_webhooks.AdminWebhooksController,
            assets.AssetController,
        ],
        guards=[require_csrf_token],
        exception_handlers={
            DomainError: page_error_handler,
            HTTPException: page_error_handler,
        },
    )
