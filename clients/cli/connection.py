"""The flags every command takes to reach the broker, and the client built from them.

Names and environment variables are the pact-broker CLI's, so existing CI settings work.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping

import httpx

from clients.cli.errors import CommandError
from clients.cli.output_flag import add_output_flag
from clients.sdk import BrokerClient


def common_flags() -> argparse.ArgumentParser:
    """A parent parser holding the connection and output flags of every command."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("broker")
    group.add_argument(
        "-b", "--broker-base-url", help="the broker's base URL (env PACT_BROKER_BASE_URL)"
    )
    group.add_argument("-k", "--broker-token", help="a bearer token (env PACT_BROKER_TOKEN)")
    group.add_argument(
        "-u", "--broker-username", help="basic auth username (env PACT_BROKER_USERNAME)"
    )
    group.add_argument(
        "-p", "--broker-password", help="basic auth password (env PACT_BROKER_PASSWORD)"
    )
    add_output_flag(group, help_text="table (default) or json, the broker's resource")
    group.add_argument(
        "--verbose", action="store_true", help="show each request sent to the broker"
    )
    return parent


def connect(
    args: argparse.Namespace,
    *,
    environ: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> BrokerClient:
    """Build a client from the flags, falling back to the `PACT_BROKER_*` variables.

    As in the Ruby pact-broker CLI, a token and a username given together as flags are refused;
    from the environment, the token wins.

    Raises:
        CommandError: no base URL, or both a token and a username were given as flags.
    """
    env = os.environ if environ is None else environ
    base_url: str | None = args.broker_base_url or env.get("PACT_BROKER_BASE_URL")
    if not base_url:
        msg = "No broker base URL: pass --broker-base-url or set PACT_BROKER_BASE_URL."
        raise CommandError(msg)
    if args.broker_token and args.broker_username:
        msg = "Give either --broker-token or --broker-username and --broker-password, not both."
        raise CommandError(msg)
    token: str | None = args.broker_token or env.get("PACT_BROKER_TOKEN") or None
    username: str | None = args.broker_username or env.get("PACT_BROKER_USERNAME") or None
    password: str | None = args.broker_password or env.get("PACT_BROKER_PASSWORD") or None
    return BrokerClient(
        base_url, token=token, username=username, password=password, transport=transport
    )
