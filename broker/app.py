"""`create_app(settings)`: the one place where the broker's parts are wired together."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.datastructures import State
from litestar.exceptions import HTTPException

from broker.domain.errors import DomainError
from broker.domain.governance import Mode
from broker.http.context import Services
from broker.http.paths import EncodedSlashes, restore_slashes
from broker.http.permissions import PermissionsMiddleware
from broker.http.problems import domain_error_handler, http_error_handler, internal_error_handler
from broker.http.routes import (
    admin,
    audit,
    deploy_badges,
    deployments,
    environments,
    for_verification,
    governance,
    index,
    matrix,
    notifications,
    pacticipants,
    pacts,
    provider_contracts,
    verifications,
    versions,
)
from broker.services.audit import AuditService
from broker.services.auth import AuthService
from broker.services.can_i_deploy import CanIDeployService
from broker.services.contracts import ContractService
from broker.services.deployments import DeploymentService
from broker.services.environments import EnvironmentService
from broker.services.for_verification import ForVerificationService
from broker.services.governance import Governance, GovernanceService
from broker.services.notifications import NotificationService
from broker.services.pacticipants import PacticipantService
from broker.services.provider_contracts import ProviderContractService
from broker.services.verifications import VerificationService
from broker.services.versions import VersionService
from broker.services.work import Work
from broker.settings import Settings
from broker.storage.factory import open_storage
from broker.storage.interface import Storage
from broker.workers import WorkerPool


def wire_services(storage: Storage, settings: Settings, work: Work | None = None) -> Services:
    """The use cases over one storage; CPU-heavy work on documents goes to `work`."""
    rules = Governance(Mode(settings.default_mode), work=work)
    return Services(
        storage=storage,
        pacticipants=PacticipantService(storage),
        versions=VersionService(storage),
        environments=EnvironmentService(storage),
        deployments=DeploymentService(storage),
        verifications=VerificationService(storage),
        for_verification=ForVerificationService(storage, governance=rules),
        can_i_deploy=CanIDeployService(storage, governance=rules, work=work),
        contracts=ContractService(
            storage,
            allow_modification=settings.allow_contract_modification,
            governance=rules,
            work=work,
        ),
        provider_contracts=ProviderContractService(storage, governance=rules, work=work),
        governance=GovernanceService(storage, rules),
        auth=AuthService(storage, admin_token=settings.admin_token),
        audit=AuditService(storage),
        notifications=NotificationService(storage),
    )


def create_app(settings: Settings) -> Litestar:
    """The broker as a Litestar application; storage opens (and migrates) on start-up."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        storage = await open_storage(settings.database_url)
        workers = WorkerPool(settings.workers, settings.work_budget)
        warming = asyncio.create_task(workers.start())
        try:
            await storage.migrate()
            app.state.services = wire_services(storage, settings, workers)
            yield
        finally:
            warming.cancel()
            await asyncio.gather(warming, return_exceptions=True)
            await workers.close()
            await storage.close()

    return Litestar(
        route_handlers=[
            index.index,
            index.heartbeat,
            index.dependencies,
            pacticipants.PacticipantController,
            versions.VersionController,
            environments.EnvironmentController,
            *deployments.handlers,
            *pacts.handlers,
            *verifications.handlers,
            *for_verification.handlers,
            *matrix.handlers,
            *deploy_badges.handlers,
            *provider_contracts.handlers,
            *admin.handlers,
            *audit.handlers,
            *notifications.handlers,
            *governance.handlers,
        ],
        middleware=[PermissionsMiddleware],
        lifespan=[lifespan],
        state=State({"settings": settings}),
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


def asgi_app(settings: Settings) -> EncodedSlashes:
    """The application as the ASGI server should run it: with `%2F` kept inside segments."""
    return EncodedSlashes(create_app(settings))
