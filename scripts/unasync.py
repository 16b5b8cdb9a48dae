"""Write the blocking SDK client from the async one: `python scripts/unasync.py [--output PATH]`.

`clients/sdk/_async_client.py` is the only source of `AsyncBrokerClient`'s calls; this script
rewrites it into `clients/sdk/_client.py` (`BrokerClient`) by the substitutions below, then
formats the result with ruff. Run it after changing the async client and commit both files;
`tests/unit/clients/test_unasync.py` fails while the committed sync client differs from what
the script writes.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "clients" / "sdk" / "_async_client.py"
TARGET = REPO / "clients" / "sdk" / "_client.py"

HEADER = (
    "# Generated from clients/sdk/_async_client.py by scripts/unasync.py: do not edit.\n"
    "# Change the async client, then run `python scripts/unasync.py`.\n"
)

# Applied in order to the whole text, docstrings and comments included.
SUBSTITUTIONS = (
    (r"\basync (def|with|for)\b", r"\1"),
    (r"\bawait ", ""),
    (r"\b__aenter__\b", "__enter__"),
    (r"\b__aexit__\b", "__exit__"),
    (r"\baclose\b", "close"),
    (r"\bAsync(BrokerClient|Client|BaseTransport)\b", r"\1"),
)


def blocking(source: str) -> str:
    """The sync client's code for the async client's `source`, before formatting."""
    for pattern, replacement in SUBSTITUTIONS:
        source = re.sub(pattern, replacement, source)
    leftover = re.search(r"\basync (def|with|for)\b|\bawait\b|\bAsync[A-Z]\w*", source)
    if leftover is not None:
        msg = f"No substitution for {leftover.group()!r} in {SOURCE.name}"
        raise ValueError(msg)
    return HEADER + source


def formatted(code: str, path: Path) -> str:
    """`code` as `ruff format` writes it at `path` (the project's settings apply)."""
    result = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(path), "-"],
        input=code,
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return result.stdout


def main(argv: list[str] | None = None) -> None:
    """Write the sync client to TARGET, or to `--output`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=TARGET, help="where to write it")
    args = parser.parse_args(argv)
    code = formatted(blocking(SOURCE.read_text(encoding="utf-8")), TARGET)
    args.output.write_text(code, encoding="utf-8")


if __name__ == "__main__":
    main()
