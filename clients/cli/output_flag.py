"""`--output`: one set of names for every command.

Every command prints `table` (the default: the human view, a table or lines) or `json`; those
that report test results add `junit`. The Ruby pact-broker CLI calls the human view `text` for
most of its commands (`record-deployment`, `create-environment`, `publish`...), and pipelines
written for it pass `--output text`, so `text` is accepted as another name for `table`; help
and errors show only the canonical names.
"""

from __future__ import annotations

import argparse

TABLE = "table"
JSON = "json"
JUNIT = "junit"

OUTPUTS = (TABLE, JSON)
"""What `--output` takes on every command."""

WITH_JUNIT = (*OUTPUTS, JUNIT)
"""What `--output` takes on a command that reports test results (`verify`)."""

MARKDOWN = "markdown"
WITH_MARKDOWN = (*OUTPUTS, MARKDOWN)
"""What `--output` takes on a command whose human view is a markdown document (`coverage`:
`table` and `markdown` print the same)."""

ALIASES = {"text": TABLE}
"""Old names still accepted, each with the name it stands for."""


def output_name(text: str) -> str:
    """An argparse type: the canonical name of an `--output` value (`text` -> `table`)."""
    return ALIASES.get(text, text)


def add_output_flag(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup,
    *,
    junit: bool = False,
    markdown: bool = False,
    help_text: str = "table (default) or json",
) -> None:
    """Add `-o/--output` with the canonical choices (and `junit` or `markdown` when asked)."""
    parser.add_argument(
        "-o",
        "--output",
        type=output_name,
        choices=WITH_JUNIT if junit else WITH_MARKDOWN if markdown else OUTPUTS,
        default=TABLE,
        help=help_text,
    )
