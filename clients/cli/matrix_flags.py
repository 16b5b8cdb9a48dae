"""The flags of the matrix commands, read in order as the pact-broker CLI reads them.

`--version`, `--latest [TAG]`, `--branch` and `--main-branch` belong to the `--pacticipant` (or
`--ignore`) before them, so `--pacticipant A --version 1 --pacticipant B --latest main` names
two versions; argparse keeps each in `selector_words` and `selectors_from` reads them.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import msgspec

from clients.cli.errors import CommandError
from clients.sdk import VersionSelector

# The environment variables the Ruby pact-broker CLI reads for --dry-run.
DRY_RUN_VARIABLES = {
    "can-i-deploy": "PACT_BROKER_CAN_I_DEPLOY_DRY_RUN",
    "can-i-merge": "PACT_BROKER_CAN_I_MERGE_DRY_RUN",
}
# Pacticipants can-i-deploy ignores besides --ignore: names separated by commas (both CLIs).
IGNORE_VARIABLE = "PACT_BROKER_CAN_I_DEPLOY_IGNORE"

Words = list[tuple[str, str]]


class InOrder(argparse.Action):
    """Record each selector flag with its value in `selector_words`, in command-line order."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[object] | None,
        option_string: str | None = None,
    ) -> None:
        """Append `(flag, value)`; flags without a value (`--main-branch`) get ""."""
        words: Words = list(getattr(namespace, "selector_words", None) or [])
        words.append((self.dest, values if isinstance(values, str) else ""))
        namespace.selector_words = words


def selector_flags(
    parser: argparse.ArgumentParser, *, ignore: bool, ignore_variable: bool = False
) -> None:
    """Add the ordered version flags, and `--ignore` when `ignore`."""
    parser.set_defaults(selector_words=[])
    group = parser.add_argument_group("versions (each flag applies to the --pacticipant before it)")
    group.add_argument("-a", "--pacticipant", action=InOrder, help="repeatable")
    group.add_argument("-e", "--version", action=InOrder, help="the pacticipant's version")
    group.add_argument(
        "-l", "--latest", action=InOrder, nargs="?", const="", metavar="TAG",
        help="its latest version, or its latest version with TAG",
    )  # fmt: skip
    group.add_argument("--branch", action=InOrder, help="the head of its branch BRANCH")
    group.add_argument("--main-branch", action=InOrder, nargs=0, help="the head of its main branch")
    if ignore:
        group.add_argument(
            "--ignore", action=InOrder, metavar="PACTICIPANT",
            help="leave its results out (a --version after it ignores only that version)"
            + (f"; also {IGNORE_VARIABLE}=A,B" if ignore_variable else ""),
        )  # fmt: skip


def target_flags(parser: argparse.ArgumentParser) -> None:
    """Add `--to-environment` or `--to`, and `--limit`."""
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--to-environment", metavar="ENVIRONMENT", help="where it would go")
    target.add_argument("--to", metavar="TAG", help="against the latest versions with TAG")
    parser.add_argument("--limit", type=count, help="the most rows the broker returns")


def verdict_flags(parser: argparse.ArgumentParser) -> None:
    """Add the flags of a yes-or-no command: polling and dry run."""
    parser.add_argument(
        "--retry-while-unknown", type=count, default=0, metavar="TIMES",
        help="ask again up to TIMES times while a verification result is missing",
    )  # fmt: skip
    parser.add_argument(
        "--retry-interval", type=seconds, default=10.0, metavar="SECONDS",
        help="seconds between retries (default 10)",
    )  # fmt: skip
    parser.add_argument(
        "--dry-run", action="store_true",
        help="show the answer but exit 0 (also PACT_BROKER_CAN_I_DEPLOY_DRY_RUN=true)",
    )  # fmt: skip


def count(text: str) -> int:
    """An argparse type: a whole number, 0 or more."""
    if not text.isdigit():
        msg = f"expected a whole number, not {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return int(text)


def seconds(text: str) -> float:
    """An argparse type: a number of seconds, 0 or more."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also refuses nan
        msg = f"expected a number of seconds, not {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return seconds


def selectors_from(words: Words) -> tuple[list[VersionSelector], list[VersionSelector]]:
    """The version selectors and the ignore selectors the ordered flags name.

    Raises:
        CommandError: no --pacticipant, a flag before any, or a pacticipant without a version.
    """
    chosen: list[dict[str, str | bool]] = []
    ignored: list[dict[str, str | bool]] = []
    current: dict[str, str | bool] | None = None
    for flag, value in words:
        if flag in {"pacticipant", "ignore"}:
            current = {"pacticipant": value}
            (chosen if flag == "pacticipant" else ignored).append(current)
            continue
        option = "--" + flag.replace("_", "-")
        if current is None:
            msg = f"Give --pacticipant before {option}."
            raise CommandError(msg)
        if current in ignored and flag != "version":
            msg = f"Only --version may follow --ignore {current['pacticipant']}, not {option}."
            raise CommandError(msg)
        if flag == "version":
            current["version"] = value
        elif flag == "latest":
            current.update({"latest": True, **({"tag": value} if value else {})})
        elif flag == "branch":
            current.update({"branch": value, "latest": True})
        else:
            current.update({"main_branch": True, "latest": True})
    if not chosen:
        msg = "Give at least one --pacticipant."
        raise CommandError(msg)
    for selector in chosen:
        if len(selector) == 1:
            msg = (
                f"Give --version, --latest, --branch or --main-branch after "
                f"--pacticipant {selector['pacticipant']}."
            )
            raise CommandError(msg)
    return (
        [msgspec.convert(selector, VersionSelector) for selector in chosen],
        [msgspec.convert(selector, VersionSelector) for selector in ignored],
    )
