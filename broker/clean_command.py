"""`accord broker clean`: the retention policy from flags, a run on the database, its report.

    accord broker clean [--keep-latest-per-branch N] [--keep-newer-than DATE|AGE]
                        [--keep-webhook-history AGE|never] [--batch-size N] [--dry-run]
                        [--output text|json]

Like `migrate` and `backup`, it works on the database directly (`ACCORD_DATABASE_URL`), beside
running brokers. What is always kept, and why, is in `broker/domain/retention.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from typing import NoReturn

import msgspec

from broker.domain.errors import DomainError, FieldError, InvalidInputError
from broker.domain.retention import Policy, parse_moment
from broker.services.actor import Actor, current_actor
from broker.services.audit import audit_key
from broker.services.clock import Clock, system_clock
from broker.services.retention import BATCH_SIZE, CleanReport, RetentionService
from broker.settings import Settings

ACTOR = Actor(name="cli:broker-clean")
# A batch's statements name each id up to nine times: both databases take at most 32,766
# parameters in one statement.
MAX_BATCH = 3000


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `clean` subcommand and its flags."""
    clean = commands.add_parser(
        "clean",
        help="delete old versions and what only they hold (never what is deployed, released, "
        "named by an open change request, or needed by can-i-deploy)",
    )
    _add_flags(clean)


class _OptionsError(Exception):
    """A flag of `ACCORD_CLEAN_OPTIONS` argparse refused."""


class _OptionsParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _OptionsError(message)


def parse_options(options: Sequence[str]) -> argparse.Namespace:
    """`ACCORD_CLEAN_OPTIONS` read as the command's flags; `ValueError` says what is wrong."""
    parser = _OptionsParser(prog="ACCORD_CLEAN_OPTIONS", add_help=False)
    _add_flags(parser)
    try:
        return parser.parse_args(list(options))
    except _OptionsError as error:
        raise ValueError(str(error)) from None


def check_options(options: Sequence[str]) -> str | None:
    """What is wrong with `ACCORD_CLEAN_OPTIONS`, or None."""
    try:
        policy_from(parse_options(options), system_clock)
    except ValueError as error:
        return str(error)
    except InvalidInputError as error:
        return "; ".join(f"{e.pointer}: {e.detail}" for e in error.errors)
    return None


def _add_flags(clean: argparse.ArgumentParser) -> None:
    clean.add_argument(
        "--keep-latest-per-branch",
        type=int,
        default=10,
        metavar="N",
        help="keep the N versions added last to each branch (default 10; at least 1)",
    )
    clean.add_argument(
        "--keep-newer-than",
        metavar="DATE|AGE",
        help="keep versions created since an ISO date (2026-01-31) or within an age (90d, 12w)",
    )
    clean.add_argument(
        "--keep-pending-status",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="keep the provider versions whose results make a kept pact not pending (default);"
        " --no-keep-pending-status deletes them too, and old pacts may become pending again",
    )
    clean.add_argument(
        "--keep-webhook-history",
        metavar="AGE",
        default="30d",
        help="delete webhook events (with deliveries and attempts) older than this once made "
        "or dead (default 30d; 'never' keeps them)",
    )
    clean.add_argument(
        "--batch-size",
        type=int,
        default=BATCH_SIZE,
        metavar="N",
        help=f"versions deleted per transaction (default {BATCH_SIZE}, at most {MAX_BATCH})",
    )
    clean.add_argument(
        "--dry-run", action="store_true", help="report what would be deleted; delete nothing"
    )
    clean.add_argument("--output", choices=("text", "json"), default="text")


def policy_from(args: argparse.Namespace, clock: Clock) -> Policy:
    """The policy the flags ask for; `InvalidInputError` naming each bad flag."""
    now = clock()
    problems = []
    if args.keep_latest_per_branch < 1:
        problems.append(("--keep-latest-per-branch", "must be at least 1"))
    if not 1 <= args.batch_size <= MAX_BATCH:
        problems.append(("--batch-size", f"must be between 1 and {MAX_BATCH}"))
    newer = history = None
    for flag, text in (
        ("--keep-newer-than", args.keep_newer_than),
        ("--keep-webhook-history", args.keep_webhook_history),
    ):
        if text is None or (flag == "--keep-webhook-history" and text == "never"):
            continue
        try:
            moment = parse_moment(text, now, flag)
        except InvalidInputError as error:
            problems += [(flag, f.detail) for f in error.errors]
            continue
        if flag == "--keep-newer-than":
            newer = moment
        else:
            history = moment
    if problems:
        raise InvalidInputError(
            "The clean options are not valid", [FieldError(f, d) for f, d in problems]
        )
    return Policy(
        keep_latest_per_branch=args.keep_latest_per_branch,
        keep_newer_than=newer,
        keep_pending_status=args.keep_pending_status,
        outbox_older_than=history,
    )


def run(settings: Settings, args: argparse.Namespace, clock: Clock = system_clock) -> int:
    """Clean the configured database; the exit code."""
    from broker.storage.factory import open_storage  # noqa: PLC0415 - keeps `--help` fast

    try:
        policy = policy_from(args, clock)
    except InvalidInputError as error:
        for field in error.errors:
            print(f"accord: {field.pointer}: {field.detail}", file=sys.stderr)  # noqa: T201
        return 1

    async def clean() -> CleanReport:
        storage = await open_storage(settings.database_url, timeout=settings.database_timeout)
        actor = current_actor.set(ACTOR)
        key = audit_key.set(settings.audit_key.encode() if settings.audit_key else None)
        try:
            service = RetentionService(storage, clock, batch_size=args.batch_size)
            return await service.clean(policy, dry_run=args.dry_run)
        finally:
            audit_key.reset(key)
            current_actor.reset(actor)
            await storage.close()

    try:
        report = asyncio.run(clean())
    except DomainError as error:
        print(f"accord: {error}", file=sys.stderr)  # noqa: T201
        return 1
    except KeyboardInterrupt:
        print(  # noqa: T201
            "accord: interrupted; the batch in progress was rolled back, and what was deleted"
            " before it is in the audit log (retention.clean, interrupted)",
            file=sys.stderr,
        )
        return 130
    print(as_json(report) if args.output == "json" else as_text(report))  # noqa: T201
    return 0


def as_json(report: CleanReport) -> str:
    """The report as JSON: the policy, kept versions by reason, counts per pacticipant, totals."""
    body = {
        "dryRun": report.dry_run,
        "policy": msgspec.to_builtins(report.policy),
        "versionsKept": report.versions_kept,
        "pacticipants": msgspec.to_builtins(report.by_pacticipant),
        "totals": msgspec.to_builtins(report.totals),
        "webhookHistory": msgspec.to_builtins(report.outbox),
    }
    return msgspec.json.format(msgspec.json.encode(body), indent=2).decode()


_COLUMNS = ("PACTICIPANT", "VERSIONS", "PACTS", "PACT CONTENTS", "VERIFICATIONS", "OTHER ROWS")


def as_text(report: CleanReport) -> str:
    """A table per pacticipant, the totals, and the webhook history."""
    verb = "Would delete" if report.dry_run else "Deleted"
    rows = [
        (name, c.versions, c.pact_publications, c.pact_versions, c.verifications, c.others)
        for name, c in sorted(report.by_pacticipant.items())
    ]
    t = report.totals
    rows.append(
        ("(all)", t.versions, t.pact_publications, t.pact_versions, t.verifications, t.others)
    )
    cells = [_COLUMNS, *[tuple(f"{v:,}" if isinstance(v, int) else v for v in r) for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(_COLUMNS))]
    lines = [f"{verb}:"]
    for index, row in enumerate(cells):
        lines.append(
            " | ".join(
                v.ljust(w) if i == 0 else v.rjust(w)
                for i, (v, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if index == 0:
            lines.append("-+-".join("-" * w for w in widths))
    kept = ", ".join(f"{n:,} {reason}" for reason, n in sorted(report.versions_kept.items()))
    lines.append(f"Versions kept (first reason): {kept or 'none'}")
    others = {
        k: v
        for k, v in msgspec.to_builtins(t).items()
        if k not in {"versions", "pact_publications", "pact_versions", "verifications"} and v
    }
    if others:
        lines.append(
            "Other rows: " + ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in others.items())
        )
    o = report.outbox
    lines.append(
        f"Webhook history: {o.webhook_events:,} events, {o.webhook_deliveries:,} deliveries,"
        f" {o.webhook_attempts:,} attempts"
    )
    return "\n".join(lines)
