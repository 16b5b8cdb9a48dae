"""`create_app(settings)`: the one place where the broker's parts are wired together."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException

from broker.clean_schedule import cleaning_on_schedule
from broker.domain.errors import DomainError
from broker.domain.governance import Mode
from broker.http.audit_trail import AuditTrailMiddleware
from broker.http.context import Services, provide_links, provide_services
from broker.http.head import HeadAsGet, allow_every_method
from broker.http.observed import Observed
from broker.http.paths import EncodedSlashes, restore_slashes
from broker.http.permissions import authorize, require_declared
from broker.http.problems import domain_error_handler, http_error_handler, internal_error_handler
from broker.http.routes import (
    admin,
    audit,
    coverage,
    deploy_badges,
    deployments,
    environments,
    for_verification,
    governance,
    index,
    integrations,
    matrix,
    notifications,
    openapi,
    pact_badges,
    pacticipants,
    pacts,
    provider_contracts,
    test_results,
    users,
    verifications,
    versions,
    webhook_deliveries,
    webhooks,
)
from broker.http.routes import metrics as metrics_routes
from broker.metrics import Metrics
from broker.services.actor import Actor, current_actor
from broker.services.audit import AuditService, audit_key
from broker.services.auth import AuthService
from broker.services.can_i_deploy import CanIDeployService
from broker.services.change_requests import GovernanceService
from broker.services.clock import system_clock
from broker.services.contracts import ContractService
from broker.services.coverage import CoverageService
from broker.services.deployments import DeploymentService
from broker.services.doorbell import Doorbell
from broker.services.environments import EnvironmentService
from broker.services.for_verification import ForVerificationService
from broker.services.governance import Governance
from broker.services.integrations import IntegrationService
from broker.services.login_throttle import LoginThrottle
from broker.services.notifications import NotificationService
from broker.services.pacticipants import PacticipantService
from broker.services.provider_contracts import ProviderContractService
from broker.services.test_results import TestResultService
from broker.services.users import UserService
from broker.services.verifications import VerificationService
from broker.services.versions import VersionService
from broker.services.webhook_deliveries import WebhookDeliveryService
from broker.services.webhooks import WebhookService
from broker.services.work import Work
from broker.settings import Settings
from broker.storage.factory import open_storage
from broker.storage.interface import QueryObserver, Storage
from broker.tracing import Tracing
from broker.web.rendering import template_config
from broker.web.routes import web_router
from broker.web.sessions import signer_for
from broker.webhooks.guard import Resolver, WebhookPolicy, system_resolver
from broker.webhooks.sender import WebhookSender
from broker.webhooks.worker import RESPONSE_LOG_CHARACTERS, DeliveryConfig, DeliveryWorker
from broker.workers import WorkerPool


def wire_services(
    storage: Storage,
    settings: Settings,
    work: Work | None = None,
    resolver: Resolver = system_resolver,
) -> Services:
    """The use cases over one storage; CPU-heavy work on documents goes to `work`.

    `resolver` answers the webhook guard's host look-ups (the system's DNS unless a test says).
    One `Doorbell` is shared by every service that stores webhook deliveries and by the
    delivery workers (`Services.doorbell`).
    """
    rules = Governance(Mode(settings.default_mode), work=work)
    doorbell = Doorbell()
    return Services(
        storage=storage,
        pacticipants=PacticipantService(storage),
        versions=VersionService(storage),
        environments=EnvironmentService(storage),
        deployments=DeploymentService(storage),
        verifications=VerificationService(storage, doorbell=doorbell),
        for_verification=ForVerificationService(storage, governance=rules),
        can_i_deploy=CanIDeployService(storage, governance=rules, work=work),
        contracts=ContractService(
            storage,
            allow_modification=settings.allow_contract_modification,
            strict_pacts=settings.strict_pacts,
            governance=rules,
            work=work,
            doorbell=doorbell,
        ),
        provider_contracts=ProviderContractService(
            storage, governance=rules, work=work, doorbell=doorbell
        ),
        governance=GovernanceService(
            storage, rules, allow_override=settings.allow_override, doorbell=doorbell
        ),
        auth=AuthService(
            storage,
            admin_token=settings.admin_token,
            throttle=LoginThrottle(
                storage,
                per_user=settings.login_failures_per_user,
                per_address=settings.login_failures_per_address,
                window=settings.login_failure_window,
            ),
        ),
        users=UserService(storage),
        audit=AuditService(storage),
        notifications=NotificationService(storage),
        integrations=IntegrationService(storage),
        doorbell=doorbell,
        webhook_deliveries=WebhookDeliveryService(
            storage,
            WebhookSender(
                WebhookPolicy.from_settings(settings),
                resolver=resolver,
                timeout=settings.webhook_timeout,
                max_response_bytes=RESPONSE_LOG_CHARACTERS,
            ),
            doorbell,
        ),
        webhooks=WebhookService(storage, WebhookPolicy.from_settings(settings), resolver),
        test_results=TestResultService(storage, work=work),
        coverage=CoverageService(storage, governance=rules, work=work),
    )


@asynccontextmanager
async def delivering_webhooks(
    services: Services, settings: Settings, metrics: Metrics | None = None
) -> AsyncIterator[None]:
    """Run this process's webhook delivery worker for the duration of the block.

    Every broker process runs one unless `ACCORD_WEBHOOK_DELIVERY=false`: on PostgreSQL the
    replicas' workers share the outbox (each claim passes over rows another holds); on SQLite
    the one process is the one worker.
    """
    if not settings.webhook_delivery:
        logging.getLogger("broker.webhooks").info(
            "Webhook delivery is off in this broker (ACCORD_WEBHOOK_DELIVERY=false)"
        )
        yield
        return
    sender = WebhookSender(
        WebhookPolicy.from_settings(settings),
        timeout=settings.webhook_timeout,
        max_response_bytes=RESPONSE_LOG_CHARACTERS,
    )
    worker = DeliveryWorker(
        services.storage,
        sender,
        system_clock,
        services.doorbell,
        DeliveryConfig.from_settings(settings),
        metrics=metrics,
    )
    running = asyncio.create_task(worker.run(), name="webhook-delivery")
    try:
        yield
    finally:
        await worker.stop()
        await asyncio.gather(running, return_exceptions=True)
        await sender.aclose()


async def anchor_audit_log(audit: AuditService, key: str) -> None:
    """Seal a log written without the key (or with none yet) by appending an anchor entry."""
    key_reset = audit_key.set(key.encode())
    actor_reset = current_actor.set(Actor(name="accord", role="admin"))
    try:
        await audit.anchor(system_clock())
    finally:
        current_actor.reset(actor_reset)
        audit_key.reset(key_reset)


def settle_startup_objects() -> None:
    """Move everything start-up made out of the garbage collector's sight (`gc.freeze`).

    The modules, routes, schemas and templates live as long as the process, yet every full
    collection walked them again: about 120,000 objects, 60-90 ms during which no request was
    answered. Collected first, so no garbage is frozen with them.
    """
    gc.collect()
    gc.freeze()


def statement_observer(metrics: Metrics, tracing: Tracing | None) -> QueryObserver:
    """What storage tells of each statement: the metrics, and a span when tracing is on."""
    if tracing is None:
        return metrics.observe_query

    def observe(operation: str, seconds: float) -> None:
        metrics.observe_query(operation, seconds)
        tracing.observe_query(operation, seconds)

    return observe


def create_app(settings: Settings, *, settle: bool = False) -> Litestar:
    """The broker as a Litestar application; storage opens (and migrates) on start-up.

    Its metrics (`app.state.metrics`) count what the handlers, the storage and the webhook
    worker do; `asgi_app` adds the requests themselves. With `settle` (the serving process,
    not tests that start many applications in one), what start-up made is frozen out of the
    garbage collector's sight once it is up (`settle_startup_objects`).
    """
    metrics = Metrics()
    tracing = Tracing(settings.otel_endpoint) if settings.otel_endpoint else None

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        storage = await open_storage(
            settings.database_url,
            timeout=settings.database_timeout,
            statement_cache=settings.database_statement_cache,
            read_url=settings.database_read_url,
            read_max_lag=settings.database_read_max_lag,
        )
        workers = WorkerPool(settings.workers, settings.work_budget)
        warming = asyncio.create_task(workers.start())
        services: Services | None = None
        try:
            storage.observe_queries(statement_observer(metrics, tracing))
            await storage.migrate()
            app.state.services = services = wire_services(storage, settings, workers)
            if settings.audit_key is not None:
                await anchor_audit_log(services.audit, settings.audit_key)
            # The worker stops first on shutdown, while the storage it settles in is open.
            async with (
                delivering_webhooks(services, settings, metrics),
                cleaning_on_schedule(storage, settings),
            ):
                if settle:
                    settle_startup_objects()
                yield
        finally:
            warming.cancel()
            await asyncio.gather(warming, return_exceptions=True)
            await workers.close()
            if services is not None:
                await services.webhook_deliveries.aclose()
            await storage.close()
            if tracing is not None:
                await asyncio.to_thread(tracing.shutdown)

    app = Litestar(
        route_handlers=[
            index.IndexController,
            pacticipants.PacticipantController,
            versions.VersionController,
            environments.EnvironmentController,
            deployments.DeploymentController,
            pacts.PactController,
            pacts.PactCollectionController,
            verifications.VerificationController,
            for_verification.ForVerificationController,
            matrix.MatrixController,
            deploy_badges.DeployBadgeController,
            pact_badges.PactBadgeController,
            integrations.IntegrationController,
            provider_contracts.ProviderContractController,
            admin.AdminController,
            users.UserController,
            audit.AuditController,
            notifications.NotificationController,
            test_results.TestResultController,
            coverage.CoverageController,
            governance.GovernanceController,
            webhook_deliveries.WebhookDeliveryController,
            webhooks.WebhookController,
            web_router(),
            openapi.OpenAPIController,
            metrics_routes.MetricsController,
        ],
        dependencies={
            "services": Provide(provide_services, sync_to_thread=False),
            "links": Provide(provide_links, sync_to_thread=False),
        },
        guards=[authorize],
        middleware=[AuditTrailMiddleware],
        lifespan=[lifespan],
        state=State(
            {
                "settings": settings,
                "signer": signer_for(settings.session_key, settings.admin_token),
                "metrics": metrics,
                "tracing": tracing,
            }
        ),
        template_config=template_config(),
        before_request=restore_slashes,
        exception_handlers={
            DomainError: domain_error_handler,
            HTTPException: http_error_handler,
            Exception: internal_error_handler,
        },
        request_max_body_size=settings.max_body_bytes,
        openapi_config=None,
        logging_config=None,
    )
    require_declared(app)
    allow_every_method(app)
    return app


def asgi_app(settings: Settings, *, settle: bool = False) -> EncodedSlashes:
    """The application as the ASGI server runs it.

    `%2F` is kept inside segments, HEAD is answered as GET, and each request gets an id (logs,
    `X-Request-Id`) and is counted in the metrics. `settle`: as `create_app`'s.
    """
    app = create_app(settings, settle=settle)
    return EncodedSlashes(HeadAsGet(Observed(app, app.state.metrics, app.state.tracing)))
