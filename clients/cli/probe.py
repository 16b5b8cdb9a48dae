"""`accord probe`: API integration checks from a provider's OpenAPI document, against it running.

The document is a file (`--openapi`) or, without it, the provider contract the broker stores for
`--provider` at `--spec-version` (default `--provider-app-version`); the credentials file is
read from disk; the checks are planned by `verifier.probe.plan` and sent to
`--provider-base-url` only (and, for the timeout check, to the `--dependency` control URLs).
With `--publish`, the results (the JSON below) are then published to the broker as test
results of kind `api` for `--provider` at `--provider-app-version`.

Output: a line per check (`text`/`table`), a JSON array of `{operation, check, outcome,
expected, actual, detail, requests}`, or JUnit XML. Exit status: 1 when a check failed, else 0;
2 when the flags do not go together; 3 when the results could not be published (they are still
printed); a document (file or broker's) or credentials file that cannot be used prints one
sentence and exits 125.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from urllib.parse import urlsplit

from clients.cli import connection
from clients.cli.compare import EXIT_UNREADABLE, read_file
from clients.cli.errors import CommandError
from clients.cli.outcome import Outcome
from clients.cli.output_flag import JSON, JUNIT, add_output_flag
from clients.sdk import BrokerClient, ClientError
from verifier.comparison import ComparisonError, load_spec
from verifier.comparison.documents import DocumentError, read_document
from verifier.probe import ProbeError, Prober, parse_credentials, plan
from verifier.probe.report import render_json, render_junit, render_text

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_NOT_PUBLISHED = 3
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
            f" {EXIT_USAGE} when the flags do not go together, {EXIT_NOT_PUBLISHED} when"
            f" --publish failed, {EXIT_UNREADABLE} when a document cannot be used."
        ),
    )
    parser.add_argument(
        "--openapi",
        metavar="SPEC",
        help="the OpenAPI document (default: the one the broker stores for --provider at"
        " --spec-version)",
    )
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
    broker = parser.add_argument_group("broker")
    broker.add_argument("--provider", help="the provider probed, as the broker names it")
    broker.add_argument(
        "--provider-app-version", metavar="VERSION", help="the provider version probed"
    )
    broker.add_argument(
        "--spec-version",
        metavar="VERSION",
        help="read the provider contract of this version (default --provider-app-version)",
    )
    broker.add_argument(
        "--publish",
        action="store_true",
        help="publish the results as api test results of --provider at --provider-app-version",
    )
    broker.add_argument("--branch", help="the provider version's branch (with --publish)")
    broker.add_argument(
        "--broker-base-url", help="the broker's base URL (env PACT_BROKER_BASE_URL)"
    )
    broker.add_argument("--broker-token", help="a bearer token (env PACT_BROKER_TOKEN)")
    broker.add_argument("--broker-username", help="basic auth username (env PACT_BROKER_USERNAME)")
    broker.add_argument("--broker-password", help="basic auth password (env PACT_BROKER_PASSWORD)")
    parser.set_defaults(handler=probe, local=True)


def misuse(args: argparse.Namespace, environ: Mapping[str, str]) -> str | None:
    """The sentence saying why the broker flags given do not go together; None when they do."""
    from_broker = args.openapi is None
    if args.openapi is not None and args.spec_version is not None:
        return "Give either --openapi or --spec-version (the broker's document), not both."
    if not (from_broker or args.publish):
        given = [
            flag
            for flag, value in (
                ("--provider", args.provider),
                ("--provider-app-version", args.provider_app_version),
                ("--broker-base-url", args.broker_base_url),
                ("--branch", args.branch),
            )
            if value is not None
        ]
        return f"{given[0]} is only used with --publish or without --openapi." if given else None
    why = "--publish" if args.publish else "Probing without --openapi"
    rules = (
        (args.branch is not None and not args.publish, "--branch is only used with --publish."),
        (args.provider is None, f"{why} needs --provider."),
        (
            args.publish and args.provider_app_version is None,
            "--publish needs --provider-app-version.",
        ),
        (
            from_broker and args.provider_app_version is None and args.spec_version is None,
            "Without --openapi, give --provider-app-version or --spec-version.",
        ),
        (
            not (args.broker_base_url or environ.get("PACT_BROKER_BASE_URL")),
            f"{why} needs --broker-base-url (or PACT_BROKER_BASE_URL).",
        ),
    )
    return next((sentence for broken, sentence in rules if broken), None)


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


def _stored_document(broker: BrokerClient, provider: str, version: str) -> bytes:
    """The provider contract's text; `ProbeError` (one sentence) when the broker has none."""
    try:
        return broker.get_provider_contract(provider, version).content.encode("utf-8")
    except ClientError as error:
        msg = (
            f"The OpenAPI document of {provider} version {version} cannot be read from the"
            f" broker: {str(error).rstrip('.')}."
        )
        raise ProbeError(msg) from None


def probe(args: argparse.Namespace) -> Outcome:
    """`accord probe`, with the broker when a flag asks for it."""
    problem = misuse(args, os.environ)
    if problem is not None:
        sys.stderr.write(f"{problem}\n")
        return Outcome("", EXIT_USAGE)
    if args.openapi is not None and not args.publish:
        return _probe(args, None)
    with connection.connect(args) as broker:
        return _probe(args, broker)


def _publish(broker: BrokerClient, args: argparse.Namespace, results_json: str) -> str | None:
    """Publish the results; the sentence saying why they were not, or None."""
    try:
        broker.publish_test_results(
            args.provider,
            args.provider_app_version,
            [("accord-probe.json", results_json.encode("utf-8"))],
            kind="api",
            systems=[args.provider],
            branch=args.branch,
        )
    except ClientError as error:
        return (
            f"The probe results of {args.provider} version {args.provider_app_version} were not"
            f" published: {str(error).rstrip('.')}."
        )
    return None


def _probe(args: argparse.Namespace, broker: BrokerClient | None) -> Outcome:
    if not 1 <= args.deadline_ms <= MAX_DEADLINE_MS:
        raise CommandError(f"--deadline-ms must be from 1 to {MAX_DEADLINE_MS}.")
    base = urlsplit(args.provider_base_url)
    if base.scheme not in {"http", "https"} or not base.netloc:
        raise CommandError(f"--provider-base-url {args.provider_base_url!r} is not an http(s) URL.")
    given = dependencies(args.dependency)
    try:
        if args.openapi is not None or broker is None:
            content = read_file(args.openapi, "spec")
        else:
            version = args.spec_version or args.provider_app_version
            content = _stored_document(broker, args.provider, version)
        spec = load_spec(content)
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
    if args.publish and broker is not None:
        problem = _publish(broker, args, text if args.output == JSON else render_json(results))
        if problem is not None:
            sys.stderr.write(f"{problem}\n")
            return Outcome(text, EXIT_NOT_PUBLISHED)
    failed = any(result.outcome == "failed" for result in results)
    return Outcome(text, EXIT_FAILED if failed else 0)
