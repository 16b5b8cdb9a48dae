"""The `accord` command: `main()`, the command table and the exit codes.

Exit codes are the pact-broker CLI's, listed once here:

    EXIT_OK       0  the command did what it was asked
    EXIT_FAILURE  1  it did not; one sentence on stderr says why
    (argparse's own usage errors exit 2, as they do everywhere)

`accord broker ...` is not implemented here: it hands its arguments to `broker.__main__`,
which exists only when the `broker` extra is installed.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import logging
import sys
from collections.abc import Callable, Sequence
from typing import cast

import httpx

from clients.cli import (
    audit,
    connection,
    deployments,
    environments,
    governance,
    pacticipants,
    pacts,
    tokens,
    users,
    versions,
    webhook_deliveries,
)
from clients.cli import compare as compare_command
from clients.cli import coverage as coverage_commands
from clients.cli import diff_spec as diff_spec_command
from clients.cli import event_check as event_check_command
from clients.cli import fault_proxy as fault_proxy_command
from clients.cli import matrix as matrix_commands
from clients.cli import notifications as notification_commands
from clients.cli import probe as probe_command
from clients.cli import provider_contracts as provider_contract_commands
from clients.cli import validate_pact as validate_pact_command
from clients.cli import verify as verify_command
from clients.cli.errors import CommandError
from clients.cli.outcome import Outcome
from clients.sdk import BrokerClient, ClientError

EXIT_OK = 0
EXIT_FAILURE = 1

Handler = Callable[[BrokerClient, argparse.Namespace], "str | Outcome"]
LocalHandler = Callable[[argparse.Namespace], "str | Outcome"]

# What importing the broker needs beyond the base install: the `broker` extra.
_BROKER_MODULES = {"broker", "litestar", "uvicorn", "asyncpg"}
BROKER_NOT_INSTALLED = "The broker is not installed: pip install 'accord[broker]'"


def build_parser() -> argparse.ArgumentParser:
    """The `accord` parser with every command."""
    parser = argparse.ArgumentParser(
        prog="accord", description="Work with an Accord (or Pact) broker."
    )
    parser.add_argument("--version", action="version", version=f"accord {installed_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    common = connection.common_flags()
    for group in (
        environments,
        pacticipants,
        versions,
        deployments,
        pacts,
        matrix_commands,
        provider_contract_commands,
        verify_command,
        compare_command,
        validate_pact_command,
        diff_spec_command,
        fault_proxy_command,
        probe_command,
        event_check_command,
        audit,
        tokens,
        users,
        governance,
        notification_commands,
        coverage_commands,
        webhook_deliveries,
    ):
        group.register(commands, common)
    commands.add_parser(
        "broker",
        help="run the broker itself: accord broker serve | migrate | backup | clean",
        add_help=False,
    )
    return parser


def installed_version() -> str:
    """The version of the installed `accord` distribution (`unknown` when run from a bare tree)."""
    try:
        return importlib.metadata.version("accord")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def main(argv: Sequence[str] | None = None, *, transport: httpx.BaseTransport | None = None) -> int:
    """Run one `accord` command and return its exit code.

    Args:
        argv: the arguments after `accord`; `sys.argv[1:]` when None.
        transport: the httpx transport to reach the broker with (tests pass a MockTransport).
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["broker"]:
        return run_broker(arguments[1:])
    args = build_parser().parse_args(arguments)
    if getattr(args, "verbose", False):
        show_requests()
    try:
        if getattr(args, "local", False):
            result = cast("LocalHandler", args.handler)(args)
        else:
            with connection.connect(args, transport=transport) as broker:
                result = cast("Handler", args.handler)(broker, args)
    except (ClientError, CommandError) as error:
        return fail(str(error))
    except KeyboardInterrupt:
        return fail("Interrupted.")
    except Exception as error:
        logging.getLogger("clients.cli").debug("Unexpected error", exc_info=True)
        # Only the commands that talk to a broker take --verbose.
        hint = (
            " (run again with --verbose for the traceback)"
            if hasattr(args, "verbose") and not args.verbose
            else ""
        )
        return fail(f"Unexpected error: {type(error).__name__}: {error}{hint}.")
    outcome = result if isinstance(result, Outcome) else Outcome(result)
    if outcome.text:
        sys.stdout.write(outcome.text + "\n")
    return outcome.exit_code


def show_requests() -> None:
    """Print each request the SDK sends, and its status, on stderr (`--verbose`)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in ("clients.sdk", "clients.cli"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)


def run_broker(arguments: list[str]) -> int:
    """Hand `accord broker ...` to `broker.__main__.main`."""
    try:
        module = importlib.import_module("broker.__main__")
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] not in _BROKER_MODULES:
            raise
        return fail(BROKER_NOT_INSTALLED)
    broker_main = cast("Callable[[list[str]], int]", module.main)
    return broker_main(arguments)


def fail(sentence: str) -> int:
    """Print one sentence on stderr and return the failure exit code."""
    sys.stderr.write(sentence.rstrip() + "\n")
    return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
