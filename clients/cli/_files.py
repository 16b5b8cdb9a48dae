"""How much of a file the `accord` commands read, and their one sentence when it is too much.

Every file a command reads goes through `verifier._files.read_file`, which reads at most its
limit plus one byte: a 50 GB file or `/dev/zero` is refused after that, not swallowed. A file
sent to the broker may hold what the broker takes (10 MiB a request, 2 MiB a test report); a
password or key file a few KiB. Documents only compared on this machine (`compare-spec`,
`diff-spec`, `verify`) keep their own larger bound.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from clients.cli.errors import CommandError
from verifier._files import KiB, MiB, UnreadableFileError, read_file

# The broker's default request body limit (`DEFAULT_MAX_BODY_BYTES` in broker/settings.py): a
# larger file would be refused with 413 after the upload. `ACCORD_MAX_BODY_BYTES`, which raises
# the broker's, raises this one too (`upload_limit`).
MAX_UPLOAD_BYTES = 10 * MiB
# A JUnit XML or probe report: the broker refuses a larger one (`MAX_REPORT_BYTES` in
# broker/domain/test_results.py).
MAX_TEST_REPORT_BYTES = 2 * MiB
# A password (the broker takes at most 1,024 characters, 4 bytes each in UTF-8) or an audit key,
# with its line ending.
MAX_SECRET_BYTES = 8 * KiB


def upload_limit(environ: Mapping[str, str] | None = None) -> int:
    """The most a file sent to the broker may hold: the broker's `ACCORD_MAX_BODY_BYTES` if set.

    Raises:
        CommandError: the variable is set, but not to a positive integer.
    """
    raw = (os.environ if environ is None else environ).get("ACCORD_MAX_BODY_BYTES", "")
    if not raw:
        return MAX_UPLOAD_BYTES
    if not (raw.isascii() and raw.isdigit()) or int(raw) <= 0:
        raise CommandError(f"ACCORD_MAX_BODY_BYTES must be a positive integer, not {raw!r}.")
    return int(raw)


def read_upload(path: str | Path, what: str) -> bytes:
    """The bytes of a file to send to the broker (a pact, a provider contract, its results).

    Raises:
        CommandError: "The {what} {path} is larger than 10 MiB." (or does not exist, …).
    """
    return read_bounded(path, what, upload_limit())


def read_secret(path: str | Path, what: str) -> bytes:
    """The bytes of a password or key file.

    Raises:
        CommandError: "The {what} {path} is larger than 8 KiB." (or does not exist, …).
    """
    return read_bounded(path, what, MAX_SECRET_BYTES)


def read_bounded(path: str | Path, what: str, limit: int) -> bytes:
    """The bytes of the file at `path`, of at most `limit` bytes.

    Raises:
        CommandError: one sentence naming the file: it does not exist, is a folder, cannot be
            read, or is larger than `limit`.
    """
    try:
        return read_file(path, limit)
    except UnreadableFileError as error:
        raise CommandError(f"The {what} {error}.") from None
