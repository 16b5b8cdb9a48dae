"""Open the storage a database URL names."""

from __future__ import annotations

from broker.settings import (
    DEFAULT_DATABASE_TIMEOUT,
    DEFAULT_READ_MAX_LAG,
    DEFAULT_STATEMENT_CACHE,
    SettingsError,
    sqlite_path,
)
from broker.storage.interface import Storage


async def open_storage(
    database_url: str,
    *,
    timeout: float = DEFAULT_DATABASE_TIMEOUT,
    statement_cache: int = DEFAULT_STATEMENT_CACHE,
    read_url: str | None = None,
    read_max_lag: float = DEFAULT_READ_MAX_LAG,
) -> Storage:
    """A connected, not yet migrated, storage for `postgresql://…` or `sqlite:///…`.

    `timeout`: seconds PostgreSQL may take to connect or answer a statement (see
    `ACCORD_DATABASE_TIMEOUT`); SQLite, a local file, waits on its own lock only.
    `statement_cache`: prepared statements asyncpg keeps per PostgreSQL connection
    (`ACCORD_DATABASE_STATEMENT_CACHE`; 0 behind PgBouncer in transaction mode).
    `read_url`: a PostgreSQL hot standby for browsing reads while it is at most `read_max_lag`
    seconds behind (`ACCORD_DATABASE_READ_URL`, `ACCORD_DATABASE_READ_MAX_LAG`).
    """
    if database_url.startswith(("postgresql://", "postgres://")):
        from broker.storage.postgres import PostgresStorage  # noqa: PLC0415 - asyncpg only when used

        return await PostgresStorage.open(
            database_url,
            timeout=timeout,
            statement_cache=statement_cache,
            read_dsn=read_url,
            read_max_lag=read_max_lag,
        )
    if read_url is not None:
        raise SettingsError(
            "ACCORD_DATABASE_READ_URL needs ACCORD_DATABASE_URL on PostgreSQL: a read replica"
            " is a standby of the PostgreSQL primary, and SQLite has none"
        )
    from broker.storage.sqlite import SQLiteStorage  # noqa: PLC0415 - symmetric with the above

    return await SQLiteStorage.open(sqlite_path(database_url))
