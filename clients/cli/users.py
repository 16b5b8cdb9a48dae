"""The user and team commands (admin; a user may change its own password).

create-user, list-users, disable-user, enable-user, delete-user, change-password, list-teams.

A new password is never a flag's value, which `ps` and shell history would show: it is read
from `--password-file FILE` (`-` for stdin), from standard input when that is not a terminal
(`echo "$PASS" | accord create-user ...`), or else asked for twice at a prompt.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import TextIO

from clients.cli import _files, output
from clients.cli.errors import CommandError
from clients.sdk import BrokerClient, User

ROLES = ("read", "write", "approver", "admin")
STDIN = "-"  # `--password-file -`


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add the user and team commands to the `accord` parser."""
    create = commands.add_parser(
        "create-user", parents=[common], help="create a basic-auth user (admin)"
    )
    create.add_argument("username", help="the name it logs in with")
    create.add_argument("--role", required=True, choices=ROLES, help="its role")
    create.add_argument(
        "--team", action="append", default=[], help="a team it belongs to (repeatable)"
    )
    _password_flag(create)
    create.set_defaults(handler=create_user)

    listing = commands.add_parser("list-users", parents=[common], help="list users (admin)")
    listing.set_defaults(handler=list_users)

    for name, handler, what in (
        ("disable-user", disable_user, "refuse a user's credentials until enabled (admin)"),
        ("enable-user", enable_user, "accept a disabled user's credentials again (admin)"),
        ("delete-user", delete_user, "delete a user; its audit history stays (admin)"),
    ):
        command = commands.add_parser(name, parents=[common], help=what)
        command.add_argument("username", help="the user's name (see list-users)")
        command.set_defaults(handler=handler)

    change = commands.add_parser(
        "change-password",
        parents=[common],
        help="set a user's password (admin; or your own, logged in with --broker-username)",
    )
    change.add_argument("username", nargs="?", help="whose password (default: --broker-username's)")
    _password_flag(change)
    change.set_defaults(handler=change_password)

    teams = commands.add_parser(
        "list-teams", parents=[common], help="list teams and what they own (admin)"
    )
    teams.set_defaults(handler=list_teams)


class RefusePasswordValue(argparse.Action):
    """`--password VALUE` is refused without echoing VALUE (argparse would print it)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        """Exit 2 with usage and a sentence that does not repeat the value."""
        parser.error(
            "a password is not taken from a flag's value, which ps and shell history show:"
            " pipe it on stdin, pass --password-file FILE, or type it at the prompt"
        )


def _password_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--password", nargs="?", action=RefusePasswordValue, help=argparse.SUPPRESS)
    parser.add_argument(
        "--password-file",
        metavar="FILE",
        help="read the new password from FILE's first line ('-': stdin); without it, stdin"
        " when piped, else a prompt",
    )


def new_password(
    password_file: str | None, *, stdin: TextIO | None = None, ask: bool | None = None
) -> str:
    """The new password from a file, piped stdin or a prompt (typed twice); never a flag.

    Raises:
        CommandError: the file cannot be read, nothing was given, or the two entries differ.
    """
    source = sys.stdin if stdin is None else stdin
    from_stdin = password_file == STDIN
    if password_file is not None and not from_stdin:
        content = _files.read_secret(password_file, "password file")
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            msg = f"The password file {password_file} is not UTF-8 text."
            raise CommandError(msg) from None
        password = text.splitlines()[0] if text else ""
    elif from_stdin or not (source.isatty() if ask is None else ask):
        # A bound, as for a file: `< /dev/zero` would otherwise never end a line.
        line = source.readline(_files.MAX_SECRET_BYTES + 1)
        if len(line) > _files.MAX_SECRET_BYTES:
            msg = f"The password on stdin is longer than {_files.MAX_SECRET_BYTES:,} characters."
            raise CommandError(msg)
        password = line.rstrip("\r\n")
    else:
        password = getpass.getpass("New password: ")
        if getpass.getpass("Again: ") != password:
            msg = "The two passwords differ."
            raise CommandError(msg)
    if not password:
        msg = "No password given: pipe it on stdin, pass --password-file, or type it at the prompt."
        raise CommandError(msg)
    return password


def _details(user: User) -> str:
    return output.details(
        [
            ("Username", user.username),
            ("Role", user.role),
            ("Teams", ", ".join(user.teams)),
            ("Disabled", output.yes_no(user.disabled)),
            ("Created", user.created_at),
            ("Updated", user.updated_at),
        ]
    )


def create_user(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord create-user NAME --role ROLE [--team T]...`."""
    password = new_password(args.password_file)
    created = broker.create_user(args.username, password=password, role=args.role, teams=args.team)
    if args.output == "json":
        return output.as_json(created)
    return _details(created)


def list_users(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord list-users`: never a password, which the broker keeps only as a hash."""
    found = broker.list_users()
    if args.output == "json":
        return output.as_json(found)
    return output.table(
        ["USERNAME", "ROLE", "TEAMS", "DISABLED", "CREATED"],
        [
            [u.username, u.role, ", ".join(u.teams), output.yes_no(u.disabled), u.created_at or ""]
            for u in found
        ],
    )


def disable_user(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord disable-user NAME`."""
    changed = broker.disable_user(args.username)
    if args.output == "json":
        return output.as_json(changed)
    return f"Disabled user {changed.username}: the broker refuses its credentials."


def enable_user(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord enable-user NAME`."""
    changed = broker.enable_user(args.username)
    if args.output == "json":
        return output.as_json(changed)
    return f"Enabled user {changed.username}."


def delete_user(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord delete-user NAME`."""
    broker.delete_user(args.username)
    if args.output == "json":
        return output.as_json({"username": args.username, "deleted": True})
    return f"Deleted user {args.username}."


def change_password(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord change-password [NAME]`: yours by default (the --broker-username you log in as)."""
    username = args.username or broker_username(args)
    if not username:
        msg = "Name the user whose password to change, or log in with --broker-username."
        raise CommandError(msg)
    changed = broker.change_password(username, new_password(args.password_file))
    if args.output == "json":
        return output.as_json(changed)
    return f"Changed the password of {changed.username}."


def broker_username(args: argparse.Namespace) -> str | None:
    """The username the command logs in with (flag, then `PACT_BROKER_USERNAME`)."""
    found: str | None = args.broker_username or os.environ.get("PACT_BROKER_USERNAME")
    return found


def list_teams(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord list-teams`."""
    found = broker.list_teams()
    if args.output == "json":
        return output.as_json(found)
    return output.table(
        ["NAME", "PACTICIPANTS"], [[t.name, ", ".join(t.pacticipants)] for t in found]
    )
