"""Migrations written once, rendered per backend: tokens and per-backend blocks."""

from __future__ import annotations

import pytest

from broker.storage.migrations import BACKENDS, migrations_for, render

STEP = """\
CREATE TABLE t (
    id {{id}},
    at {{time}} NOT NULL
);
-- postgres only:
ANALYZE t;
-- sqlite only:
SELECT 1;
-- end
CREATE INDEX t_by_at ON t (at);
"""


def test_tokens_are_spelt_per_backend_and_blocks_kept_for_their_backend_alone() -> None:
    assert render(STEP, "sqlite") == (
        "CREATE TABLE t (\n    id INTEGER PRIMARY KEY,\n    at TEXT NOT NULL\n);\n"
        "SELECT 1;\nCREATE INDEX t_by_at ON t (at);\n"
    )
    assert render(STEP, "postgres") == (
        "CREATE TABLE t (\n    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
        "    at TIMESTAMPTZ NOT NULL\n);\nANALYZE t;\nCREATE INDEX t_by_at ON t (at);\n"
    )


def test_braces_that_are_not_a_token_stay_as_written() -> None:
    sql = "contacts {{json}} NOT NULL,  -- JSON array of {name, details}\n"
    assert render(sql, "postgres") == "contacts JSONB NOT NULL,  -- JSON array of {name, details}\n"


@pytest.mark.parametrize(
    "sql",
    [
        "x {{integer}};\n",
        "-- mysql only:\nSELECT 1;\n-- end\n",
        "-- sqlite only:\nSELECT 1;\n",
        "SELECT 1;\n-- end\n",
    ],
    ids=["unknown token", "unknown backend", "block never ended", "end outside a block"],
)
def test_a_malformed_migration_is_refused(sql: str) -> None:
    with pytest.raises(ValueError):
        render(sql, "sqlite")


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_migration_renders_without_tokens_or_markers(backend: str) -> None:
    for migration in migrations_for(backend):
        assert "{{" not in migration.sql
        assert "only:" not in migration.sql
