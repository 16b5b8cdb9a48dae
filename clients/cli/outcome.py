"""What a command hands back to `main()`: the text to print and, when it is not 0, the exit code.

Most commands return a plain `str` and exit 0; those whose answer is itself a yes or no
(`can-i-deploy`, `verify`, `compare-spec`…) return an `Outcome` with the exit code they chose.
Commands that need no broker (`compare-spec`, `verify` on pact files) set `local=True` on their
parser and get a handler called with the arguments only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Outcome:
    """The text a command prints on stdout and the exit code `accord` ends with."""

    text: str
    exit_code: int = 0
