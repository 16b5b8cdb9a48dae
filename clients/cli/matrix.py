"""The matrix commands: can-i-deploy, can-i-merge and describe-matrix.

can-i-deploy and can-i-merge exit 0 only when the broker says the versions are deployable;
"no" and "unknown" exit 1, and `--dry-run` exits 0 whatever the answer. As in the Ruby CLI,
`PACT_BROKER_CAN_I_DEPLOY_DRY_RUN=true` (`..._CAN_I_MERGE_...` for can-i-merge) is a dry run,
and `PACT_BROKER_CAN_I_DEPLOY_IGNORE=A,B` ignores those pacticipants. The flags, read in
order as the pact-broker CLI reads them, are in `clients.cli.matrix_flags`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable

from clients.cli import matrix_flags, matrix_output
from clients.cli.outcome import Outcome
from clients.sdk import BrokerClient, ClientError, Matrix, VersionSelector

# The exit codes of clients.cli.__main__ (EXIT_OK, EXIT_FAILURE), which imports this module.
_YES = 0
_NO = 1


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add can-i-deploy, can-i-merge and describe-matrix to the `accord` parser."""
    deploy = commands.add_parser(
        "can-i-deploy",
        parents=[common],
        help="ask whether versions may be deployed (exit 0 yes, 1 no or unknown)",
    )
    matrix_flags.selector_flags(deploy, ignore=True, ignore_variable=True)
    matrix_flags.target_flags(deploy)
    matrix_flags.verdict_flags(deploy)
    deploy.set_defaults(handler=can_i_deploy)

    merge = commands.add_parser(
        "can-i-merge",
        parents=[common],
        help="ask whether versions work with the main branch of everything they integrate with",
    )
    matrix_flags.selector_flags(merge, ignore=False)
    matrix_flags.verdict_flags(merge)
    merge.set_defaults(handler=can_i_merge)

    describe = commands.add_parser(
        "describe-matrix",
        parents=[common],
        help="show the pacts between versions, their verification results and the summary",
    )
    matrix_flags.selector_flags(describe, ignore=True)
    matrix_flags.target_flags(describe)
    describe.set_defaults(handler=describe_matrix)


def can_i_deploy(broker: BrokerClient, args: argparse.Namespace) -> Outcome:
    """`accord can-i-deploy`."""
    chosen, ignored = matrix_flags.selectors_from(args.selector_words)
    names = os.environ.get(matrix_flags.IGNORE_VARIABLE, "").split(",")
    ignored.extend(VersionSelector(name.strip()) for name in names if name.strip())
    return verdict(
        lambda: broker.can_i_deploy(
            chosen,
            to_environment=args.to_environment,
            to=args.to,
            ignore=ignored,
            limit=args.limit,
        ),
        args,
        dry_run=args.dry_run or _dry_run_variable("can-i-deploy"),
    )


def can_i_merge(broker: BrokerClient, args: argparse.Namespace) -> Outcome:
    """`accord can-i-merge`: the matrix against the head of every main branch."""
    chosen, _ = matrix_flags.selectors_from(args.selector_words)
    return verdict(
        lambda: broker.can_i_merge(chosen),
        args,
        dry_run=args.dry_run or _dry_run_variable("can-i-merge"),
    )


def describe_matrix(broker: BrokerClient, args: argparse.Namespace) -> Outcome:
    """`accord describe-matrix`: the rows and the summary; exits 0 only when the answer is yes.

    As can-i-deploy, "no" and "unknown" exit 1, so a script can read the answer from the code.
    """
    chosen, ignored = matrix_flags.selectors_from(args.selector_words)
    matrix = broker.get_matrix(
        chosen, to_environment=args.to_environment, to=args.to, ignore=ignored, limit=args.limit
    )
    if args.output == "json":
        text = matrix_output.as_json(matrix)
    else:
        text = matrix_output.describe(matrix)
    return Outcome(text, _YES if matrix.summary.deployable is True else _NO)


def _dry_run_variable(command: str) -> bool:
    return os.environ.get(matrix_flags.DRY_RUN_VARIABLES[command], "").lower() == "true"


def verdict(ask: Callable[[], Matrix], args: argparse.Namespace, *, dry_run: bool) -> Outcome:
    """Ask (again while unknown, if asked to), print the answer, and exit 0 only on yes.

    In a dry run a broker error is reported too, but the exit code is 0 all the same.
    """
    try:
        matrix = poll(ask, args.retry_while_unknown, args.retry_interval)
    except ClientError as error:
        if not dry_run:
            raise
        return Outcome(matrix_output.dry_run(str(error)), _YES)
    if args.output == "json":
        text = matrix_output.as_json(matrix)
    else:
        text = matrix_output.verdict(matrix, dry_run=dry_run, colour=sys.stdout.isatty())
    return Outcome(text, _YES if dry_run or matrix.summary.deployable is True else _NO)


def poll(ask: Callable[[], Matrix], times: int, interval: float) -> Matrix:
    """Ask once, then up to `times` more times, `interval` seconds apart, while unknown.

    Each wait is announced on stderr (stdout keeps only the answer, which may be JSON).
    """
    matrix = ask()
    for attempt in range(1, times + 1):
        if not matrix.is_unknown:
            break
        sys.stderr.write(
            f"Waiting {interval:g} s for {_missing(matrix)} (retry {attempt} of {times})...\n"
        )
        sys.stderr.flush()
        time.sleep(interval)
        matrix = ask()
    return matrix


def _missing(matrix: Matrix) -> str:
    """`2 missing verification results`, or without a number when the broker gives none."""
    missing = matrix.summary.unknown
    what = "missing verification result"
    if missing is None:
        return f"{what}s"
    return f"{missing} {what}{'s' if missing != 1 else ''}"
