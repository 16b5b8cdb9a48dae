"""A consistent copy of a live SQLite database, for `accord broker backup`.

Copying `accord.db` while the broker runs loses whatever sits in the write-ahead log (`-wal`)
and can catch a page half written. SQLite's online backup API instead copies every page under
one read transaction: the copy is the database as of one commit, and the broker keeps writing
meanwhile (in WAL mode readers do not block the writer).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class BackupError(Exception):
    """The backup cannot be made; the message says why in one sentence."""


def backup(source: Path, destination: Path) -> int:
    """Copy the database at `source` to a new file `destination`; the number of pages copied.

    The copy is written beside `destination` first and renamed into place when complete, so
    `destination` is never a partial database.

    Raises:
        BackupError: `source` is no database, or `destination` exists or cannot be written.
    """
    if not source.is_file():
        raise BackupError(f"There is no database at {source}")
    if destination.exists():
        raise BackupError(f"{destination} exists already; choose a new file")
    partial = destination.with_name(f".{destination.name}.partial")
    try:
        reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"Cannot open {source}: {error}") from error
    try:
        reader.execute("PRAGMA busy_timeout = 30000")
        writer = sqlite3.connect(partial)
        try:
            reader.backup(writer)  # every page in one step: one read transaction, one snapshot
            pages = int(writer.execute("PRAGMA page_count").fetchone()[0])
            if writer.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"The copy of {source} does not pass SQLite's quick_check")
        finally:
            writer.close()
    except sqlite3.DatabaseError as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Cannot back up {source}: {error}") from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        reader.close()
    try:
        partial.replace(destination)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Cannot write {destination}: {error.strerror}") from error
    return pages
