"""The version commands: create-or-update-version, describe-version and create-version-tag."""

from __future__ import annotations

import argparse

from clients.cli import git, output
from clients.cli.errors import CommandError
from clients.sdk import BrokerClient, Tag, Version


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add the version commands to the `accord` parser."""
    upsert = commands.add_parser(
        "create-or-update-version",
        parents=[common],
        help="create a version, add it to a branch and tag it",
    )
    _pacticipant_version_flags(upsert)
    upsert.add_argument("--branch")
    upsert.add_argument("-t", "--tag", action="append", default=[], help="repeatable")
    upsert.add_argument("--build-url")
    upsert.set_defaults(handler=create_or_update_version)

    describe = commands.add_parser(
        "describe-version", parents=[common], help="show a version (the latest by default)"
    )
    describe.add_argument("-a", "--pacticipant", required=True)
    which = describe.add_mutually_exclusive_group()
    which.add_argument("-e", "--version")
    which.add_argument(
        "-l",
        "--latest",
        nargs="?",
        const="",
        metavar="TAG",
        help="the latest version, or the latest with TAG",
    )
    describe.set_defaults(handler=describe_version)

    tag = commands.add_parser("create-version-tag", parents=[common], help="tag a version")
    _pacticipant_version_flags(tag)
    tag.add_argument("-t", "--tag", action="append", default=[], help="repeatable")
    tag.add_argument(
        "--auto-create-version",
        action="store_true",
        help="create the version if it does not exist",
    )
    tag.add_argument(
        "-g",
        "--tag-with-git-branch",
        action="store_true",
        help="also tag with the current git branch",
    )
    tag.set_defaults(handler=create_version_tag)


def _pacticipant_version_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-a", "--pacticipant", required=True)
    parser.add_argument("-e", "--version", required=True)


def create_or_update_version(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord create-or-update-version`."""
    tags: list[str] = args.tag
    saved = broker.create_or_update_version(
        args.pacticipant, args.version, branch=args.branch, tags=tags, build_url=args.build_url
    )
    if args.output == "json":
        return output.as_json(saved.resource)
    verb = "Created" if saved.created else "Updated"
    extras = []
    if args.branch:
        extras.append(f"branch {args.branch}")
    if tags:
        extras.append(f"tag(s) {', '.join(tags)}")
    with_extras = f" with {' and '.join(extras)}" if extras else ""
    return f"{verb} {args.pacticipant} version {saved.resource.number}{with_extras} in the broker"


def describe_version(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord describe-version`."""
    if args.version is not None:
        version = broker.get_version(args.pacticipant, args.version)
    else:
        latest: str | None = args.latest
        version = broker.get_latest_version(args.pacticipant, latest or None)
    if args.output == "json":
        return output.as_json(version)
    return render_version(args.pacticipant, version)


def render_version(pacticipant: str, version: Version) -> str:
    """The table form of describe-version."""
    branches = [
        f"{branch.name} (latest)" if branch.latest else branch.name
        for branch in version.embedded.branch_versions
    ]
    return output.details(
        [
            ("Pacticipant", pacticipant),
            ("Version", version.number),
            ("Branches", ", ".join(branches) or "none"),
            ("Tags", ", ".join(tag.name for tag in version.embedded.tags) or "none"),
            ("Build URL", version.build_url),
            ("Created at", version.created_at),
        ]
    )


def create_version_tag(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord create-version-tag`."""
    names: list[str] = list(args.tag)
    if args.tag_with_git_branch:
        names.append(git.current_branch())
    if not names:
        msg = "Give at least one --tag, or --tag-with-git-branch."
        raise CommandError(msg)
    tags: list[Tag] = broker.create_version_tag(
        args.pacticipant, args.version, names, auto_create_version=args.auto_create_version
    )
    if args.output == "json":
        return output.as_json(tags)
    return f"Tagged {args.pacticipant} version {args.version} with {', '.join(names)}"
