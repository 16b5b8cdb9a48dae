"""What every handler gets besides the request: services, link building, paging.

`services` and `links` are app-level dependencies (`create_app`): a handler names them as
parameters.
"""

from __future__ import annotations

import re

import msgspec
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath

from broker.domain.errors import FieldError, InvalidInputError
from broker.domain.model import Page
from broker.http.hal import AnyRequest, Links, base_url
from broker.metrics import Metrics
from broker.services.audit import AuditService
from broker.services.auth import AuthService
from broker.services.can_i_deploy import CanIDeployService
from broker.services.change_requests import GovernanceService
from broker.services.contracts import ContractService
from broker.services.coverage import CoverageService
from broker.services.deployments import DeploymentService
from broker.services.doorbell import Doorbell
from broker.services.environments import EnvironmentService
from broker.services.for_verification import ForVerificationService
from broker.services.integrations import IntegrationService
from broker.services.notifications import NotificationService
from broker.services.pacticipants import PacticipantService
from broker.services.provider_contracts import ProviderContractService
from broker.services.test_results import TestResultService
from broker.services.users import UserService
from broker.services.verifications import VerificationService
from broker.services.versions import VersionService
from broker.services.webhook_deliveries import WebhookDeliveryService
from broker.services.webhooks import WebhookService
from broker.settings import Settings
from broker.storage.interface import Storage

MAX_PAGE_SIZE = 1000
# Page 1,000,000 of 1,000 rows starts at row 10^9: past any list, inside both databases' integers.
MAX_PAGE = 1_000_000
_DIGITS = re.compile(r"[0-9]{1,10}")


class Services(msgspec.Struct, frozen=True, kw_only=True):
    """The use cases the HTTP layer calls, wired once in `create_app`."""

    storage: Storage
    pacticipants: PacticipantService
    versions: VersionService
    environments: EnvironmentService
    deployments: DeploymentService
    contracts: ContractService
    verifications: VerificationService
    for_verification: ForVerificationService
    can_i_deploy: CanIDeployService
    provider_contracts: ProviderContractService
    auth: AuthService
    users: UserService
    audit: AuditService
    notifications: NotificationService
    governance: GovernanceService
    integrations: IntegrationService
    doorbell: Doorbell
    """Rung after a transaction stored webhook deliveries: the delivery workers wait on it."""
    webhook_deliveries: WebhookDeliveryService
    webhooks: WebhookService
    test_results: TestResultService
    coverage: CoverageService


def provide_links(
    request: AnyRequest,
    state: State,
    services: ServicesDep,  # orders the two dependencies, see below
) -> Links:
    """The `links` dependency: link builder under the public base URL of this request.

    It takes `services` only so that Litestar resolves the two one after the other: it runs
    dependencies that do not depend on each other concurrently, in an anyio task group, which
    cost about 90 microseconds a request (of 1 ms for can-i-deploy) to build two objects.
    """
    settings: Settings = state.settings
    return Links(base_url(request, settings.base_url))


def metrics_of(request: AnyRequest) -> Metrics:
    """The application's metrics, for a handler that counts what it did."""
    metrics: Metrics = request.app.state.metrics
    return metrics


def provide_services(state: State) -> Services:
    """The `services` dependency: the use cases wired at start-up."""
    services: Services = state.services
    return services


ServicesDep = NamedDependency[Services]
"""A handler parameter `services`: the app-level dependency `provide_services`."""

LinksDep = NamedDependency[Links]
"""A handler parameter `links`: the app-level dependency `provide_links`."""


def positive_int(raw: str, highest: int) -> int | None:
    """`raw` as an integer from 1 to `highest`, or None.

    Only ASCII digits count: `str.isdigit` and `int` also accept `²` and Arabic-Indic digits.
    """
    if not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if 1 <= value <= highest else None


def page_of(request: AnyRequest) -> Page:
    """`?page=N&size=M` (1-based, size at most 1000), with a 400 naming a bad one."""
    problems = []
    values = {}
    for name, default, highest in (("page", 1, MAX_PAGE), ("size", 100, MAX_PAGE_SIZE)):
        raw = request.query_params.get(name)
        if raw is None:
            values[name] = default
            continue
        value = positive_int(raw, highest)
        if value is None:
            problems.append(FieldError(f"/{name}", f"must be an integer from 1 to {highest}"))
        else:
            values[name] = value
    if problems:
        raise InvalidInputError("The paging parameters are not valid", problems)
    return Page(number=values["page"], size=values["size"])


PathName = FromPath[str]
"""A name taken from the URL path (pacticipant, version, branch, tag, label, uuid)."""
