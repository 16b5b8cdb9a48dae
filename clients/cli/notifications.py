"""`accord list-notifications`: what the providers' contract changes mean to a consumer."""

from __future__ import annotations

import argparse

from clients.cli import output
from clients.sdk import BrokerClient


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add `list-notifications` to the `accord` parser."""
    listing = commands.add_parser(
        "list-notifications",
        parents=[common],
        help="list what changes of its providers' contracts a consumer was told of, newest first",
    )
    listing.add_argument("--pacticipant", required=True, help="the consumer, e.g. Web")
    listing.set_defaults(handler=list_notifications)


def list_notifications(broker: BrokerClient, args: argparse.Namespace) -> str:
    """One row per notification; `--output json`: the notifications as the broker serves them."""
    found = broker.list_notifications(args.pacticipant)
    if args.output == "json":
        return output.as_json(found)
    return output.table(
        ["WHEN", "PROVIDER", "PROVIDER VERSION", "AFFECTED INTERACTIONS", "SUMMARY"],
        [
            [
                n.created_at,
                n.provider,
                n.provider_version,
                str(len(n.affected_interactions)),
                n.summary,
            ]
            for n in found
        ],
    )
