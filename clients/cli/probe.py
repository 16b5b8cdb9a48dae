"""`accord probe`: API integration checks from a provider's OpenAPI document, against it running.

No broker is involved: the document and the credentials file are read from disk, the checks are
planned by `verifier.probe.plan` and sent to `--provider-base-url` only (and, for the timeout
check, to the `--dependency` control URLs).

Output: a line per check (`text`/`table`), a JSON array of `{operation, check, outcome,
expected, actual, detail, requests}`, or JUnit XML. Exit status: 1 when a check failed, else 0;
a document or credentials file that cannot be used prints one sentence and exits 125.
"""

from __future__ import annotations

import argparse
import sys
from urllib.parse import urlsplit

from clients.cli.compare import EXIT_UNREADABLE, read_file
from clients.cli.errors import CommandError
from clients.cli.outcome import Outcome
from clients.cli.output_flag import JSON, JUNIT, add_output_flag
from verifier.comparison import ComparisonError, load_spec
from verifier.comparison.documents import DocumentError, read_document
from verifier.probe import ProbeError, Prober, parse_credentials, plan
from verifier.probe.report import render_json, render_junit, render_text

EXIT_FAILED = 1
DEFAULT_DEADLINE_MS = 2000
MAX_DEADLINE_MS = 300_000


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,  # unused: a local command takes no broker flags
) -> None:
    """Add `probe` to the `accord` parser."""
    parser = commands.add_parser(
        "probe",
        help="run auth, validation, not-found, rate-limit and timeout checks from an OpenAPI"
        " document against a running provider",
        description=(
            "Generate API integration checks from the provider's OpenAPI document and run them"
            " against the provider. Exits 1 when a check failed, 0 otherwise,"
            f" {EXIT_UNREADABLE} when a file cannot be used."
        ),
    )
    parser.add_argument("--openapi", required=True, metavar="SPEC", help="the OpenAPI document")
    parser.add_argument(
        "--provider-base-url", required=True, metavar="URL", help="where the provider runs"
    )
    parser.add_argument(
        "--credentials",
        metavar="FILE",
        help='YAML or JSON: {"schemes": {NAME: {"valid", "expired", "insufficient"}},'
        ' "rateLimit": {"limit": N}}',
    )
    parser.add_argument(
        "--operation",
        action="append",
        default=[],
        metavar="ID",
        help="probe only this operation (operationId, or 'METHOD /path'; repeatable)",
    )
    parser.add_argument(
        "--deadline-ms",
        type=int,
        default=DEFAULT_DEADLINE_MS,
        help=f"how long the provider may take to answer while a dependency is slowed"
        f" (default {DEFAULT_DEADLINE_MS})",
    )
    parser.add_argument(
        "--dependency",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="a dependency named in x-accord-dependencies and the address of the"
        " `accord fault-proxy` in front of it (repeatable)",
    )
    add_output_flag(parser, junit=True, help_text="table (default; also text), json or junit")
    parser.set_defaults(handler=probe, local=True)


def dependencies(values: list[str]) -> dict[str, str]:
    """`NAME=URL` pairs as a mapping; CommandError naming a malformed one."""
    found: dict[str, str] = {}
    for value in values:
        name, equals, url = value.partition("=")
        parts = urlsplit(url)
        if not equals or not name or parts.scheme not in {"http", "https"} or not parts.netloc:
            msg = f"--dependency {value!r} is not NAME=URL (for example warehouse=http://127.0.0.1:8081)."
            raise CommandError(msg)
        found[name] = url
    return found


def _credentials_document(path: str | None) -> object:
    if path is None:
        return {}
    try:
        return read_document(read_file(path, "credentials file"))
    except DocumentError as error:
        raise ProbeError(f"The credentials file {path} cannot be read: {error}.") from None


def probe(args: argparse.Namespace) -> Outcome:
    """`accord probe`."""
    if not 1 <= args.deadline_ms <= MAX_DEADLINE_MS:
        raise CommandError(f"--deadline-ms must be from 1 to {MAX_DEADLINE_MS}.")
    base = urlsplit(args.provider_base_url)
    if base.scheme not in {"http", "https"} or not base.netloc:
        raise CommandError(f"--provider-base-url {args.provider_base_url!r} is not an http(s) URL.")
    given = dependencies(args.dependency)
    try:
        spec = load_spec(read_file(args.openapi, "spec"))
        credentials = parse_credentials(_credentials_document(args.credentials))
        planned = plan(spec, credentials, selected=args.operation, dependencies=given)
    except (ComparisonError, ProbeError) as error:
        sys.stderr.write(f"{error}\n")
        return Outcome("", EXIT_UNREADABLE)
    with Prober(spec, args.provider_base_url, deadline_ms=args.deadline_ms) as prober:
        results = prober.run(planned)
    if args.output == JSON:
        text = render_json(results)
    elif args.output == JUNIT:
        text = render_junit(results)
    else:
        text = render_text(results)
    failed = any(result.outcome == "failed" for result in results)
    return Outcome(text, EXIT_FAILED if failed else 0)
