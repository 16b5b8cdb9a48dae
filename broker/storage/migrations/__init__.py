"""Versioned schema migrations, one folder of numbered `.sql` files per backend.

Each file `NNNN_name.sql` is applied once, in order, inside a transaction, and recorded in the
`schema_migrations` table. A database that records a migration this code does not know was
written by a newer Accord and is refused rather than guessed at.
"""

from __future__ import annotations

from importlib import resources

import msgspec


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


def migrations_for(backend: str) -> list[Migration]:
    """The migrations of a backend (`sqlite` or `postgres`), in order."""
    folder = resources.files(__package__).joinpath(backend)
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            number, _, rest = entry.name.partition("_")
            found.append(Migration(int(number), rest.removesuffix(".sql"), entry.read_text()))
    return sorted(found, key=lambda m: m.version)


def pending(known: list[Migration], applied: set[int]) -> list[Migration]:
    """The known migrations not applied yet; refuses a database that is ahead of the code."""
    latest_known = known[-1].version if known else 0
    ahead = [v for v in applied if v > latest_known]
    if ahead:
        raise SchemaTooNewError(max(ahead), latest_known)
    return [m for m in known if m.version not in applied]
