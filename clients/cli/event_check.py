"""`accord event-check`: a message consumer against duplicates, disorder and malformed messages.

The consumer's message pacts are files (`--pact`, repeatable) or, without them, the pact the
broker holds between `--consumer` and `--provider` (of `--consumer-version`, default the
`--version` being checked, else the latest), fetched as the verifier fetches a pact URL. Each
message is delivered over HTTP to `--consumer-url` (see `verifier.events.consumers` for the
headers), the state read from `--state-url` and emptied with `--reset-url`. With `--publish`,
the results (the JSON below) are published as test results of kind `event` for `--pacticipant`
(default `--consumer`, else the pact's consumer) at `--version`.

Output: a line per check (`text`/`table`), a JSON array of `{provider, interaction, check,
outcome, expected, actual, detail, deliveries}`, or JUnit XML. Exit status: 1 when a check
failed, else 0; 2 when the flags do not go together; 3 when the results could not be published
(they are still printed); 125 when a pact cannot be read or holds no message.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Mapping
from urllib.parse import quote, urlsplit

from clients.cli.compare import EXIT_UNREADABLE, read_file
from clients.cli.errors import CommandError
from clients.cli.outcome import Outcome
from clients.cli.output_flag import JSON, JUNIT, add_output_flag
from clients.sdk import BrokerClient, ClientError
from verifier._errors import PactError, SourceError
from verifier._pact import Pact, decode_pact
from verifier._sources import PactUrl, load_url
from verifier.comparison import ComparisonError
from verifier.events import EventChecker, HttpConsumer, plan
from verifier.events.report import render_json, render_junit, render_text

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_NOT_PUBLISHED = 3
DEFAULT_TIMEOUT = 30.0


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,  # unused: the broker flags are optional here
) -> None:
    """Add `event-check` to the `accord` parser."""
    parser = commands.add_parser(
        "event-check",
        help="deliver a consumer's pact messages twice, out of order and malformed, and check"
        " how it copes",
        description=(
            "Check that a message consumer copes with at-least-once, out-of-order and malformed"
            " deliveries of the messages its pact expects. Exits 1 when a check failed, 0"
            f" otherwise, {EXIT_USAGE} when the flags do not go together, {EXIT_NOT_PUBLISHED}"
            f" when --publish failed, {EXIT_UNREADABLE} when a pact cannot be used."
        ),
    )
    parser.add_argument(
        "--pact",
        action="append",
        default=[],
        metavar="FILE",
        help="the consumer's message pact (repeatable; default: the broker's, see --consumer)",
    )
    parser.add_argument(
        "--consumer-url", required=True, metavar="URL", help="where messages are POSTed"
    )
    parser.add_argument(
        "--state-url", metavar="URL", help="GET answers the consumer's state as JSON"
    )
    parser.add_argument("--reset-url", metavar="URL", help="POST empties the consumer's state")
    parser.add_argument(
        "--dead-letter-url", metavar="URL", help="GET answers the dead letters as a JSON array"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"how long to wait for each answer (default {DEFAULT_TIMEOUT:g})",
    )
    add_output_flag(parser, junit=True, help_text="table (default; also text), json or junit")
    broker = parser.add_argument_group("broker")
    broker.add_argument("--consumer", help="the consumer whose pact the broker holds")
    broker.add_argument("--provider", help="the provider of that pact")
    broker.add_argument(
        "--consumer-version",
        metavar="VERSION",
        help="read the pact of this consumer version (default --version, else the latest)",
    )
    broker.add_argument(
        "--publish",
        action="store_true",
        help="publish the results as event test results of --pacticipant at --version",
    )
    broker.add_argument(
        "--pacticipant",
        help="who the results are published for (default --consumer, else the pact's consumer)",
    )
    broker.add_argument("--version", help="the version checked (with --publish)")
    broker.add_argument("--branch", help="the version's branch (with --publish)")
    broker.add_argument(
        "--broker-base-url", help="the broker's base URL (env PACT_BROKER_BASE_URL)"
    )
    broker.add_argument("--broker-token", help="a bearer token (env PACT_BROKER_TOKEN)")
    broker.add_argument("--broker-username", help="basic auth username (env PACT_BROKER_USERNAME)")
    broker.add_argument("--broker-password", help="basic auth password (env PACT_BROKER_PASSWORD)")
    parser.set_defaults(handler=event_check, local=True)


def misuse(args: argparse.Namespace, environ: Mapping[str, str]) -> str | None:
    """The sentence saying why the flags given do not go together; None when they do."""
    from_broker = not args.pact
    has_broker = bool(args.broker_base_url or environ.get("PACT_BROKER_BASE_URL"))
    rules = (
        (
            bool(args.pact) and (args.consumer_version is not None),
            "Give either --pact or --consumer-version (the broker's pact), not both.",
        ),
        (
            from_broker and (args.consumer is None or args.provider is None),
            "Without --pact, give --consumer and --provider (the broker's pact).",
        ),
        (
            args.publish and args.version is None,
            "--publish needs --version.",
        ),
        (
            args.publish and not args.pact and (args.pacticipant or args.consumer) is None,
            "--publish needs --pacticipant (or --consumer).",
        ),
        (
            not args.publish and args.branch is not None,
            "--branch is only used with --publish.",
        ),
        (
            (from_broker or args.publish) and not has_broker,
            f"{'--publish' if args.publish else 'Checking without --pact'} needs"
            " --broker-base-url (or PACT_BROKER_BASE_URL).",
        ),
    )
    return next((sentence for broken, sentence in rules if broken), None)


def _check_url(flag: str, value: str | None) -> None:
    if value is None:
        return
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise CommandError(f"{flag} {value!r} is not an http(s) URL.")


def _broker_settings(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, str | None]:
    if args.broker_token and args.broker_username:
        msg = "Give either --broker-token or --broker-username and --broker-password, not both."
        raise CommandError(msg)
    return {
        "url": args.broker_base_url or environ.get("PACT_BROKER_BASE_URL"),
        "token": args.broker_token or environ.get("PACT_BROKER_TOKEN") or None,
        "username": args.broker_username or environ.get("PACT_BROKER_USERNAME") or None,
        "password": args.broker_password or environ.get("PACT_BROKER_PASSWORD") or None,
    }


def pact_url(base: str, consumer: str, provider: str, version: str | None) -> str:
    """The broker's URL of the pact between them (of the consumer version, else the latest)."""
    path = f"/pacts/provider/{quote(provider, safe='')}/consumer/{quote(consumer, safe='')}"
    path += f"/version/{quote(version, safe='')}" if version else "/latest"
    return base.rstrip("/") + path


async def _fetch(source: PactUrl, timeout: float) -> Pact:
    loaded = await load_url(source, timeout)
    if loaded.broker is not None:
        await loaded.broker.aclose()
    return loaded.pact


def _pacts(args: argparse.Namespace, settings: Mapping[str, str | None]) -> list[Pact]:
    """The pacts to check; PactError or SourceError (one sentence) when one cannot be read."""
    if args.pact:
        pacts = []
        for path in args.pact:
            try:
                pacts.append(decode_pact(read_file(path, "pact")))
            except PactError as error:
                raise PactError(f"The file {path} is not a pact: {error}.") from None
        return pacts
    base = settings["url"]
    assert base is not None  # checked by misuse
    url = pact_url(base, args.consumer, args.provider, args.consumer_version or args.version)
    source = PactUrl.with_broker_credentials(
        url,
        broker_url=base,
        token=settings["token"],
        username=settings["username"],
        password=settings["password"],
    )
    return [asyncio.run(_fetch(source, args.timeout))]


def event_check(args: argparse.Namespace) -> Outcome:
    """`accord event-check`."""
    problem = misuse(args, os.environ)
    if problem is not None:
        sys.stderr.write(f"{problem}\n")
        return Outcome("", EXIT_USAGE)
    for flag, value in (
        ("--consumer-url", args.consumer_url),
        ("--state-url", args.state_url),
        ("--reset-url", args.reset_url),
        ("--dead-letter-url", args.dead_letter_url),
    ):
        _check_url(flag, value)
    if not 0 < args.timeout <= 600:  # noqa: PLR2004 - ten minutes is past any real answer
        raise CommandError("--timeout must be more than 0 and at most 600 seconds.")
    settings = _broker_settings(args, os.environ)
    try:
        pacts = _pacts(args, settings)
    except (ComparisonError, PactError, SourceError) as error:
        sys.stderr.write(f"{str(error).rstrip('.')}.\n")
        return Outcome("", EXIT_UNREADABLE)
    planned = plan(pacts)
    if not planned:
        names = ", ".join(f"{p.consumer} with {p.provider}" for p in pacts)
        sys.stderr.write(f"The pact of {names} holds no message interaction to check.\n")
        return Outcome("", EXIT_UNREADABLE)
    consumer = HttpConsumer(
        args.consumer_url,
        state_url=args.state_url,
        reset_url=args.reset_url,
        dead_letter_url=args.dead_letter_url,
        timeout=args.timeout,
    )
    with consumer:
        results = EventChecker(consumer).run(planned)
    if args.output == JSON:
        text = render_json(results)
    elif args.output == JUNIT:
        text = render_junit(results)
    else:
        text = render_text(results)
    if args.publish:
        published = text if args.output == JSON else render_json(results)
        problem = _publish(args, settings, published, pacts)
        if problem is not None:
            sys.stderr.write(f"{problem}\n")
            return Outcome(text, EXIT_NOT_PUBLISHED)
    failed = any(result.outcome == "failed" for result in results)
    return Outcome(text, EXIT_FAILED if failed else 0)


def _publish(
    args: argparse.Namespace,
    settings: Mapping[str, str | None],
    results_json: str,
    pacts: list[Pact],
) -> str | None:
    """Publish the results; the sentence saying why they were not, or None."""
    pacticipant = args.pacticipant or args.consumer or pacts[0].consumer
    systems = list(dict.fromkeys([pacticipant, *(pact.provider for pact in pacts)]))
    base = settings["url"]
    assert base is not None  # checked by misuse
    broker = BrokerClient(
        base, token=settings["token"], username=settings["username"], password=settings["password"]
    )
    try:
        with broker:
            broker.publish_test_results(
                pacticipant,
                args.version,
                [("accord-event-check.json", results_json.encode("utf-8"))],
                kind="event",
                systems=systems,
                branch=args.branch,
            )
    except ClientError as error:
        return (
            f"The event check results of {pacticipant} version {args.version} were not"
            f" published: {str(error).rstrip('.')}."
        )
    return None
