"""The pact commands: publish and list-latest-pact-versions.

`accord publish` sends one `POST /contracts/publish` per consumer, as the Ruby pact-broker
CLI does, and prints the broker's notices, coloured by type on a terminal as both pact-broker
CLIs colour them. It stops at the first consumer the broker refuses.
"""

from __future__ import annotations

import argparse
import sys

from clients.cli import git, output, pact_files
from clients.cli.errors import CommandError
from clients.sdk import BrokerClient, BrokerError, PublishedContracts


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add the pact commands to the `accord` parser."""
    publish = commands.add_parser(
        "publish",
        parents=[common],
        help="publish pact files (files, folders of *.json, globs)",
    )
    publish.add_argument("paths", nargs="+", metavar="PATH")
    publish.add_argument(
        "-a",
        "--consumer-app-version",
        help="the consumer version (the git commit with --auto-detect-version-properties)",
    )
    publish.add_argument("--branch")
    publish.add_argument("-t", "--tag", action="append", default=[], help="repeatable")
    publish.add_argument("--build-url")
    publish.add_argument(
        "-r",
        "--auto-detect-version-properties",
        action="store_true",
        help="take the branch, version and build URL not given from CI variables or git",
    )
    publish.add_argument(
        "--merge",
        action="store_true",
        help="merge into a pact already published for this version instead of replacing it",
    )
    publish.set_defaults(handler=publish_pacts)

    listing = commands.add_parser(
        "list-latest-pact-versions",
        parents=[common],
        help="list the latest pact of every integration",
    )
    listing.set_defaults(handler=list_latest_pact_versions)


def publish_pacts(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord publish`."""
    groups = pact_files.by_consumer(pact_files.read(path) for path in pact_files.expand(args.paths))
    version, branch, build_url = _version_properties(args)
    tags: list[str] = args.tag
    published: list[PublishedContracts] = []
    for consumer, pacts in groups.items():
        try:
            published.append(
                broker.publish_contracts(
                    consumer,
                    version,
                    [pact.contract for pact in pacts],
                    branch=branch,
                    tags=tags,
                    build_url=build_url,
                    merge=args.merge,
                )
            )
        except BrokerError as error:
            if published:
                # What the broker already accepted stays accepted: say so before failing.
                sys.stdout.write(_render(published, args.output) + "\n")
            raise CommandError(_refusal(error)) from error
    return _render(published, args.output)


def _version_properties(args: argparse.Namespace) -> tuple[str, str | None, str | None]:
    """The version, branch and build URL: flags first, then CI variables and git if asked."""
    version: str | None = args.consumer_app_version
    branch: str | None = args.branch
    build_url: str | None = args.build_url
    if args.auto_detect_version_properties:
        branch = branch or git.current_branch()
        version = version or git.current_commit()
        build_url = build_url or git.build_url()
    if not version:
        msg = "Give --consumer-app-version, or --auto-detect-version-properties in a git checkout."
        raise CommandError(msg)
    return version, branch, build_url


def _render(published: list[PublishedContracts], style: str) -> str:
    if style == "json":
        return output.as_json(published)
    lines: list[str] = []
    colour = sys.stdout.isatty()
    for result in published:
        if result.notices:
            lines.extend(output.notice(notice, colour=colour) for notice in result.notices)
        else:
            lines.append("Successfully published pacts")
    return "\n".join(lines)


def _refusal(error: BrokerError) -> str:
    """The broker's reason as one sentence, then what else it said (a 409 sends the diff)."""
    said = [
        notice.text.rstrip()
        for notice in error.notices
        if notice.type not in {"error", "danger", "debug"} and notice.text.strip()
    ]
    return "\n".join([error.message, *said])


def list_latest_pact_versions(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord list-latest-pact-versions`."""
    listed = broker.list_latest_pact_versions()
    if args.output == "json":
        return output.as_json(listed)
    rows = []
    for pact in listed.pacts:
        consumer = pact.embedded.consumer
        version = consumer.embedded.version
        rows.append(
            [
                consumer.name,
                version.number if version else "",
                pact.embedded.provider.name,
                pact.created_at or "",
            ]
        )
    return output.table(["CONSUMER", "C.VERSION", "PROVIDER", "CREATED AT"], rows)
