"""`accord verify-audit-log`: fetch the whole audit log and recompute its hash chain."""

from __future__ import annotations

import argparse

import msgspec

from clients.cli.outcome import Outcome
from clients.sdk import BrokerClient
from clients.sdk.audit import first_break

EXIT_BROKEN = 1


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add `verify-audit-log` to the `accord` parser."""
    verify = commands.add_parser(
        "verify-audit-log",
        parents=[common],
        help="recompute the audit log's hash chain; exit 1 naming the first broken entry",
    )
    verify.set_defaults(handler=verify_audit_log)


def verify_audit_log(broker: BrokerClient, args: argparse.Namespace) -> Outcome:
    """`accord verify-audit-log`: exit 0 with the count when intact, 1 naming the break."""
    entries = broker.audit_entries()
    broken = first_break(entries)
    if args.output == "json":
        verdict = {
            "intact": broken is None,
            "entries": len(entries),
            "firstBrokenEntry": None if broken is None else broken.entry.seq,
            "reason": None if broken is None else broken.reason,
        }
        return Outcome(msgspec.json.encode(verdict).decode(), 0 if broken is None else EXIT_BROKEN)
    if broken is None:
        return Outcome(f"The audit log is intact: {len(entries)} entries.")
    entry = broken.entry
    return Outcome(
        f"The audit log is broken at entry {entry.seq} ({entry.action} of {entry.subject}"
        f" by {entry.actor} at {entry.at}): {broken.reason}.",
        EXIT_BROKEN,
    )
