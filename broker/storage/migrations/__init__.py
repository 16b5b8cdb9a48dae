"""Versioned schema migrations, written once for both backends.

Each file `NNNN_name.sql` is applied once, in order, inside a transaction, and recorded in the
`schema_migrations` table. A database that records a migration this code does not know was
written by a newer Accord and is refused rather than guessed at.

The files are SQL that both backends run, rendered for one backend by `migrations_for`. Where
the dialects spell a type differently, a file writes a token in double braces (an unknown one
is an error), and `TOKENS` spells it out per backend:

- `{{id}}`: a table's own row id. SQLite `INTEGER PRIMARY KEY`, PostgreSQL
  `BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY`.
- `{{bigint}}`: a 64-bit integer, such as another table's row id. `INTEGER`, `BIGINT`.
- `{{time}}`: an instant in UTC. `TEXT` (ISO-8601 with microseconds), `TIMESTAMPTZ`.
- `{{bool}}`: `INTEGER` (0 or 1), `BOOLEAN`; `{{false}}`, its default: `0`, `false`.
- `{{json}}`: a JSON document. `TEXT`, `JSONB`.
- `{{binary_text}}`: text ordered byte by byte. `TEXT` (SQLite's own order),
  `TEXT COLLATE "C"`.

Where a step differs beyond its types, a line `-- sqlite only:` or `-- postgres only:` starts
lines that only that backend runs, up to the next such line or a line `-- end`. The marker
lines are dropped from both renderings, so SQLite keeps the very text its statements always had.
"""

from __future__ import annotations

import re
from importlib import resources

import msgspec

BACKENDS = ("sqlite", "postgres")

TOKENS: dict[str, dict[str, str]] = {
    "id": {
        "sqlite": "INTEGER PRIMARY KEY",
        "postgres": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    },
    "bigint": {"sqlite": "INTEGER", "postgres": "BIGINT"},
    "time": {"sqlite": "TEXT", "postgres": "TIMESTAMPTZ"},
    "bool": {"sqlite": "INTEGER", "postgres": "BOOLEAN"},
    "false": {"sqlite": "0", "postgres": "false"},
    "json": {"sqlite": "TEXT", "postgres": "JSONB"},
    "binary_text": {"sqlite": "TEXT", "postgres": 'TEXT COLLATE "C"'},
}

_TOKEN = re.compile(r"\{\{(\w+)\}\}")
_ONLY = re.compile(r"-- (\w+) only:")
_END = "-- end"


class Migration(msgspec.Struct, frozen=True):
    """One schema step."""

    version: int
    name: str
    sql: str


class SchemaTooNewError(RuntimeError):
    """The database schema is newer than this version of Accord understands."""

    def __init__(self, database_version: int, code_version: int) -> None:
        super().__init__(
            f"The database schema is at version {database_version}, but this Accord knows "
            f"migrations up to {code_version} only: upgrade Accord, or point it at another "
            "database."
        )


def render(sql: str, backend: str) -> str:
    """A migration's SQL as `backend` runs it: its own lines kept, tokens spelt out.

    Raises:
        ValueError: an unknown backend, token or `-- X only:` marker, or an `-- end` outside
            such a block (a typo in a migration, caught when it is first read).
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}")
    kept = []
    only: str | None = None
    for line in sql.splitlines(keepends=True):
        marker = _ONLY.fullmatch(line.rstrip("\n"))
        if marker:
            if marker[1] not in BACKENDS:
                raise ValueError(f"unknown backend in {line.strip()!r}")
            only = marker[1]
        elif line.rstrip("\n") == _END:
            if only is None:
                raise ValueError("'-- end' outside a '-- <backend> only:' block")
            only = None
        elif only in (None, backend):
            kept.append(line)
    if only is not None:
        raise ValueError(f"'-- {only} only:' block without '-- end'")
    return _TOKEN.sub(lambda token: _spelt(token[1], backend), "".join(kept))


def _spelt(token: str, backend: str) -> str:
    if token not in TOKENS:
        raise ValueError(f"unknown token {{{{{token}}}}}")
    return TOKENS[token][backend]


def migrations_for(backend: str) -> list[Migration]:
    """The migrations as `backend` (`sqlite` or `postgres`) runs them, in order."""
    found = []
    for entry in resources.files(__package__).iterdir():
        if entry.name.endswith(".sql"):
            number, _, rest = entry.name.partition("_")
            sql = render(entry.read_text(), backend)
            found.append(Migration(int(number), rest.removesuffix(".sql"), sql))
    return sorted(found, key=lambda m: m.version)


def pending(known: list[Migration], applied: set[int]) -> list[Migration]:
    """The known migrations not applied yet; refuses a database that is ahead of the code."""
    latest_known = known[-1].version if known else 0
    ahead = [v for v in applied if v > latest_known]
    if ahead:
        raise SchemaTooNewError(max(ahead), latest_known)
    return [m for m in known if m.version not in applied]
