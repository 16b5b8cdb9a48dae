"""The storage protocol on PostgreSQL, through an asyncpg connection pool.

A transaction holds one pooled connection from BEGIN to COMMIT. When the database goes away,
every operation raises `StorageUnavailableError`; the pool drops the broken connections and opens
new ones on later requests, so the broker recovers by itself once the database is back.

Statements that can break a uniqueness or reference rule run inside a savepoint: PostgreSQL
aborts the whole transaction on an error, and the savepoint confines the failure to the statement,
so a service that catches `ConflictError` can go on, as it can on SQLite
(https://www.postgresql.org/docs/current/sql-savepoint.html).

With a read replica (`read_dsn`), `browse` transactions run on a second pool on the hot standby
while `broker.storage.replica` finds it fresh enough, else on the primary.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import (
    AbstractAsyncContextManager,
    AsyncExitStack,
    asynccontextmanager,
    contextmanager,
    suppress,
)
from datetime import datetime
from functools import lru_cache
from time import monotonic, perf_counter
from typing import TYPE_CHECKING, Any, Final, TypeAlias, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

from broker.domain.errors import (
    ConflictError,
    NotFoundError,
    StorageUnavailableError,
    nul_refused,
)
from broker.settings import DEFAULT_READ_MAX_LAG, DEFAULT_STATEMENT_CACHE
from broker.storage.driver import MISSING, numbered
from broker.storage.interface import PoolStats, QueryObserver, ReplicaStatus
from broker.storage.migrations import migrations_for, pending
from broker.storage.replica import Routing, Standby
from broker.storage.transaction import StorageTransaction

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    Connection: TypeAlias = PoolConnectionProxy[asyncpg.Record]

T = TypeVar("T")

# Key of the advisory lock that serialises migrations across processes ("accord" in ASCII).
# https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS
_MIGRATION_LOCK: Final = 0x6163_636F_7264

# How long one migration step, or a wait for another process's step, may take.
MIGRATION_TIMEOUT: Final = 3600.0

_CREATE_SCHEMA_MIGRATIONS: Final = (
    "CREATE TABLE IF NOT EXISTS schema_migrations"
    " (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)"
)


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


UNSTORABLE_TEXT = (
    asyncpg.CharacterNotInRepertoireError,  # 22021: U+0000 in a text parameter
    asyncpg.UntranslatableCharacterError,  # 22P05: \u0000 in a jsonb parameter
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


_READING = frozenset({"fetch", "fetchrow", "fetchval"})
_LOCKING = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?UPDATE\b|\bFOR\s+(?:KEY\s+)?SHARE\b|advisory", re.I)


@lru_cache(maxsize=1024)
def plain_read(query: str) -> bool:
    """Whether a statement only reads and takes no lock.

    A SELECT without `FOR UPDATE`/`SHARE` or an advisory lock (a `WITH` may end in a write).
    """
    return query.lstrip()[:6].upper() == "SELECT" and _LOCKING.search(query) is None


class PostgresDriver:
    """The storage `Driver` on one pooled asyncpg connection (see `broker.storage.driver`).

    Each statement is timed for `observe` when one is given (`/metrics`).
    """

    for_update = " FOR UPDATE"
    skip_locked = " FOR UPDATE SKIP LOCKED"

    def __init__(
        self,
        connection: Connection,
        observe: QueryObserver | None = None,
        begin: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._connection = connection
        self._observe = observe
        self._begin = begin

    async def _run(
        self,
        operation: str,
        call: Callable[..., Awaitable[T]],
        query: str,
        args: tuple[object, ...],
    ) -> T:
        if self._begin is not None and not (operation in _READING and plain_read(query)):
            await self._begin()
            self._begin = None
        started = perf_counter()
        try:
            with unavailable_on_connection_loss(self._connection):
                return await call(numbered(query), *args)
        except UNSTORABLE_TEXT as error:
            # PostgreSQL's text and jsonb cannot hold U+0000: a name or a body field holding
            # one was a 500 (SQLite refuses it too, in its driver).
            raise nul_refused() from error
        finally:
            if self._observe is not None:
                self._observe(operation, perf_counter() - started)

    async def fetch(self, query: str, *args: object) -> list[asyncpg.Record]:
        return await self._run("fetch", self._connection.fetch, query, args)

    async def fetchrow(self, query: str, *args: object) -> asyncpg.Record | None:
        return await self._run("fetchrow", self._connection.fetchrow, query, args)

    async def fetchval(self, query: str, *args: object) -> Any:
        return await self._run("fetchval", self._connection.fetchval, query, args)

    async def execute(self, query: str, *args: object) -> int:
        status = await self._run("execute", self._connection.execute, query, args)
        # The command tag: "UPDATE 3", "DELETE 0", "INSERT 0 1"; its last word is the count.
        count = status.rpartition(" ")[2]
        return int(count) if count.isdigit() else 0

    async def insert(
        self, query: str, *args: object, conflict: str, missing: str = MISSING
    ) -> asyncpg.Record | None:
        # A savepoint: a broken rule would otherwise abort the whole transaction.
        try:
            return await self._run("insert", self._in_savepoint, query, args)
        except asyncpg.UniqueViolationError as error:
            raise ConflictError(conflict) from error
        except asyncpg.ForeignKeyViolationError as error:
            raise NotFoundError(missing) from error

    async def _in_savepoint(self, query: str, *args: object) -> asyncpg.Record | None:
        async with self._connection.transaction():
            return await self._connection.fetchrow(query, *args)

    def time(self, moment: datetime | None) -> datetime | None:
        return moment

    async def lock_audit_chain(self) -> None:
        # A transaction-scoped advisory lock: concurrent writers append one after the other.
        await self.execute("SELECT pg_advisory_xact_lock(418581342580)")


def redact(dsn: str) -> str:
    """The DSN with its password, in the user info or the query, replaced by `***`."""
    parts = urlsplit(dsn)
    netloc = parts.netloc
    if parts.password is not None:
        user_info, _, hosts = netloc.rpartition("@")
        netloc = f"{user_info.partition(':')[0]}:***@{hosts}"
    query = parts.query
    pairs = parse_qsl(query, keep_blank_values=True)
    if any(key == "password" for key, _ in pairs):
        query = urlencode(
            [(key, "***" if key == "password" else value) for key, value in pairs], safe="*"
        )
    return urlunsplit(parts._replace(netloc=netloc, query=query))


async def connect_pool(
    dsn: str, *, min_size: int, max_size: int, timeout: float, statement_cache: int
) -> asyncpg.Pool[asyncpg.Record]:
    """An asyncpg pool on `dsn` with the broker's connection settings.

    Raises:
        StorageUnavailableError: the server cannot be reached (when `min_size` asks to connect).
    """
    try:
        return await asyncpg.create_pool(
            dsn,
            min_size=min_size,
            max_size=max_size,
            timeout=timeout,
            command_timeout=timeout,
            statement_cache_size=statement_cache,
            reset=_keep_session,
            init=_plan_once if statement_cache > 0 else None,
            server_settings={
                # Compiling a plan to machine code costs more (10-50 ms) than the broker's
                # short, index-driven queries take: the matrix ran five times slower with JIT.
                "jit": "off",
                "statement_timeout": str(int(timeout * 1000)),
                # A transaction whose client went silent must not hold its locks for ever.
                "idle_in_transaction_session_timeout": str(int(max(60.0, 6 * timeout) * 1000)),
            },
        )
    except UNAVAILABLE_ERRORS as error:
        # What the server (or a pooler before it) answered, such as PgBouncer's
        # "unsupported startup parameter: jit", says what to change; a socket error does not.
        said = f": {error}" if isinstance(error, asyncpg.PostgresError) else ""
        raise StorageUnavailableError(f"Cannot reach PostgreSQL at {redact(dsn)}{said}") from error


async def _plan_once(connection: asyncpg.Connection[asyncpg.Record]) -> None:
    """Plan each prepared statement once on this connection, not six times.

    By default PostgreSQL plans a prepared statement afresh for its parameters at each of its
    first five runs on a connection and only then settles on one plan for all. Each of the 44
    statements that can-i-deploy, the matrix and pacts-for-verification ran more than six times
    over the 1,000,000-version history settled on that generic plan; the five custom plans cost
    time, 4-7 ms each for can-i-deploy's first statement, so a connection the pool had not
    used yet (or a statement the cache had let go) answered its next requests 3-6 ms slower.

    A session setting, not a startup parameter: PgBouncer refuses startup parameters it was
    not told to ignore, and a session's setting does not leak, since the pool keeps sessions
    to itself (`_keep_session`). Not set without a statement cache (PgBouncer in transaction
    mode), where no statement is run twice and a session setting would land on whichever
    server connection the pooler lent.
    """
    await connection.execute("SET plan_cache_mode = force_generic_plan")


async def _keep_session(_connection: asyncpg.Connection[asyncpg.Record]) -> None:
    """What the pool does to a connection given back, beside rolling back an open transaction.

    Nothing: asyncpg's default is a statement (`RESET ALL`, `UNLISTEN *`, advisory locks and
    cursors released) costing a round trip, a third of an empty transaction's time, after every
    transaction. The broker changes no session state: settings are given at connect or with
    `SET LOCAL`, locks are transaction locks, and it neither listens nor keeps cursors.
    """


class Connections:
    """One pool, lent a connection at a time, counting who holds and who waits."""

    def __init__(self, pool: asyncpg.Pool[asyncpg.Record], timeout: float) -> None:
        self.pool = pool
        self._timeout = timeout
        self._in_use = 0
        self._waiting = 0

    def stats(self) -> PoolStats:
        return PoolStats(
            in_use=self._in_use,
            waiting=self._waiting,
            size=self.pool.get_size(),
            max_size=self.pool.get_max_size(),
        )

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Connection]:
        """A connection from the pool, given back even if the block raises."""
        self._waiting += 1
        try:
            with unavailable_on_connection_loss(None):
                connection = await self.pool.acquire(timeout=self._timeout)
        finally:
            self._waiting -= 1
        self._in_use += 1
        try:
            yield connection
        finally:
            self._in_use -= 1
            # A connection that broke is terminated by the pool, which opens a new one on a
            # later acquire; the failure was already reported by the block.
            with suppress(*UNAVAILABLE_ERRORS):
                await self.pool.release(connection)


# The standby's side of a check (broker.storage.replica). pg_is_wal_replay_paused() fails
# outside recovery, hence the CASE.
_STANDBY_CHECK: Final = (
    "SELECT pg_is_in_recovery() AS in_recovery,"
    " (pg_last_wal_replay_lsn() - '0/0')::bigint AS replay_lsn,"
    " CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END AS paused"
)
_PRIMARY_POSITION: Final = "SELECT (pg_current_wal_lsn() - '0/0')::bigint"


class ReadReplica:
    """A hot standby's pool and whether browsing reads go to it now (`Routing`)."""

    def __init__(self, connections: Connections, dsn: str, max_lag: float) -> None:
        self.connections = connections
        self.routing = Routing(max_lag, redact(dsn))
        self._checking = asyncio.Lock()

    async def usable(self, primary: Connections) -> bool:
        """Whether a browsing read goes to the replica now; checks it first when due.

        One check at a time: a read that finds one under way goes by the last decision (which
        sends reads to the primary once it is `DECISION_LIFETIME` old).
        """
        if self.routing.due(monotonic()) and not self._checking.locked():
            async with self._checking:
                if self.routing.due(monotonic()):
                    await self._check(primary)
        return self.routing.use_replica(monotonic())

    async def _check(self, primary: Connections) -> None:
        asked = monotonic()
        try:
            async with primary.connection() as connection:
                with unavailable_on_connection_loss(connection):
                    position = int(await connection.fetchval(_PRIMARY_POSITION))
        except (StorageUnavailableError, asyncpg.PostgresError):
            self.routing.primary_unreachable(monotonic())
            return
        try:
            async with self.connections.connection() as connection:
                with unavailable_on_connection_loss(connection):
                    row = await connection.fetchrow(_STANDBY_CHECK)
        except (StorageUnavailableError, asyncpg.PostgresError) as error:
            self.routing.unreachable(monotonic(), _cause(error))
            return
        assert row is not None
        standby = Standby(
            in_recovery=bool(row["in_recovery"]),
            replay_lsn=row["replay_lsn"],
            paused=bool(row["paused"]),
        )
        self.routing.observed(asked, position, monotonic(), standby)

    def status(self) -> ReplicaStatus:
        routing = self.routing
        return ReplicaStatus(
            description=routing.description,
            in_use=routing.use_replica(monotonic()),
            state=routing.state,
            reason=routing.reason,
            lag=routing.lag,
            replay_paused=routing.paused,
            pool=self.connections.stats(),
        )


def _cause(error: BaseException) -> str:
    """What went wrong, in a few words: the cause of a `StorageUnavailableError` if any."""
    cause = error.__cause__ if isinstance(error, StorageUnavailableError) else error
    if cause is None:
        return str(error)
    return f"{type(cause).__name__}: {cause}" if str(cause) else type(cause).__name__


class PostgresStorage:
    """The `Storage` protocol on a PostgreSQL database, with its read replica if given."""

    def __init__(
        self,
        pool: asyncpg.Pool[asyncpg.Record],
        dsn: str,
        timeout: float,
        replica: ReadReplica | None = None,
    ) -> None:
        # `timeout` bounds each wait on the database: a connection, a free pooled connection, a
        # statement (client side, and `statement_timeout` on the server), so a database that
        # goes silent costs a request at most a few timeouts, answered as 503.
        self._pool = pool
        self._primary = Connections(pool, timeout)
        self._description = redact(dsn)
        self._timeout = timeout
        self._replica = replica
        self._observe: QueryObserver | None = None

    @classmethod
    async def open(
        cls,
        dsn: str,
        *,
        min_size: int = 1,
        max_size: int = 10,
        timeout: float = 10.0,
        statement_cache: int = DEFAULT_STATEMENT_CACHE,
        read_dsn: str | None = None,
        read_max_lag: float = DEFAULT_READ_MAX_LAG,
    ) -> PostgresStorage:
        """Connect a pool to the database at `dsn` (a `postgresql://` URL).

        Args:
            dsn: where the database is, with credentials.
            min_size: connections opened now and kept open.
            max_size: the most connections open at once.
            timeout: seconds to wait for a new connection, for a free one from the pool, or for
                a statement's answer (then `StorageUnavailableError`).
            statement_cache: prepared statements kept per connection. 0 behind a pooler that
                hands each transaction another server connection (PgBouncer in transaction
                mode), where a statement prepared on one is unknown to the next.
            read_dsn: a hot standby of the database, for `browse`; its pool has the same
                options but connects on first use, so a replica that is down at start only
                sends reads to the primary.
            read_max_lag: seconds the standby may be behind for `browse` to read from it.

        Raises:
            StorageUnavailableError: the primary cannot be reached.
        """
        pool = await connect_pool(
            dsn,
            min_size=min_size,
            max_size=max_size,
            timeout=timeout,
            statement_cache=statement_cache,
        )
        replica = None
        if read_dsn is not None:
            try:
                read_pool = await connect_pool(
                    read_dsn,
                    min_size=0,
                    max_size=max_size,
                    timeout=timeout,
                    statement_cache=statement_cache,
                )
            except BaseException:
                await pool.close()
                raise
            replica = ReadReplica(Connections(read_pool, timeout), read_dsn, read_max_lag)
        return cls(pool, dsn, timeout, replica)

    @property
    def description(self) -> str:
        """The database URL, without the password."""
        return self._description

    def pool_stats(self) -> PoolStats:
        return self._primary.stats()

    def observe_queries(self, observer: QueryObserver | None) -> None:
        self._observe = observer

    def _connection(self) -> AbstractAsyncContextManager[Connection]:
        """A connection from the primary's pool, given back even if the block raises."""
        return self._primary.connection()

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[bool]:
        """A transaction advisory lock named by `name`'s hash, in a transaction held for the block.

        Transaction-scoped rather than a session lock: a pooler in transaction mode (PgBouncer)
        keeps one server connection for a transaction, but hands the statements outside one to
        any, so a session lock taken there would stay on a server connection other clients then
        get (and hold it again, a session lock being re-entrant). The transaction only holds the
        lock, so it may be idle for the block's whole run: no idle timeout for it.
        """
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        async with self._connection() as connection:
            transaction = connection.transaction()
            with unavailable_on_connection_loss(connection):
                await transaction.start()
                await connection.execute("SET LOCAL idle_in_transaction_session_timeout = 0")
                got = bool(await connection.fetchval("SELECT pg_try_advisory_xact_lock($1)", key))
            try:
                yield got
            finally:
                # The commit ends the lock; a lost connection ended it already.
                with suppress(*UNAVAILABLE_ERRORS, asyncpg.InterfaceError):
                    await transaction.commit()

    def transaction(self) -> AbstractAsyncContextManager[StorageTransaction]:
        """One transaction on one pooled connection: committed, or rolled back if it raises."""
        return self._transaction(self._primary, read_only=False)

    @asynccontextmanager
    async def browse(self) -> AsyncIterator[StorageTransaction]:
        """A read-only transaction on the read replica when it is fresh, else on the primary.

        A replica that fails to lend a connection or begin goes out of use until a check finds
        it well again, and the read goes to the primary: its being down fails no request.
        """
        async with AsyncExitStack() as stack:
            tx = None
            replica = self._replica
            if replica is not None and await replica.usable(self._primary):
                try:
                    tx = await stack.enter_async_context(
                        self._transaction(replica.connections, read_only=True)
                    )
                except StorageUnavailableError as error:
                    replica.routing.unreachable(monotonic(), _cause(error))
            if tx is None:
                tx = await stack.enter_async_context(
                    self._transaction(self._primary, read_only=True)
                )
            yield tx

    async def read_replica(self) -> ReplicaStatus | None:
        if self._replica is None:
            return None
        await self._replica.usable(self._primary)
        return self._replica.status()

    @asynccontextmanager
    async def _transaction(
        self, connections: Connections, *, read_only: bool
    ) -> AsyncIterator[StorageTransaction]:
        """One transaction on one connection, begun by its first statement but a plain read.

        `plain_read` tells them apart. Under READ COMMITTED each statement sees what was
        committed when it began, inside a transaction or not, so the reads before the first
        write lose nothing by running on their own; a transaction that only reads then costs
        no BEGIN and COMMIT (two of the nine round trips of a can-i-deploy answer). Writes,
        locking reads and advisory locks begin it first, so everything from the first write
        on commits or rolls back as one.
        """
        async with connections.connection() as connection:
            transaction = connection.transaction(readonly=read_only)
            begun = False

            async def begin() -> None:
                nonlocal begun
                with unavailable_on_connection_loss(connection):
                    await transaction.start()
                begun = True

            try:
                yield StorageTransaction(PostgresDriver(connection, self._observe, begin))
            except BaseException:
                # The first error is the one to report. If the rollback fails too (the connection
                # is lost, or still busy with a cancelled query), the pool's release rolls back
                # whatever is left open, or drops the connection.
                if begun and not is_lost(connection):
                    with suppress(*UNAVAILABLE_ERRORS, asyncpg.InterfaceError):
                        await transaction.rollback()
                raise
            if begun:
                with unavailable_on_connection_loss(connection):
                    await transaction.commit()

    async def migrate(self) -> list[str]:
        """Apply pending migrations, each in its own transaction under an advisory lock.

        The lock makes a second process that migrates at the same time wait, then find the
        migration applied, rather than apply it twice: replicas that start together migrate
        once. A step on a large database may take longer than `ACCORD_DATABASE_TIMEOUT`, so
        the steps, and the waits for the lock, get `MIGRATION_TIMEOUT` instead.

        Raises:
            SchemaTooNewError: the database was migrated by a newer Accord.
        """
        known = migrations_for("postgres")
        applied: list[str] = []
        async with self._connection() as connection:
            with unavailable_on_connection_loss(connection):
                while True:
                    async with connection.transaction():
                        await connection.execute(
                            f"SET LOCAL statement_timeout = {int(MIGRATION_TIMEOUT * 1000)}"
                        )
                        await connection.execute(
                            "SELECT pg_advisory_xact_lock($1)",
                            _MIGRATION_LOCK,
                            timeout=MIGRATION_TIMEOUT,
                        )
                        await connection.execute(_CREATE_SCHEMA_MIGRATIONS)
                        rows = await connection.fetch("SELECT version FROM schema_migrations")
                        todo = pending(known, {row["version"] for row in rows})
                        if not todo:
                            return applied
                        step = todo[0]
                        await connection.execute(step.sql, timeout=MIGRATION_TIMEOUT)
                        await connection.execute(
                            "INSERT INTO schema_migrations (version, name, applied_at)"
                            " VALUES ($1, $2, now())",
                            step.version,
                            step.name,
                        )
                    applied.append(f"{step.version:04d}_{step.name}")

    async def check(self) -> None:
        """Ask the database a trivial question.

        Raises:
            StorageUnavailableError: the database does not answer.
        """
        async with self._connection() as connection:
            with unavailable_on_connection_loss(connection):
                await connection.fetchval("SELECT 1", timeout=self._timeout)

    async def close(self) -> None:
        """Close every connection of the pools."""
        if self._replica is not None:
            await self._replica.connections.pool.close()
        await self._pool.close()
