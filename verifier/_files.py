"""Local files read with a bound: at most `limit + 1` bytes, whatever the file holds.

A path given on a command line may name a 50 GB file, `/dev/zero` or a pipe that never ends;
read whole, it hangs and then fails with `MemoryError`. `read_file` is the one reader the verifier
and the `accord` command use for pacts, specs, test reports and secrets. Each caller turns
`UnreadableFileError` into its own one-sentence error, the file named first ("The pact file
pacts/a.json is larger than 10 MiB.").
"""

from __future__ import annotations

from pathlib import Path

from verifier._errors import VerifierError

KiB = 1024
MiB = 1024 * KiB
# A pact or spec read to be verified or compared on this machine: far past any real one (the
# broker takes 10 MiB a request; a document past a million nodes is refused anyway), and a bound
# on what `/dev/zero` or a runaway file costs to read.
MAX_DOCUMENT_BYTES = 64 * MiB


class UnreadableFileError(VerifierError):
    """A local file cannot be read, or holds more than its reader's bound.

    `str()` is the path and the problem ("pacts/a.json is larger than 10 MiB"), to follow what
    the file is: "The pact file " + str(error) + ".".
    """

    def __init__(self, path: str | Path, problem: str) -> None:
        """`problem` completes a sentence about the file: "does not exist"."""
        super().__init__(f"{path} {problem}")
        self.path = str(path)
        self.problem = problem


def size_text(limit: int) -> str:
    """A byte count as a person writes it: 10 MiB, 8 KiB, or 1,000 bytes."""
    if limit >= MiB and limit % MiB == 0:
        return f"{limit // MiB} MiB"
    if limit >= KiB and limit % KiB == 0:
        return f"{limit // KiB} KiB"
    return f"{limit:,} bytes"


def read_file(path: str | Path, limit: int) -> bytes:
    """The bytes of the file at `path`, which may hold at most `limit` bytes.

    At most `limit + 1` bytes are read, so a larger or endless file costs no more than that.

    Raises:
        UnreadableFileError: the file does not exist, is a folder, cannot be read, or holds more
            than `limit` bytes.
    """
    try:
        with Path(path).open("rb") as file:
            content = file.read(limit + 1)
    except FileNotFoundError:
        raise UnreadableFileError(path, "does not exist") from None
    except IsADirectoryError:
        raise UnreadableFileError(path, "is a folder, not a file") from None
    except OSError as error:
        raise UnreadableFileError(path, f"cannot be read: {error.strerror or error}") from None
    if len(content) > limit:
        raise UnreadableFileError(path, f"is larger than {size_text(limit)}")
    return content
