"""`accord verify-audit-log`: fetch the whole audit log and recompute its hash chain.

It prints the log's head (`head: SEQ:HASH`); keep it somewhere the database's writers cannot
reach and pass it back with `--expect-head`, so deleting the newest entries is caught too. With
the broker's audit key (`ACCORD_AUDIT_KEY` in the environment, or `--audit-key-file`), every
entry's MAC is checked as well, so a chain recomputed without the key is caught.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

import msgspec

from clients.cli._files import read_secret
from clients.cli.errors import CommandError
from clients.cli.outcome import Outcome
from clients.sdk import AuditEntry, BrokerClient
from clients.sdk._audit import ChainBreak, first_break, head

EXIT_BROKEN = 1
_HEAD = re.compile(r"(?P<seq>[0-9]{1,18}):(?P<hash>[0-9a-f]{64})")


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
    verify.add_argument(
        "--expect-head",
        metavar="SEQ:HASH",
        type=_expected_head,
        help="a head printed earlier: fail if the log no longer holds that entry with that hash",
    )
    verify.add_argument(
        "--audit-key-file",
        metavar="FILE",
        type=Path,
        help="the broker's ACCORD_AUDIT_KEY, read from a file (default: $ACCORD_AUDIT_KEY)",
    )
    verify.set_defaults(handler=verify_audit_log)


def _expected_head(text: str) -> tuple[int, str]:
    match = _HEAD.fullmatch(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a head: expected SEQ:HASH, a number and 64 hex digits"
        )
    return int(match["seq"]), match["hash"]


def _audit_key(args: argparse.Namespace) -> bytes | None:
    path: Path | None = args.audit_key_file
    if path is not None:
        content = read_secret(path, "audit key file")
        try:
            return content.decode("utf-8").strip().encode()
        except UnicodeDecodeError:
            raise CommandError(f"The audit key file {path} is not UTF-8 text.") from None
    key = os.environ.get("ACCORD_AUDIT_KEY")
    return key.encode() if key else None


def _head_break(entries: list[AuditEntry], expected: tuple[int, str]) -> str | None:
    """Why the log does not hold the expected head; None if it does."""
    seq, hash_ = expected
    if seq == 0:
        return None
    if len(entries) < seq:
        return f"the log ends at entry {len(entries)}, before the expected head {seq}"
    if entries[seq - 1].entry_hash != hash_:
        return f"entry {seq} has hash {entries[seq - 1].entry_hash}, not the expected {hash_}"
    return None


def verify_audit_log(broker: BrokerClient, args: argparse.Namespace) -> Outcome:
    """`accord verify-audit-log`: exit 0 with the count and head when intact, 1 naming the break."""
    key = _audit_key(args)  # a key file that cannot be read stops the command before any request
    entries = broker.audit_entries()
    broken: ChainBreak | None = first_break(entries, key)
    head_problem = None
    if broken is None and args.expect_head is not None:
        head_problem = _head_break(entries, args.expect_head)
    intact = broken is None and head_problem is None
    code = 0 if intact else EXIT_BROKEN
    if args.output == "json":
        verdict = {
            "intact": intact,
            "entries": len(entries),
            "head": head(entries),
            "macsChecked": key is not None,
            "firstBrokenEntry": None if broken is None else broken.entry.seq,
            "reason": broken.reason if broken is not None else head_problem,
        }
        return Outcome(msgspec.json.encode(verdict).decode(), code)
    if broken is not None:
        entry = broken.entry
        return Outcome(
            f"The audit log is broken at entry {entry.seq} ({entry.action} of {entry.subject}"
            f" by {entry.actor} at {entry.at}): {broken.reason}.",
            EXIT_BROKEN,
        )
    if head_problem is not None:
        problem = f"The audit log does not hold the expected head: {head_problem}."
        return Outcome(f"{problem}\nhead: {head(entries)}", EXIT_BROKEN)
    checked = ", MACs checked" if key is not None else ""
    return Outcome(
        f"The audit log is intact: {len(entries)} entries{checked}.\nhead: {head(entries)}"
    )
