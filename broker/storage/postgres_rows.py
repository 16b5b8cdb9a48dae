"""The PostgreSQL transaction and driver, and how a lost connection is reported.

Statements that can break a uniqueness or reference rule run inside a savepoint. PostgreSQL
aborts the whole transaction on an error; the savepoint confines the failure to the statement,
so a service that catches `ConflictError` can go on, as it can on SQLite
(https://www.postgresql.org/docs/current/sql-savepoint.html).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import asyncpg

from broker.domain.errors import ConflictError, NotFoundError, StorageUnavailableError
from broker.storage.deployments import DeploymentRows
from broker.storage.driver import MISSING, numbered
from broker.storage.environments import EnvironmentRows
from broker.storage.governance_store import GovernanceRows
from broker.storage.notification_store import NotificationRows
from broker.storage.pacticipants import PacticipantRows
from broker.storage.postgres_audit import PostgresAuditRows
from broker.storage.postgres_auth import PostgresAuthRows
from broker.storage.postgres_contracts import PostgresContractRows
from broker.storage.postgres_pacts import PostgresPactRows
from broker.storage.postgres_selection import PostgresSelectionRows
from broker.storage.postgres_statements import PostgresStatements
from broker.storage.versions import VersionRows

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    Connection: TypeAlias = PoolConnectionProxy[asyncpg.Record]

# Errors that mean "the database cannot be reached", not "the request is wrong". TimeoutError
# (asyncio's too, since Python 3.11) and ConnectionError are OSErrors.
UNAVAILABLE_ERRORS: Final = (
    OSError,
    asyncpg.PostgresConnectionError,  # SQLSTATE class 08, ConnectionDoesNotExistError among them
    asyncpg.CannotConnectNowError,  # 57P03: the server is starting up or shutting down
    asyncpg.AdminShutdownError,  # 57P01
    asyncpg.CrashShutdownError,  # 57P02
    asyncpg.TooManyConnectionsError,  # 53300
)


@contextmanager
def unavailable_on_connection_loss(connection: Connection | None) -> Iterator[None]:
    """Turn a refused, lost or closed connection into `StorageUnavailableError`."""
    try:
        yield
    except UNAVAILABLE_ERRORS as error:
        raise StorageUnavailableError("The database cannot be reached") from error
    except asyncpg.InterfaceError as error:
        # asyncpg reports work on a connection that has gone away as an InterfaceError; the
        # connection's state, not the message, tells that apart from a misuse of the driver.
        if connection is not None and is_lost(connection):
            raise StorageUnavailableError("The database connection was lost") from error
        raise


def is_lost(connection: Connection) -> bool:
    """Whether a pooled connection closed under its user.

    The pool takes back a connection as soon as it closes, and the proxy its user holds then
    refuses every call, `is_closed()` included.
    """
    try:
        return connection.is_closed()
    except asyncpg.InterfaceError:
        return True


class PostgresDriver:
    """The storage `Driver` on one pooled asyncpg connection (see `broker.storage.driver`)."""

    for_update = " FOR UPDATE"

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def fetch(self, query: str, *args: object) -> list[asyncpg.Record]:
        with unavailable_on_connection_loss(self._connection):
            return await self._connection.fetch(numbered(query), *args)

    async def fetchrow(self, query: str, *args: object) -> asyncpg.Record | None:
        with unavailable_on_connection_loss(self._connection):
            return await self._connection.fetchrow(numbered(query), *args)

    async def fetchval(self, query: str, *args: object) -> Any:
        with unavailable_on_connection_loss(self._connection):
            return await self._connection.fetchval(numbered(query), *args)

    async def execute(self, query: str, *args: object) -> int:
        with unavailable_on_connection_loss(self._connection):
            status = await self._connection.execute(numbered(query), *args)
        # The command tag: "UPDATE 3", "DELETE 0", "INSERT 0 1"; its last word is the count.
        count = status.rpartition(" ")[2]
        return int(count) if count.isdigit() else 0

    async def insert(
        self, query: str, *args: object, conflict: str, missing: str = MISSING
    ) -> asyncpg.Record | None:
        # A savepoint: a broken rule would otherwise abort the whole transaction.
        with unavailable_on_connection_loss(self._connection):
            try:
                async with self._connection.transaction():
                    return await self._connection.fetchrow(numbered(query), *args)
            except asyncpg.UniqueViolationError as error:
                raise ConflictError(conflict) from error
            except asyncpg.ForeignKeyViolationError as error:
                raise NotFoundError(missing) from error

    def time(self, moment: datetime) -> datetime:
        return moment

    async def lock_audit_chain(self) -> None:
        # A transaction-scoped advisory lock: concurrent writers append one after the other.
        await self.execute("SELECT pg_advisory_xact_lock(418581342580)")


class PostgresTransaction(
    DeploymentRows,
    VersionRows,
    PacticipantRows,
    EnvironmentRows,
    PostgresPactRows,
    PostgresSelectionRows,
    PostgresContractRows,
    PostgresAuthRows,
    PostgresAuditRows,
    PostgresStatements,
    GovernanceRows,
    NotificationRows,
):
    """The `Transaction` protocol on one pooled connection inside BEGIN … COMMIT."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._db = PostgresDriver(connection)

    async def _fetch(self, query: str, *arguments: object) -> list[asyncpg.Record]:
        with unavailable_on_connection_loss(self._connection):
            return await self._connection.fetch(query, *arguments)

    async def _fetchrow(self, query: str, *arguments: object) -> asyncpg.Record | None:
        with unavailable_on_connection_loss(self._connection):
            return await self._connection.fetchrow(query, *arguments)

    async def _count(self, query: str, *arguments: object) -> int:
        with unavailable_on_connection_loss(self._connection):
            total: int = await self._connection.fetchval(query, *arguments)
            return total

    async def _execute(self, query: str, *arguments: object) -> None:
        with unavailable_on_connection_loss(self._connection):
            await self._connection.execute(query, *arguments)

    async def _write(
        self,
        query: str,
        *arguments: object,
        conflict: str,
        missing: str = "A resource the change refers to does not exist",
    ) -> asyncpg.Record | None:
        """Run a statement that may break a rule; its first row, if it returns any.

        Args:
            query: the statement, usually with a RETURNING clause.
            arguments: its parameters.
            conflict: the `ConflictError` message if a uniqueness rule breaks.
            missing: the `NotFoundError` message if a row it refers to does not exist.
        """
        with unavailable_on_connection_loss(self._connection):
            try:
                async with self._connection.transaction():  # a savepoint: see the module doc
                    return await self._connection.fetchrow(query, *arguments)
            except asyncpg.UniqueViolationError as error:
                raise ConflictError(conflict) from error
            except asyncpg.ForeignKeyViolationError as error:
                raise NotFoundError(missing) from error
