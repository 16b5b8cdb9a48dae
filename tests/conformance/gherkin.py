"""A small reader of Gherkin feature files: enough for the Pact compatibility suite.

It reads what those features use: tags, `Feature:`, `Background:`, `Scenario:`, steps
(`Given`/`When`/`Then`/`And`/`But`) and the data tables under a step. Scenario outlines,
doc strings and rules are not used by the suite and are refused, so a new feature that needs
them fails loudly instead of running half-read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

_STEP_KEYWORDS = ("Given ", "When ", "Then ", "And ", "But ")


class GherkinError(ValueError):
    """A construct this reader does not handle, with the file and line."""


@dataclass
class Step:
    """One step: its keyword, its sentence and its data table (rows of cells), if any."""

    keyword: str
    text: str
    table: list[list[str]] = field(default_factory=list)

    def rows(self) -> list[dict[str, str]]:
        """The table's rows after the header, as dictionaries by column name."""
        header, *rows = self.table
        return [dict(zip(header, row, strict=True)) for row in rows]


@dataclass
class Scenario:
    """One scenario, with the background's steps in front of its own, and its own tags."""

    name: str
    line: int
    steps: list[Step]
    tags: set[str] = field(default_factory=set)


@dataclass
class Feature:
    """A feature file: its name, tags and scenarios."""

    name: str
    path: Path
    tags: set[str]
    scenarios: list[Scenario]


def _cells(line: str) -> list[str]:
    """The cells of a table row, `\\|` read as a pipe inside a cell."""
    inner = line.strip()[1:-1].replace("\\|", "\0")
    return [cell.strip().replace("\0", "|") for cell in inner.split("|")]


def read_feature(path: Path) -> Feature:
    """Read one feature file.

    Raises:
        GherkinError: On a construct the reader does not handle.
    """
    name, tags = "", set[str]()
    background: list[Step] = []
    scenarios: list[Scenario] = []
    steps: list[Step] | None = None
    pending_tags: set[str] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            pending_tags |= set(line.split())
        elif line.startswith("Feature:"):
            name, tags, pending_tags = line.removeprefix("Feature:").strip(), pending_tags, set()
        elif line.startswith("Background:"):
            steps = background
        elif line.startswith("Scenario:"):
            steps = [*background]
            title = line.removeprefix("Scenario:").strip()
            scenarios.append(Scenario(name=title, line=number, steps=steps, tags=pending_tags))
            pending_tags = set()
        elif line.startswith(_STEP_KEYWORDS) and steps is not None:
            keyword, _, text = line.partition(" ")
            steps.append(Step(keyword=keyword, text=text.strip()))
        elif line.startswith("|") and steps:
            steps[-1].table.append(_cells(line))
        elif line.startswith(("Scenario Outline:", "Examples:", "Rule:", '"""', "```")):
            raise GherkinError(f"{path}:{number}: {line.split()[0]} is not supported")
        elif steps is None:
            continue  # the feature's description
        else:
            raise GherkinError(f"{path}:{number}: cannot read {line!r}")
    # A scenario's list starts as a copy of the background: steps added to the background
    # after a scenario began would be missed, and Gherkin puts the background first anyway.
    return Feature(name=name, path=path, tags=tags, scenarios=scenarios)
