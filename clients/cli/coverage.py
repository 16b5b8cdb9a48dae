"""`accord publish-test-results` and `accord coverage`: integration tests beyond the pacts.

`publish-test-results` sends JUnit XML reports of any runner (pytest, Jest, JUnit) of one kind
(api, event, data, e2e) for a pacticipant version; `coverage` prints the broker's coverage
report (the INTEGRATION-TEST.md markdown, or its JSON) and, with `--fail-under`, exits 1 when
the coverage of the target is below the percentage, as a CI gate.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from clients.cli import _files, connection, output
from clients.cli.outcome import Outcome
from clients.cli.output_flag import JSON, add_output_flag
from clients.sdk import BrokerClient
from clients.sdk._coverage import KINDS

FULL = 100


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add `publish-test-results` and `coverage` to the `accord` parser."""
    publish = commands.add_parser(
        "publish-test-results",
        parents=[common],
        help="publish JUnit XML reports of a version's api, event, data or e2e tests",
    )
    publish.add_argument("files", nargs="+", metavar="FILE", help="JUnit XML reports")
    publish.add_argument("-a", "--pacticipant", required=True, help="whose tests, e.g. Orders")
    publish.add_argument("-e", "--version", required=True, help="the pacticipant's version")
    publish.add_argument("--kind", required=True, choices=KINDS, help="what the tests test")
    publish.add_argument(
        "--systems", default="", help="the systems the tests involve, comma separated"
    )
    publish.add_argument("--branch", help="the version's branch")
    publish.set_defaults(handler=publish_test_results)

    # A private copy of the common flags: its `--output` is replaced (markdown too), and
    # resolving that conflict changes the parent's action, which other commands share.
    report = commands.add_parser(
        "coverage",
        parents=[connection.common_flags()],
        conflict_handler="resolve",
        help="print a pacticipant's integration points, their test coverage and the gaps",
    )
    report.add_argument("-a", "--pacticipant", required=True, help="the pacticipant, e.g. Orders")
    which = report.add_mutually_exclusive_group()
    which.add_argument("-e", "--version", help="the version reported on (default: the newest)")
    which.add_argument(
        "--environment",
        help="report the newest version against the one deployed here (brownfield targets)",
    )
    add_output_flag(
        report,
        markdown=True,
        help_text="table or markdown (the same: the INTEGRATION-TEST.md layout), or json",
    )
    report.add_argument(
        "--fail-under",
        type=percent,
        metavar="PERCENT",
        help="exit 1 when the coverage of the target is below PERCENT",
    )
    report.set_defaults(handler=coverage)

    policy = commands.add_parser(
        "set-coverage-policy",
        parents=[common],
        help="make can-i-deploy say no below a coverage percentage (admin)",
    )
    policy.add_argument("-a", "--pacticipant", required=True, help="the pacticipant, e.g. Orders")
    level = policy.add_mutually_exclusive_group(required=True)
    level.add_argument("--minimum", type=percent, help="the lowest percentage let through")
    level.add_argument("--off", action="store_true", help="remove the policy (the default)")
    policy.set_defaults(handler=set_coverage_policy)


def percent(text: str) -> float:
    """An argparse type: a percentage from 0 to 100."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= FULL:
        msg = f"must be a percentage from 0 to {FULL}, not {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _read(path: str) -> tuple[str, bytes]:
    content = _files.read_bounded(path, "test report", _files.MAX_TEST_REPORT_BYTES)
    return Path(path).name, content


def publish_test_results(broker: BrokerClient, args: argparse.Namespace) -> str:
    """One line per stored report; `--output json`: the broker's answer."""
    systems = [name.strip() for name in args.systems.split(",") if name.strip()]
    published = broker.publish_test_results(
        args.pacticipant,
        args.version,
        [_read(path) for path in args.files],
        kind=args.kind,
        systems=systems,
        branch=args.branch,
    )
    if args.output == "json":
        return output.as_json(published)
    lines = [
        f"Published {report.name} ({report.kind}): {report.tests} tests, "
        f"{report.failures} failed, {report.skipped} skipped"
        for report in published.reports
    ]
    return "\n".join([*lines, f"for {published.pacticipant} version {published.version}"])


def coverage(broker: BrokerClient, args: argparse.Namespace) -> Outcome:
    """The report; exit 1 under `--fail-under`, saying so on the last line."""
    found = broker.get_coverage(
        args.pacticipant, version=args.version, environment=args.environment
    )
    if args.output == JSON:
        text = output.as_json(found)
    else:
        text = broker.get_coverage_markdown(
            args.pacticipant, version=found.version, environment=args.environment
        ).rstrip("\n")
    if args.fail_under is not None and found.percentage < args.fail_under:
        note = (
            f"Coverage {found.percentage:g}% is below --fail-under {args.fail_under:g}%"
            f" ({found.covered} of {found.target} integration points in the target)"
        )
        return Outcome(text if args.output == JSON else f"{text}\n\n{note}", 1)
    return Outcome(text)


def set_coverage_policy(broker: BrokerClient, args: argparse.Namespace) -> str:
    """One sentence; `--output json`: the policy as the broker serves it."""
    minimum = None if args.off else round(args.minimum)
    saved = broker.set_coverage_policy(args.pacticipant, minimum)
    if args.output == JSON:
        return output.as_json(saved)
    if saved.minimum is None:
        return f"{saved.pacticipant} has no coverage policy: can-i-deploy does not ask."
    return (
        f"can-i-deploy now says no for a version of {saved.pacticipant} covering less than"
        f" {saved.minimum}% of its integration test target."
    )
