"""Open the storage a database URL names."""

from __future__ import annotations

from broker.settings import DEFAULT_DATABASE_TIMEOUT, DEFAULT_STATEMENT_CACHE, sqlite_path
from broker.storage.interface import Storage


async def open_storage(
    database_url: str,
    *,
    timeout: float = DEFAULT_DATABASE_TIMEOUT,
    statement_cache: int = DEFAULT_STATEMENT_CACHE,
) -> Storage:
    """A connected, not yet migrated, storage for `postgresql://…` or `sqlite:///…`.

    `timeout`: seconds PostgreSQL may take to connect or answer a statement (see
    `ACCORD_DATABASE_TIMEOUT`); SQLite, a local file, waits on its own lock only.
    `statement_cache`: prepared statements asyncpg keeps per PostgreSQL connection
    (`ACCORD_DATABASE_STATEMENT_CACHE`; 0 behind PgBouncer in transaction mode).
    """
    if database_url.startswith(("postgresql://", "postgres://")):
        from broker.storage.postgres import PostgresStorage  # noqa: PLC0415 - asyncpg only when used

        return await PostgresStorage.open(
            database_url, timeout=timeout, statement_cache=statement_cache
        )
    from broker.storage.sqlite import SQLiteStorage  # noqa: PLC0415 - symmetric with the above

    return await SQLiteStorage.open(sqlite_path(database_url))
