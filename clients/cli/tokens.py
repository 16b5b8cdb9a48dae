"""The token commands (admin role): create-token, list-tokens, revoke-token."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta

from clients.cli import output
from clients.sdk import BrokerClient

_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_DURATION = re.compile(r"^(\d+)\s*([mhdw])$")


def duration(text: str) -> timedelta:
    """`--expires-in`: a whole number of minutes, hours, days or weeks (`90m`, `12h`, `30d`)."""
    found = _DURATION.match(text.strip().lower())
    if found is None or int(found[1]) == 0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a duration: give a positive number and a unit, as 90m, 12h, 30d or 2w"
        )
    return timedelta(**{_UNITS[found[2]]: int(found[1])})


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add the token commands to the `accord` parser."""
    create = commands.add_parser(
        "create-token", parents=[common], help="create a bearer token and print its secret once"
    )
    create.add_argument(
        "--name", help="what the token is for, e.g. ci-orders (default: its role and teams)"
    )
    create.add_argument(
        "--role", required=True, choices=["read", "write", "approver", "admin"], help="its role"
    )
    create.add_argument(
        "--team", action="append", default=[], help="a team it belongs to (repeatable)"
    )
    create.add_argument(
        "--user",
        help="the user it acts for: governance counts the user and its tokens as one person",
    )
    expiry = create.add_mutually_exclusive_group()
    expiry.add_argument("--expires-at", help="ISO 8601 time with offset, e.g. 2026-12-31T00:00Z")
    expiry.add_argument(
        "--expires-in", type=duration, help="how long it lasts from now: 90m, 12h, 30d or 2w"
    )
    create.set_defaults(handler=create_token)

    listing = commands.add_parser("list-tokens", parents=[common], help="list bearer tokens")
    listing.set_defaults(handler=list_tokens)

    revoke = commands.add_parser("revoke-token", parents=[common], help="revoke a bearer token")
    revoke.add_argument("id", type=int, help="the token's id (see list-tokens)")
    revoke.set_defaults(handler=revoke_token)


def create_token(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord create-token`: the secret is printed here and never again."""
    expires_at = args.expires_at
    if args.expires_in is not None:
        expires_at = (datetime.now(UTC) + args.expires_in).isoformat(timespec="seconds")
    name = args.name or "-".join([args.role, *args.team])
    created = broker.create_token(
        name, role=args.role, teams=args.team, expires_at=expires_at, user=args.user
    )
    if args.output == "json":
        return output.as_json(created)
    return output.details(
        [
            ("Token", created.token),
            ("Id", str(created.id)),
            ("Name", created.name),
            ("Role", created.role),
            ("Teams", ", ".join(created.teams)),
            ("User", created.user),
            ("Expires", created.expires_at or "never"),
        ]
    ) + ("\nKeep the token now: the broker does not show it again.")


def list_tokens(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord list-tokens`: never the secrets, which the broker does not keep."""
    tokens = broker.list_tokens()
    if args.output == "json":
        return output.as_json(tokens)
    return output.table(
        ["ID", "NAME", "ROLE", "TEAMS", "EXPIRES", "REVOKED"],
        [
            [str(t.id), t.name, t.role, ", ".join(t.teams), t.expires_at or "", t.revoked_at or ""]
            for t in tokens
        ],
    )


def revoke_token(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord revoke-token ID`; with `--output json`, the token as it now stands."""
    broker.revoke_token(args.id)
    if args.output == "json":
        return output.as_json(next(t for t in broker.list_tokens() if t.id == args.id))
    return f"Revoked token {args.id}."
