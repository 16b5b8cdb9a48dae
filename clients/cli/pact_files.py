"""The pact files `accord publish` is given: paths expanded, documents read, grouped by consumer.

As in `pact-broker publish`, a PATH is a file, a folder (every `*.json` directly inside it,
not recursively) or a glob (`pacts/**/*.json`); a glob that matches nothing adds nothing.
Every file is read and checked before anything is sent, so one bad file publishes nothing.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import msgspec

from clients.cli._files import read_upload
from clients.cli.errors import CommandError
from clients.sdk import Contract

_GLOB_CHARACTERS = frozenset("*?[")


@dataclass(frozen=True)
class PactFile:
    """A pact as read from disk: the names inside it and its bytes, unchanged."""

    path: Path
    consumer: str
    provider: str
    content: bytes

    @property
    def contract(self) -> Contract:
        """What the SDK publishes."""
        return Contract(self.consumer, self.provider, self.content)


def expand(paths: Sequence[str]) -> list[Path]:
    """Every file the PATH arguments name, in order, each once.

    Raises:
        CommandError: a path that is not a glob does not exist, or nothing was found at all.
    """
    found: dict[Path, None] = {}
    for argument in paths:
        if _GLOB_CHARACTERS & set(argument) and not Path(argument).exists():
            # Path.glob takes only relative patterns, and a pattern may be absolute.
            globbed = glob.glob(argument, recursive=True)  # noqa: PTH207
            matches = [Path(match) for match in sorted(globbed)]
        else:
            path = Path(argument)
            if not path.exists():
                msg = f"Pact file {argument} does not exist."
                raise CommandError(msg)
            matches = [path]
        for match in matches:
            for file in _files(match):
                found.setdefault(file, None)
    if not found:
        msg = f"No pact files found in {', '.join(paths)}."
        raise CommandError(msg)
    return list(found)


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(child for child in path.glob("*.json") if child.is_file())
    return [path]


class _Party(msgspec.Struct, frozen=True):
    name: str


class _PactHead(msgspec.Struct, frozen=True):
    """The two members of a pact the CLI needs; the rest travels untouched."""

    consumer: _Party
    provider: _Party


def read(path: Path) -> PactFile:
    """Read one pact file and the consumer and provider names inside it.

    Raises:
        CommandError: the file cannot be read, is not JSON, or names no consumer or provider.
    """
    content = read_upload(path, "pact file")
    try:
        document = msgspec.json.decode(content)
    except msgspec.DecodeError as error:
        msg = f"{path} is not a pact: it is not valid JSON."
        raise CommandError(msg) from error
    try:
        head = msgspec.convert(document, _PactHead)
    except msgspec.ValidationError as error:
        msg = f"{path} is not a pact: it has no consumer.name and provider.name."
        raise CommandError(msg) from error
    if not head.consumer.name.strip() or not head.provider.name.strip():
        msg = f"{path} is not a pact: its consumer.name or provider.name is blank."
        raise CommandError(msg)
    return PactFile(path, head.consumer.name, head.provider.name, content)


def by_consumer(pacts: Iterable[PactFile]) -> dict[str, list[PactFile]]:
    """Group the pacts by consumer, in the order each consumer first appears.

    The Ruby CLI merges two files of one consumer and provider into one pact; merging would
    rewrite the documents, so Accord asks for one file per pair instead.

    Raises:
        CommandError: two files hold a pact between the same consumer and provider.
    """
    groups: dict[str, list[PactFile]] = {}
    for pact in pacts:
        group = groups.setdefault(pact.consumer, [])
        twin = next((other for other in group if other.provider == pact.provider), None)
        if twin is not None:
            msg = (
                f"{twin.path} and {pact.path} both hold the pact between {pact.consumer} "
                f"and {pact.provider}: publish one of them."
            )
            raise CommandError(msg)
        group.append(pact)
    return groups
