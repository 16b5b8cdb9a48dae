"""The embedded default: the storage protocol on SQLite.

One connection. Anything that may wait or write to disk runs on the connection's worker thread,
so the event loop never blocks on disk or on another process's lock. An asyncio lock serialises
transactions, so concurrent requests queue instead of meeting "database is locked"; WAL and a
busy timeout cover other processes (`accord broker migrate` beside a running broker). Foreign
keys are switched on per connection, as SQLite requires
(https://www.sqlite.org/foreignkeys.html#fk_enable).

Reads run on the event loop itself when they can (`Connection.read`): handing a statement to
the thread and back costs 60-90 us, while most of the broker's reads are index lookups of a
few microseconds, so a can-i-deploy answer of 16 reads spent four fifths of its time hopping.
A read on the loop gives up, and runs again on the thread, as soon as it would wait for a lock
(the busy timeout is zero while it runs) or outlasts `INLINE_BUDGET` (a progress handler
interrupts it), so the loop is never held for longer than that. Starting a transaction and
ending one that wrote nothing run on the loop on the same terms; a write, and the commit of
one, which may checkpoint the WAL to disk, always go to the thread. `_using` keeps the two
threads from ever using the connection at once.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter
from typing import Any, TypeVar, cast

from broker.domain.errors import (
    ConflictError,
    NotFoundError,
    StorageUnavailableError,
    nul_refused,
)
from broker.storage.driver import MISSING
from broker.storage.interface import PoolStats, QueryObserver
from broker.storage.migrations import migrations_for, pending
from broker.storage.transaction import StorageTransaction

T = TypeVar("T")

# Extended result codes (https://www.sqlite.org/rescode.html).
_UNIQUE = {sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY}
_FOREIGN_KEY = sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY


# How long a read may hold the event loop before it is interrupted and run on the thread, and
# how many SQLite virtual-machine steps pass between looks at the clock (a few microseconds).
INLINE_BUDGET = 0.0005
_STEPS_BETWEEN_LOOKS = 1000
BUSY_TIMEOUT_MS = 30_000
# How many times a statement that outran the budget goes straight to the thread, and how many
# such statements are remembered (the broker has a few hundred texts; past it, start again).
LONG_READ_SKIPS = 100
_LONG_READS_KEPT = 256
# Primary result codes on which a read on the loop gives up and goes to the thread.
_GIVE_UP = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_INTERRUPT}


class Connection:
    """A sqlite3 connection driven from one worker thread, and for short reads from the loop."""

    def __init__(self, path: str) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accord-sqlite")
        self._path = path
        self._db: sqlite3.Connection | None = None
        self._using = threading.Lock()  # held by whichever thread is using `_db`
        # Whether the open transaction holds its locks (BEGIN IMMEDIATE, or a deferred one
        # after its first read), so that a read cannot wait; and whether it wrote anything.
        self._holding = False
        self._wrote = False
        self.inline_reads = 0  # reads answered on the loop (tests look)
        self.overruns = 0  # reads interrupted on the loop for outrunning the budget
        # Statements that outran the budget on the loop, and how many more times each goes
        # straight to the thread before the loop tries it again (a pause may have been ours).
        self._long_reads: dict[str, int] = {}
        self._overran = False

    async def open(self) -> None:
        """Connect and set the pragmas the broker relies on."""
        await self.call(self._connect)

    def _connect(self) -> None:
        try:
            db = sqlite3.connect(
                self._path, isolation_level=None, check_same_thread=False, timeout=30.0
            )
        except sqlite3.Error as error:
            raise StorageUnavailableError(
                f"Cannot open the SQLite database {self._path}"
            ) from error
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self._db = db

    async def call(self, work: Callable[[], T]) -> T:
        """Run `work` on the connection's thread."""

        def guarded() -> T:
            with self._using:
                return work()

        return await asyncio.get_running_loop().run_in_executor(self._executor, guarded)

    @property
    def db(self) -> sqlite3.Connection:
        """The open sqlite3 connection."""
        if self._db is None:
            raise StorageUnavailableError("The SQLite database is closed")
        return self._db

    async def run(self, sql: str, params: Sequence[Any], take: Callable[[sqlite3.Cursor], T]) -> T:
        """Run one statement that may write on the connection's thread; what `take` reads."""
        self._wrote = True
        return await self._on_thread(sql, params, take)

    async def read(self, sql: str, params: Sequence[Any], take: Callable[[sqlite3.Cursor], T]) -> T:
        """Run a SELECT: on the loop when it is quick and need not wait, else on the thread.

        A statement that outran the budget goes straight to the thread its next
        `LONG_READ_SKIPS` times, rather than spend the budget again before it gets there.
        """
        skips = self._long_reads.get(sql)
        if skips:
            self._long_reads[sql] = skips - 1
            return await self._on_thread(sql, params, take)
        done, value = self._inline(
            lambda db: take(db.execute(sql, params)), budget=True, may_wait=not self._holding
        )
        if done:
            self.inline_reads += 1
            self._holding = self.db.in_transaction
            return cast("T", value)
        if self._overran:
            if len(self._long_reads) >= _LONG_READS_KEPT:
                self._long_reads.clear()
            self._long_reads[sql] = LONG_READ_SKIPS
        return await self._on_thread(sql, params, take)

    async def control(self, sql: str) -> None:
        """BEGIN [IMMEDIATE], COMMIT, ROLLBACK or a PRAGMA, tracking the transaction's state.

        On the loop unless it must end a transaction that wrote (a commit may checkpoint the
        WAL to disk); BEGIN IMMEDIATE goes to the thread when another process holds the lock.
        """
        word = sql.split(None, 1)[0].upper()
        ends = word in {"COMMIT", "ROLLBACK", "END"}
        done = False
        if not (ends and self._wrote):
            done, _ = self._inline(
                lambda db: db.execute(sql), budget=False, may_wait="IMMEDIATE" in sql.upper()
            )
        if not done:
            await self._on_thread(sql, (), _rowcount)
        if word == "BEGIN":
            self._holding = "IMMEDIATE" in sql.upper() or "EXCLUSIVE" in sql.upper()
            self._wrote = False
        elif ends:
            self._holding = self._wrote = False

    async def _on_thread(
        self, sql: str, params: Sequence[Any], take: Callable[[sqlite3.Cursor], T]
    ) -> T:
        def work() -> T:
            with translated_errors():
                found = take(self.db.execute(sql, params))
            self._holding = self.db.in_transaction
            return found

        return await self.call(work)

    def _inline(
        self, work: Callable[[sqlite3.Connection], T], *, budget: bool, may_wait: bool
    ) -> tuple[bool, T | None]:
        """`work` on the loop: (True, its result), or (False, None) when it gave up at once.

        It gives up when the thread is using the connection, when it would wait for a lock
        (`may_wait`: the busy timeout is zero meanwhile), or, with `budget`, when it runs
        longer than `INLINE_BUDGET`. A read given up has changed nothing.
        """
        self._overran = False
        db = self._db
        if db is None or not self._using.acquire(blocking=False):
            return False, None
        try:
            if may_wait:
                db.execute("PRAGMA busy_timeout = 0")
            if budget:
                deadline = perf_counter() + INLINE_BUDGET
                db.set_progress_handler(lambda: perf_counter() > deadline, _STEPS_BETWEEN_LOOKS)
            try:
                with translated_errors():
                    try:
                        return True, work(db)
                    except sqlite3.OperationalError as error:
                        code = getattr(error, "sqlite_errorcode", 0) & 0xFF
                        if code not in _GIVE_UP:
                            raise
                        self._overran = code == sqlite3.SQLITE_INTERRUPT
                        self.overruns += self._overran
                return False, None
            finally:
                if budget:
                    db.set_progress_handler(None, 0)
                if may_wait:
                    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        finally:
            self._using.release()

    async def script(self, sql: str) -> None:
        """Run several statements (a migration file); no parameters."""
        self._wrote = True

        def work() -> None:
            with translated_errors():
                for statement in split_statements(sql):
                    self.db.execute(statement)

        await self.call(work)

    async def close(self) -> None:
        """Close the connection and stop its thread."""
        if self._db is not None:
            db, self._db = self._db, None
            await self.call(db.close)
        self._executor.shutdown(wait=False)


def split_statements(sql: str) -> list[str]:
    """Split a migration file into statements (our files put no `;` inside literals)."""
    statements, current = [], []
    for line in sql.splitlines():
        current.append(line)
        if sqlite3.complete_statement("\n".join(current)):
            statements.append("\n".join(current))
            current = []
    return [s for s in statements if s.strip()]


class translated_errors:
    """Turn sqlite3 errors into domain errors by result code, never by message text."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, _tb: object
    ) -> None:
        if isinstance(error, sqlite3.IntegrityError):
            code = getattr(error, "sqlite_errorcode", None)
            if code in _UNIQUE:
                raise ConflictError("That name is already taken") from error
            if code == _FOREIGN_KEY:
                raise NotFoundError("A resource the request refers to does not exist") from error
        if isinstance(error, sqlite3.OperationalError) and getattr(
            error, "sqlite_errorcode", None
        ) in {
            sqlite3.SQLITE_BUSY,
            sqlite3.SQLITE_LOCKED,
            sqlite3.SQLITE_CANTOPEN,
            sqlite3.SQLITE_IOERR,
        }:
            raise StorageUnavailableError("The SQLite database is busy or unreadable") from error


def to_text(moment: datetime) -> str:
    """A time as SQLite stores it: UTC ISO-8601 text with microseconds.

    It sorts as time does and reads back (`driver.moment`) to the same aware datetime.
    """
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _rowcount(cursor: sqlite3.Cursor) -> int:
    return cursor.rowcount


def _first_value(cursor: sqlite3.Cursor) -> Any:
    row = cursor.fetchone()
    return None if row is None else row[0]


_READING = frozenset({"fetch", "fetchrow", "fetchval"})


def _is_select(query: str) -> bool:
    """Whether a statement is a plain SELECT (a `WITH` may end in a write: it is not)."""
    return query.lstrip()[:6].upper() == "SELECT"


class SQLiteDriver:
    """The storage `Driver` on a SQLite connection (see `broker.storage.driver`).

    Each statement is timed for `observe` when one is set (`/metrics`), the wait for the
    connection's thread included.
    """

    for_update = ""  # a transaction holds the database's write lock from BEGIN IMMEDIATE
    skip_locked = ""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.observe: QueryObserver | None = None

    async def _run(
        self, operation: str, query: str, args: Sequence[Any], take: Callable[[sqlite3.Cursor], T]
    ) -> T:
        if any(isinstance(arg, str) and "\x00" in arg for arg in args):
            raise nul_refused()  # as PostgreSQL refuses it (`nul_refused`)
        started = perf_counter()
        try:
            if operation in _READING and _is_select(query):
                return await self._connection.read(query, args, take)
            return await self._connection.run(query, args, take)
        finally:
            if self.observe is not None:
                self.observe(operation, perf_counter() - started)

    async def control(self, statement: str) -> None:
        """Begin or end a transaction, or set a PRAGMA (`Connection.control`)."""
        started = perf_counter()
        try:
            await self._connection.control(statement)
        finally:
            if self.observe is not None:
                self.observe("execute", perf_counter() - started)

    async def fetch(self, query: str, *args: object) -> list[sqlite3.Row]:
        return await self._run("fetch", query, args, sqlite3.Cursor.fetchall)

    async def fetchrow(self, query: str, *args: object) -> sqlite3.Row | None:
        return await self._run("fetchrow", query, args, sqlite3.Cursor.fetchone)

    async def fetchval(self, query: str, *args: object) -> Any:
        return await self._run("fetchval", query, args, _first_value)

    async def execute(self, query: str, *args: object) -> int:
        return await self._run("execute", query, args, _rowcount)

    async def insert(
        self, query: str, *args: object, conflict: str, missing: str = MISSING
    ) -> sqlite3.Row | None:
        # A statement that breaks a constraint is undone alone (ON CONFLICT ABORT, SQLite's
        # default): the transaction goes on.
        try:
            return await self._run("insert", query, args, sqlite3.Cursor.fetchone)
        except ConflictError as error:
            raise ConflictError(conflict) from error
        except NotFoundError as error:
            raise NotFoundError(missing) from error

    def time(self, moment: datetime | None) -> str | None:
        return None if moment is None else to_text(moment)

    async def lock_audit_chain(self) -> None:
        return None


class SQLiteStorage:
    """The `Storage` protocol on one SQLite file."""

    def __init__(self, path: str, connection: Connection) -> None:
        self._path = path
        self._connection = connection
        self._db = SQLiteDriver(connection)
        self._lock = asyncio.Lock()
        self._held: set[str] = set()
        self._waiting = 0

    @classmethod
    async def open(cls, path: str) -> SQLiteStorage:
        """Open (creating if needed) the database file at `path`."""
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection = Connection(path)
        await connection.open()
        return cls(path, connection)

    @property
    def description(self) -> str:
        """Where the data lives."""
        where = self._path if self._path == ":memory:" else Path(self._path).resolve()
        return f"SQLite database {where}"

    def pool_stats(self) -> PoolStats:
        """The one connection: in use while a transaction holds it; the transactions queued."""
        return PoolStats(in_use=int(self._lock.locked()), waiting=self._waiting, size=1, max_size=1)

    def observe_queries(self, observer: QueryObserver | None) -> None:
        self._db.observe = observer

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[bool]:
        """A lock within this process: SQLite has one broker process."""
        if name in self._held:
            yield False
            return
        self._held.add(name)
        try:
            yield True
        finally:
            self._held.discard(name)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[StorageTransaction]:
        """One transaction at a time; BEGIN IMMEDIATE takes the write lock up front."""
        self._waiting += 1
        try:
            await self._lock.acquire()
        finally:
            self._waiting -= 1
        try:
            async with self._immediate():
                yield StorageTransaction(self._db)
        finally:
            self._lock.release()

    @asynccontextmanager
    async def browse(self) -> AsyncIterator[StorageTransaction]:
        """A transaction that may only read (`PRAGMA query_only`); SQLite has no replica."""
        self._waiting += 1
        try:
            await self._lock.acquire()
        finally:
            self._waiting -= 1
        try:
            await self._db.control("PRAGMA query_only = ON")
            try:
                async with self._begun("BEGIN"):
                    yield StorageTransaction(self._db)
            finally:
                await self._db.control("PRAGMA query_only = OFF")
        finally:
            self._lock.release()

    async def read_replica(self) -> None:
        """None: SQLite has no read replica."""
        return None

    def _immediate(self) -> AbstractAsyncContextManager[None]:
        """A transaction holding the write lock from BEGIN: committed, or rolled back on error."""
        return self._begun("BEGIN IMMEDIATE")

    @asynccontextmanager
    async def _begun(self, begin: str) -> AsyncIterator[None]:
        """A transaction begun by `begin`: committed, or rolled back on error."""
        await self._db.control(begin)
        try:
            yield
        except BaseException:
            await self._db.control("ROLLBACK")
            raise
        await self._db.control("COMMIT")

    async def migrate(self) -> list[str]:
        """Apply pending migrations, each in its own transaction."""
        known = migrations_for("sqlite")
        applied_names = []
        async with self._lock:
            await self._db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            async with self._immediate():
                rows = await self._db.fetch("SELECT version FROM schema_migrations")
                todo = pending(known, {row["version"] for row in rows})
                for migration in todo:
                    await self._connection.script(migration.sql)
                    await self._db.execute(
                        "INSERT INTO schema_migrations (version, name, applied_at)"
                        " VALUES (?, ?, ?)",
                        migration.version,
                        migration.name,
                        to_text(datetime.now(UTC)),
                    )
                    applied_names.append(f"{migration.version:04d}_{migration.name}")
        return applied_names

    async def check(self) -> None:
        """Ask the database a trivial question."""
        await self._db.fetchrow("SELECT 1")

    async def close(self) -> None:
        """Close the connection."""
        await self._connection.close()
