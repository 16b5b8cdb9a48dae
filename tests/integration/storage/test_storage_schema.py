"""The schema migrations 0001-0014 build, on each backend, exactly the schema they always built.

Databases in use applied these migrations long ago, so a new database must get the same schema
from them. The snapshots in `schema_snapshots/` were taken from the migrations as first written
(see the header of each snapshot), and every rendering since must reproduce them.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import asyncpg
import pytest

from broker.storage import postgres, sqlite
from broker.storage.migrations import Migration, migrations_for
from broker.storage.postgres import PostgresStorage
from broker.storage.sqlite import SQLiteStorage

SNAPSHOTS = Path(__file__).parent / "schema_snapshots"

# The migrations the snapshots cover; later ones change the schema on purpose.
LAST_SNAPSHOT_VERSION = 14

SQLITE_SCHEMA = """
SELECT type, name, tbl_name, sql FROM sqlite_master
WHERE name NOT LIKE 'sqlite_%'
ORDER BY type, name
"""

# Everything PostgreSQL knows of the tables: columns (type, nullability, default, identity,
# collation), constraints, indexes, triggers, functions and sequences, each as the server
# itself prints it.
POSTGRES_SCHEMA = {
    "columns": """
        SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod),
               a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity::text,
               a.attgenerated::text, coll.collname
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        LEFT JOIN pg_collation coll ON coll.oid = a.attcollation
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
          AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY c.relname, a.attnum
    """,
    "constraints": """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        ORDER BY 1, 2
    """,
    "indexes": """
        SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
        ORDER BY 1, 2
    """,
    "triggers": """
        SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid)
        FROM pg_trigger WHERE NOT tgisinternal
        ORDER BY 1, 2
    """,
    "functions": """
        SELECT proname, pg_get_functiondef(oid) FROM pg_proc
        WHERE pronamespace = 'public'::regnamespace
        ORDER BY 1
    """,
    "sequences": """
        SELECT sequencename, data_type::text, start_value, increment_by, max_value, cycle
        FROM pg_sequences WHERE schemaname = 'public'
        ORDER BY 1
    """,
}


def _snapshotted(backend: str) -> list[Migration]:
    return [m for m in migrations_for(backend) if m.version <= LAST_SNAPSHOT_VERSION]


def sqlite_schema(path: Path) -> str:
    """The SQL text SQLite keeps of each table, index and trigger, as written."""
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute(SQLITE_SCHEMA).fetchall()
    return "".join(f"-- {kind} {name} on {table}\n{sql};\n\n" for kind, name, table, sql in rows)


async def postgres_schema(url: str) -> str:
    """PostgreSQL's catalog of the public schema, a line per row."""
    connection = await asyncpg.connect(url)
    try:
        sections = []
        for section, query in POSTGRES_SCHEMA.items():
            rows = await connection.fetch(query)
            lines = "".join(" | ".join(str(value) for value in row) + "\n" for row in rows)
            sections.append(f"## {section}\n{lines}")
    finally:
        await connection.close()
    return "\n".join(sections)


def _expected(name: str) -> str:
    text = (SNAPSHOTS / name).read_text()
    return text.partition("\n\n")[2]  # after the header that says where the snapshot came from


async def test_sqlite_builds_the_schema_it_always_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite, "migrations_for", _snapshotted)
    path = tmp_path / "accord.db"
    storage = await SQLiteStorage.open(str(path))
    try:
        await storage.migrate()
    finally:
        await storage.close()

    assert sqlite_schema(path) == _expected("sqlite.sql")


@pytest.mark.postgres
async def test_postgres_builds_the_schema_it_always_built(
    empty_postgres_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres, "migrations_for", _snapshotted)
    storage = await PostgresStorage.open(empty_postgres_database_url)
    try:
        await storage.migrate()
    finally:
        await storage.close()

    assert await postgres_schema(empty_postgres_database_url) == _expected("postgres.txt")
