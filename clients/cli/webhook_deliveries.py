"""`accord webhook-deliveries` and `accord redrive-delivery`: the admin's view of webhook calls.

A delivery whose retries ran out is dead; listing them (`--status dead`) shows what receivers
never got, and `redrive-delivery UUID` makes one due again, from its first attempt.
"""

from __future__ import annotations

import argparse

from clients.cli import output
from clients.sdk import BrokerClient

STATUSES = ("dead", "pending", "running", "succeeded")


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add `webhook-deliveries` and `redrive-delivery` to the `accord` parser."""
    listing = commands.add_parser(
        "webhook-deliveries",
        parents=[common],
        help="list webhook deliveries, newest first (admin)",
    )
    listing.add_argument("--status", choices=STATUSES, help="only deliveries with this status")
    listing.add_argument(
        "--limit", type=int, default=100, help="at most this many (1 to 1000; default 100)"
    )
    listing.set_defaults(handler=list_deliveries)
    redrive = commands.add_parser(
        "redrive-delivery",
        parents=[common],
        help="deliver a dead webhook delivery again, from its first attempt (admin)",
    )
    redrive.add_argument("uuid", help="the delivery's uuid (its X-Accord-Delivery header)")
    redrive.set_defaults(handler=redrive_delivery)


def list_deliveries(broker: BrokerClient, args: argparse.Namespace) -> str:
    """One row per delivery; `--output json`: the deliveries as the broker serves them."""
    found = broker.list_webhook_deliveries(status=args.status, limit=args.limit)
    if args.output == "json":
        return output.as_json(found)
    return output.table(
        ["UUID", "STATUS", "EVENT", "ATTEMPTS", "TRIGGERED", "WEBHOOK"],
        [
            [d.uuid, d.status, d.event_name, str(d.attempts_made), d.triggered_at, d.name]
            for d in found
        ],
    )


def redrive_delivery(broker: BrokerClient, args: argparse.Namespace) -> str:
    """Say that the delivery is due again."""
    delivery = broker.redrive_delivery(args.uuid)
    if args.output == "json":
        return output.as_json(delivery)
    return f"Delivery {delivery.uuid} ({delivery.event_name}) is {delivery.status} again: due now."
