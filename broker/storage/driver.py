"""How storage code runs SQL: the one thing the SQLite and PostgreSQL adapters each supply.

Every aggregate module (`pacticipants`, `versions`, …) is written once against `Driver`, in
asyncpg's vocabulary. Statements use `?` placeholders; the PostgreSQL driver numbers them.
A query that must differ by dialect asks a named hook (`for_update`, `lock_audit_chain`)
instead of being written twice.

    aggregate module ──SQL, `?` placeholders──▶ Driver ──▶ SQLiteDriver   (broker.storage.sqlite)
                                                       └─▶ PostgresDriver (broker.storage.postgres)
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol, TypeVar

import msgspec

from broker.domain.model import Page

MISSING = "A resource the change refers to does not exist"


class Row(Protocol):
    """What `sqlite3.Row` and `asyncpg.Record` have in common: values by column name."""

    def __getitem__(self, key: str, /) -> Any:
        """The value of a column."""
        ...

    def keys(self) -> Any:
        """The names of the columns."""
        ...


class Driver(Protocol):
    """Runs statements inside the current transaction of one backend."""

    async def fetch(self, query: str, *args: object) -> Sequence[Row]:
        """Every row of a query."""
        ...

    async def fetchrow(self, query: str, *args: object) -> Row | None:
        """The first row of a query, if any."""
        ...

    async def fetchval(self, query: str, *args: object) -> Any:
        """The first column of the first row, or None when there is no row."""
        ...

    async def execute(self, query: str, *args: object) -> int:
        """Run a statement; how many rows it changed."""
        ...

    async def insert(
        self, query: str, *args: object, conflict: str, missing: str = MISSING
    ) -> Row | None:
        """Run a statement that may break a rule; its first row, if it returns any.

        Raises `ConflictError(conflict)` when a uniqueness rule breaks and
        `NotFoundError(missing)` when a row it refers to does not exist; the transaction
        stays usable either way.
        """
        ...

    def time(self, moment: datetime | None) -> object:
        """A time as this backend stores it (read back with `moment`); None stays None."""
        ...

    # dialect hooks

    @property
    def for_update(self) -> str:
        """The clause that locks the selected rows until the transaction ends.

        Empty on SQLite, whose transactions hold the database's write lock from the start.
        """
        ...

    @property
    def skip_locked(self) -> str:
        """The clause that locks the selected rows and passes over rows others hold.

        Lets several brokers on one database claim different work at once; empty on SQLite.
        """
        ...

    async def lock_audit_chain(self) -> None:
        """Hold the audit chain's lock until the transaction ends (a no-op on SQLite)."""
        ...


S = TypeVar("S", bound=msgspec.Struct)
T = TypeVar("T")


def record(kind: type[S], row: Row, **columns: object) -> S:
    """A row as a `kind`, each field from the column of its name (`columns` add or replace some).

    msgspec's lax conversion reads either backend's times (SQLite's ISO text, asyncpg's
    datetime) and SQLite's 0 or 1 as a bool; columns without a field are left out.
    """
    return msgspec.convert({**dict(row), **columns}, kind, strict=False)


def records(kind: type[S], rows: Iterable[Row]) -> list[S]:
    """Rows as `kind`s, as `record` maps one (in one conversion, which is faster)."""
    converted: list[S] = msgspec.convert([dict(row) for row in rows], list[kind], strict=False)  # type: ignore[valid-type]
    return converted


def written(stored: T | None) -> T:
    """What a write stored, as RETURNING or a lookup just after hands it back: never None."""
    assert stored is not None
    return stored


def equal(**columns: object) -> tuple[list[str], list[object]]:
    """A `column = ?` condition for each column whose value is not None, and those values."""
    given = {column: value for column, value in columns.items() if value is not None}
    return [f"{column} = ?" for column in given], list(given.values())


async def page_of(
    db: Driver, rows_sql: str, count_sql: str, *args: object, page: Page
) -> tuple[Sequence[Row], int]:
    """One page of a listing (`rows_sql` ends in `LIMIT ? OFFSET ?`) and how many rows it has.

    Both statements take `args`; `rows_sql` takes the page's size and offset after them.
    """
    rows = await db.fetch(rows_sql, *args, page.size, page.offset)
    total = await db.fetchval(count_sql, *args)
    return rows, int(total)


def json_text(value: object) -> str:
    """A value as JSON text, how JSON columns are written on both backends."""
    return msgspec.json.encode(value).decode("utf-8")


def like_literal(text: str) -> str:
    r"""A text as a LIKE pattern that matches just that text (with `ESCAPE '\'`)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def moment(value: datetime | str) -> datetime:
    """A stored time: SQLite hands back the ISO text its driver wrote, asyncpg a datetime."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def optional_moment(value: datetime | str | None) -> datetime | None:
    """A stored time that may be absent."""
    return None if value is None else moment(value)


_PLACEHOLDER = re.compile(r"\?")


def numbered(sql: str) -> str:
    """`?` placeholders as `$1, $2, …` (our statements have no `?` inside literals).

    Short statements, the fixed ones, are remembered; id lists of every length are not.
    """
    return _numbered(sql) if len(sql) <= _REMEMBERED else _number(sql)


_REMEMBERED = 4096


@lru_cache(maxsize=512)
def _numbered(sql: str) -> str:
    return _number(sql)


def _number(sql: str) -> str:
    counter = itertools.count(1)
    return _PLACEHOLDER.sub(lambda _: f"${next(counter)}", sql)
