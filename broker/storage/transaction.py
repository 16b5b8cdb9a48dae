"""The one implementation of `Transaction`: every aggregate's rows, on either driver."""

from __future__ import annotations

from broker.storage.audit import AuditRows
from broker.storage.auth import AuthRows
from broker.storage.contracts import ContractRows
from broker.storage.deployments import DeploymentRows
from broker.storage.driver import Driver
from broker.storage.environments import EnvironmentRows
from broker.storage.governance import GovernanceRows
from broker.storage.integrations import IntegrationRows
from broker.storage.notifications import NotificationRows
from broker.storage.pacticipants import PacticipantRows
from broker.storage.pacts import PactRows
from broker.storage.retention import RetentionRows
from broker.storage.selection import SelectionRows
from broker.storage.test_results import TestResultRows
from broker.storage.versions import VersionRows
from broker.storage.webhooks import WebhookRows


class StorageTransaction(
    AuditRows,
    AuthRows,
    ContractRows,
    DeploymentRows,
    EnvironmentRows,
    GovernanceRows,
    IntegrationRows,
    NotificationRows,
    PacticipantRows,
    PactRows,
    RetentionRows,
    SelectionRows,
    TestResultRows,
    VersionRows,
    WebhookRows,
):
    """One transaction, opened by `SQLiteStorage` or `PostgresStorage` with their driver."""

    def __init__(self, driver: Driver) -> None:
        self._db = driver
