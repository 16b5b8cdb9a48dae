"""The SQLite transaction: the aggregates' rows on one connection inside BEGIN … COMMIT."""

from __future__ import annotations

from typing import TYPE_CHECKING

from broker.storage.deployments import DeploymentRows
from broker.storage.driver import Driver
from broker.storage.environments import EnvironmentRows
from broker.storage.governance_store import GovernanceRows
from broker.storage.notification_store import NotificationRows
from broker.storage.pacticipants import PacticipantRows
from broker.storage.sqlite_audit import SQLiteAuditRows
from broker.storage.sqlite_auth import SQLiteAuthRows
from broker.storage.sqlite_contracts import SQLiteContractRows
from broker.storage.sqlite_pacts import SQLitePactRows
from broker.storage.sqlite_selection import SQLiteSelectionRows
from broker.storage.sqlite_statements import SQLiteStatements
from broker.storage.versions import VersionRows

if TYPE_CHECKING:
    from broker.storage.sqlite import Connection


class SQLiteTransaction(
    DeploymentRows,
    VersionRows,
    PacticipantRows,
    EnvironmentRows,
    SQLitePactRows,
    SQLiteSelectionRows,
    SQLiteContractRows,
    SQLiteAuthRows,
    SQLiteAuditRows,
    SQLiteStatements,
    GovernanceRows,
    NotificationRows,
):
    """The `Transaction` protocol on an SQLite connection inside BEGIN … COMMIT."""

    def __init__(self, connection: Connection, driver: Driver) -> None:
        self._c = connection
        self._db = driver
