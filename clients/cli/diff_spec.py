"""`accord diff-spec BASE REVISION`: the changes between two versions of a provider's spec.

No broker is involved: both documents (and any pacts) are read from disk and compared by
`verifier.spec_diff`. Each change has oasdiff's id and level where one fits.

Output: a block of lines, ERR changes first; with `--output json`, a JSON list of
`{id, level, operation, location, text}` (plus `consumers` when pacts are given).

With `--provider P` and a broker (`--broker-base-url` or `PACT_BROKER_BASE_URL`), the latest
pact of each of P's consumers is fetched from the broker and used as `--pact` files are.

`--deprecation-days-beta`/`--deprecation-days-stable` set the notice a deprecation must give
and `--versioning` judges `info.version`, as oasdiff's options of those names do.

Exit status: 1 when an ERR change is found, else 0. With `--pact` or `--provider`, only an ERR
change that touches one of those pacts' interactions counts: a breaking change nobody uses
exits 0. A spec
or pact that cannot be read or used prints one sentence on stderr and exits 125 (as
`compare-spec` does; argparse's usage errors exit 2).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from clients.cli.compare import EXIT_UNREADABLE, read_file
from clients.cli.errors import CommandError
from clients.cli.outcome import Outcome
from clients.cli.output_flag import add_output_flag
from clients.sdk import BrokerClient
from verifier.comparison import ComparisonError
from verifier.spec_diff import Change, DeprecationPolicy, Impact, diff_specs, impact

EXIT_BREAKING = 1


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,  # unused: a local command takes no broker flags
) -> None:
    """Add `diff-spec` to the `accord` parser."""
    parser = commands.add_parser(
        "diff-spec",
        help="list the changes between two versions of an OpenAPI document, without a broker",
        description=(
            "Compare two versions of a provider's OpenAPI 3.0/3.1 or Swagger 2.0 document "
            "(YAML or JSON). Exits 1 when a breaking (ERR) change is found (with --pact: one "
            f"that those pacts use), 0 otherwise, {EXIT_UNREADABLE} when a file cannot be read."
        ),
    )
    parser.add_argument("base", metavar="BASE", help="the spec consumers were written against")
    parser.add_argument("revision", metavar="REVISION", help="the new version of the spec")
    parser.add_argument(
        "--pact",
        action="append",
        default=[],
        metavar="PACT",
        help="a consumer's pact file; name the consumers each change touches (repeatable)",
    )
    parser.add_argument(
        "--provider",
        help="with --broker-base-url: use the latest pact of each of this provider's consumers",
    )
    parser.add_argument(
        "-b",
        "--broker-base-url",
        help="the broker holding the provider's pacts (env PACT_BROKER_BASE_URL; the token and"
        " user come from PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PASSWORD)",
    )
    for level, what in (("beta", "beta"), ("stable", "stable (or unlabelled)")):
        parser.add_argument(
            f"--deprecation-days-{level}",
            type=_days,
            default=0,
            metavar="DAYS",
            help=f"the notice, in days, a deprecated {what} operation, parameter or property must"
            " give: deprecating one without an x-sunset date, or with one closer, is an error"
            " (oasdiff's option; default 0: any sunset, or none, will do)",
        )
    parser.add_argument(
        "--versioning",
        action="store_true",
        help="also report, as INFO, a breaking change whose info.version is not a major increase"
        " (oasdiff's semantic versioning policy)",
    )
    add_output_flag(
        parser,
        help_text="table (default) or json: a list of {id, level, operation, location, text,"
        " consumers?}",
    )
    parser.set_defaults(handler=diff_spec, local=True)


_MAX_DAYS = 36_500  # a century: more notice than anyone asks for


def _days(text: str) -> int:
    """A number of days for `--deprecation-days-*`: a whole number from 0 to a century."""
    if not text.isdigit() or int(text) > _MAX_DAYS:
        msg = f"{text!r} is not a number of days from 0 to {_MAX_DAYS}"
        raise argparse.ArgumentTypeError(msg)
    return int(text)


def _load(args: argparse.Namespace) -> tuple[list[Change], list[Impact] | None]:
    base = read_file(args.base, "base spec")
    revision = read_file(args.revision, "revision spec")
    beta, stable = args.deprecation_days_beta, args.deprecation_days_stable
    policy = DeprecationPolicy(beta_days=beta, stable_days=stable) if beta or stable else None
    try:
        changes = diff_specs(base, revision, policy=policy, versioning=args.versioning)
    except ComparisonError as error:
        raise ComparisonError(f"{args.base} or {args.revision}: {error}") from None
    if not args.pact and not args.provider:
        return changes, None
    pacts = _broker_pacts(args) if args.provider else []
    for path in args.pact:
        content = read_file(path, "pact")
        try:
            pacts.append(json.loads(content))
        except ValueError:
            raise ComparisonError(f"The pact {path} is not JSON.") from None
        except RecursionError:
            raise ComparisonError(f"The pact {path} nests too deeply to be read.") from None
    try:
        return changes, impact(base, changes, pacts)
    except ComparisonError as error:
        raise ComparisonError(f"A pact cannot be used: {error}") from None


def _broker_pacts(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The latest pact of each consumer of `--provider`, from the broker."""
    env = os.environ
    base_url = args.broker_base_url or env.get("PACT_BROKER_BASE_URL")
    if not base_url:
        msg = "--provider needs the broker: pass --broker-base-url or set PACT_BROKER_BASE_URL."
        raise CommandError(msg)
    with BrokerClient(
        base_url,
        token=env.get("PACT_BROKER_TOKEN") or None,
        username=env.get("PACT_BROKER_USERNAME") or None,
        password=env.get("PACT_BROKER_PASSWORD") or None,
    ) as broker:
        return broker.latest_pacts_of_provider(args.provider)


def diff_spec(args: argparse.Namespace) -> Outcome:
    """`accord diff-spec`."""
    try:
        changes, impacts = _load(args)
    except RecursionError:
        sys.stderr.write("The specs or a pact nest too deeply to be compared.\n")
        return Outcome("", EXIT_UNREADABLE)
    except ComparisonError as error:
        sys.stderr.write(str(error).rstrip() + "\n")
        return Outcome("", EXIT_UNREADABLE)
    rows: list[tuple[Change, tuple[str, ...] | None]]
    if impacts is None:
        breaking = any(c.is_breaking for c in changes)
        rows = [(c, None) for c in changes]
    else:
        breaking = any(hit.breaks_consumers for hit in impacts)
        rows = [(hit.change, hit.consumers) for hit in impacts]
    rows.sort(key=lambda row: -row[0].level.rank)
    if args.output == "json":
        text = json.dumps(
            [
                {**c.to_json(), **({} if consumers is None else {"consumers": list(consumers)})}
                for c, consumers in rows
            ],
            indent=2,
        )
    else:
        text = _text(rows, breaking=breaking, with_pacts=impacts is not None)
    return Outcome(text, EXIT_BREAKING if breaking else 0)


def _text(
    rows: list[tuple[Change, tuple[str, ...] | None]], *, breaking: bool, with_pacts: bool
) -> str:
    if not rows:
        return "No changes."
    counts = {
        level: sum(1 for c, _ in rows if c.level.value == level)
        for level in ("ERR", "WARN", "INFO")
    }
    summary = ", ".join(f"{n} {level}" for level, n in counts.items())
    if with_pacts:
        verdict = "breaks a consumer" if breaking else "breaks no consumer's pact"
    else:
        verdict = "breaking" if breaking else "not breaking"
    lines = [f"{len(rows)} change{'s' if len(rows) != 1 else ''} ({summary}): {verdict}"]
    for change, consumers in rows:
        where = f" {change.operation}" if change.operation else ""
        lines.append(f"{change.level.value:<4} {change.id}{where}")
        lines.append(f"     {change.text}")
        lines.append(f"     at {change.location}")
        if consumers is not None:
            lines.append(f"     consumers: {', '.join(consumers) if consumers else 'none'}")
    return "\n".join(lines)
