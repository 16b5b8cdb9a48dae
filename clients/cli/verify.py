"""`accord verify`: replay pacts against a running provider and judge its answers.

Pacts come from files, folders and pact URLs given as arguments, and from a broker's pacts for
verification (`--broker-url` with selectors, pending and WIP options). With `--publish`, the
result of each broker pact goes back to the broker. The exit code is 0 only when every
interaction that is not pending was verified and passed (a message interaction without a
producer was not verified) and, with `--publish`, every result was published. The filters
(`--filter-description`, `--filter-state`, `--filter-no-state`, or pact_ffi's `PACT_DESCRIPTION`,
`PACT_PROVIDER_STATE`, `PACT_PROVIDER_NO_STATE`) narrow the run: it verifies what they select
and publishes nothing. Flag names follow the Pact verifier CLI's.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import msgspec

from clients.cli.errors import CommandError
from clients.cli.outcome import Outcome
from clients.cli.output_flag import add_output_flag
from verifier import (
    BrokerSource,
    FilterError,
    InteractionFilter,
    MessageProducers,
    OpenAPICheck,
    OpenAPIDocumentError,
    PactFile,
    PactUrl,
    Provider,
    Publication,
    ResponseCheck,
    Source,
    SourceError,
    VerificationResult,
    Verifier,
    render_json,
    render_junit,
    render_text,
)
from verifier.matching import JSONValue

EXIT_FAILED = 1


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add `accord verify` to the parser (it takes its own broker flags, not `common`'s)."""
    del common  # `verify` names its broker flags as the Pact verifiers do
    verify = commands.add_parser(
        "verify",
        help="verify pacts (files, folders, URLs, or a broker's) against a running provider",
    )
    verify.add_argument("sources", nargs="*", metavar="PACT_FILE_OR_URL")
    provider = verify.add_argument_group("provider")
    provider.add_argument("--provider", required=True, help="the provider's name")
    provider.add_argument(
        "--provider-base-url",
        help="where the provider listens (default: the message producer URL)",
    )
    provider.add_argument(
        "--message-producer-url",
        help="POST {description, providerStates} here for the messages of message interactions",
    )
    provider.add_argument(
        "--provider-states-setup-url", help="POST {state, params, action} here to set up states"
    )
    provider.add_argument(
        "--state-change-teardown",
        action="store_true",
        help="also POST action=teardown after each interaction",
    )
    provider.add_argument(
        "--custom-header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="add to every request, replacing the pact's header (repeatable)",
    )
    provider.add_argument(
        "--require-provider-states",
        action="store_true",
        help="do not verify (and fail) interactions whose provider states nothing sets up",
    )
    provider.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    provider.add_argument("--sequential", action="store_true", help="one interaction at a time")
    provider.add_argument(
        "--concurrency", type=int, default=8, help="interactions in flight at once (default 8)"
    )
    provider.add_argument(
        "--disable-ssl-verification", action="store_true", help="trust any provider certificate"
    )
    provider.add_argument("--ca-file", help="PEM file of the CAs to trust for the provider")
    provider.add_argument(
        "--openapi",
        metavar="FILE",
        help="also validate every response against this OpenAPI document (JSON or YAML)",
    )
    provider.add_argument(
        "--openapi-provider-version",
        metavar="VERSION",
        help="the same with the OpenAPI document this provider version published to the broker",
    )
    broker = verify.add_argument_group("broker")
    broker.add_argument(
        "--broker-url",
        "--broker-base-url",
        help="fetch pacts for verification (env PACT_BROKER_BASE_URL)",
    )
    broker.add_argument("--broker-token", help="env PACT_BROKER_TOKEN")
    broker.add_argument("--broker-username", help="env PACT_BROKER_USERNAME")
    broker.add_argument("--broker-password", help="env PACT_BROKER_PASSWORD")
    broker.add_argument(
        "--consumer-version-selectors",
        action="append",
        default=[],
        metavar="JSON",
        help="a selector such as '{\"mainBranch\": true}' (repeatable, or a JSON array)",
    )
    broker.add_argument(
        "--consumer-version-tags", action="append", default=[], help="as {tag, latest: true}"
    )
    broker.add_argument(
        "--enable-pending", action="store_true", help="pending pacts' failures do not fail the run"
    )
    broker.add_argument("--include-wip-pacts-since", metavar="DATE")
    narrowing = verify.add_argument_group(
        "filters (a narrowed run verifies what they select and publishes nothing)"
    )
    narrowing.add_argument("--filter-description", metavar="REGEX", help="env PACT_DESCRIPTION")
    narrowing.add_argument(
        "--filter-state",
        metavar="REGEX",
        help="a provider state's name matches (env PACT_PROVIDER_STATE)",
    )
    narrowing.add_argument(
        "--filter-no-state",
        action="store_true",
        help="only interactions without provider states (env PACT_PROVIDER_NO_STATE)",
    )
    results = verify.add_argument_group("results")
    results.add_argument("--publish", action="store_true", help="publish results to the broker")
    results.add_argument("--provider-app-version", help="the provider version verified")
    results.add_argument("--provider-version-branch")
    results.add_argument("--provider-version-tag", action="append", default=[])
    results.add_argument("--build-url")
    add_output_flag(results, junit=True, help_text="table (default), json or junit")
    verify.set_defaults(handler=run_verify, local=True)


def run_verify(args: argparse.Namespace) -> Outcome:
    """`accord verify`."""
    if args.publish and not args.provider_app_version:
        raise CommandError("--publish needs --provider-app-version.")
    if not (args.provider_base_url or args.message_producer_url):
        raise CommandError("Give --provider-base-url, --message-producer-url or both.")
    provider = Provider(
        name=args.provider,
        base_url=args.provider_base_url or args.message_producer_url,
        state_change_url=args.provider_states_setup_url,
        state_change_teardown=args.state_change_teardown,
        custom_headers=_headers(args.custom_header),
        timeout=args.timeout,
        verify_tls=not args.disable_ssl_verification,
        ca_file=args.ca_file,
    )
    checks = _openapi_checks(args)
    narrowing = _filter(args)
    verifier = Verifier(
        provider,
        concurrency=args.concurrency,
        sequential=args.sequential,
        response_checks=checks,
        message_producers=MessageProducers(url=args.message_producer_url),
        interaction_filter=narrowing,
        require_provider_states=args.require_provider_states,
    )
    publication = (
        Publication(
            provider_version=args.provider_app_version,
            branch=args.provider_version_branch,
            tags=tuple(args.provider_version_tag),
            build_url=args.build_url,
        )
        if args.publish
        else None
    )
    try:
        result = verifier.verify_sync(_sources(args), publication=publication)
    except SourceError as error:
        raise CommandError(str(error)) from error
    if not any(pact.interactions for pact in result.pacts):
        if narrowing.is_narrowing:
            raise CommandError(f"No interaction of the pacts has {narrowing}.")
        raise CommandError(f"No pacts with interactions were found for {args.provider}.")
    # A result the broker refused fails the run too: can-i-deploy would miss it.
    passed = result.is_success and not result.publish_errors
    return Outcome(_render(result, args.output), 0 if passed else EXIT_FAILED)


def _filter(args: argparse.Namespace) -> InteractionFilter:
    """The flags' filter, else pact_ffi's environment variables."""
    try:
        environ = InteractionFilter.from_environment(os.environ)
        return InteractionFilter(
            description=args.filter_description or environ.description,
            state=args.filter_state if args.filter_state is not None else environ.state,
            no_state=args.filter_no_state or environ.no_state,
        )
    except FilterError as error:
        raise CommandError(str(error)) from error


def _render(result: VerificationResult, output: str) -> str:
    if output == "json":
        return render_json(result)
    if output == "junit":
        return render_junit(result)
    return render_text(result)


def _headers(values: list[str]) -> dict[str, str]:
    headers = {}
    for value in values:
        name, colon, content = value.partition(":")
        if not colon or not name.strip():
            raise CommandError(f"--custom-header {value!r} is not 'Name: value'.")
        headers[name.strip()] = content.strip()
    return headers


def _selectors(args: argparse.Namespace) -> list[dict[str, JSONValue]]:
    selectors: list[dict[str, JSONValue]] = []
    for text in args.consumer_version_selectors:
        try:
            decoded: JSONValue = msgspec.json.decode(text)
        except msgspec.DecodeError as error:
            raise CommandError(f"--consumer-version-selectors {text!r} is not JSON.") from error
        items = decoded if isinstance(decoded, list) else [decoded]
        if not all(isinstance(item, dict) for item in items):
            raise CommandError(
                f"--consumer-version-selectors {text!r} is not a JSON object or array of them."
            )
        selectors += [item for item in items if isinstance(item, dict)]
    selectors += [{"tag": tag, "latest": True} for tag in args.consumer_version_tags]
    return selectors


def _sources(args: argparse.Namespace) -> list[Source]:
    env = os.environ
    token = args.broker_token or env.get("PACT_BROKER_TOKEN") or None
    username = args.broker_username or env.get("PACT_BROKER_USERNAME") or None
    password = args.broker_password or env.get("PACT_BROKER_PASSWORD") or None
    sources: list[Source] = []
    known_broker = args.broker_url or env.get("PACT_BROKER_BASE_URL")
    for given in args.sources:
        if given.startswith(("http://", "https://")):
            sources.append(
                PactUrl.with_broker_credentials(
                    given,
                    broker_url=known_broker,
                    token=token,
                    username=username,
                    password=password,
                )
            )
        elif Path(given).exists():
            sources.append(PactFile(given))
        else:
            raise CommandError(f"{given} is neither a pact file, a folder nor a URL.")
    broker_url = args.broker_url or (None if sources else env.get("PACT_BROKER_BASE_URL"))
    if broker_url:
        sources.append(
            BrokerSource(
                url=broker_url,
                token=token,
                username=username,
                password=password,
                selectors=_selectors(args),
                enable_pending=args.enable_pending,
                include_wip_pacts_since=args.include_wip_pacts_since,
                provider_version_branch=args.provider_version_branch,
                provider_version_tags=tuple(args.provider_version_tag),
            )
        )
    if not sources:
        raise CommandError("Give pact files or URLs, or --broker-url, to verify.")
    return sources


def _openapi_checks(args: argparse.Namespace) -> list[ResponseCheck]:
    """The OpenAPI check of `--openapi FILE` or `--openapi-provider-version V` (broker)."""
    env = os.environ
    checks: list[ResponseCheck] = []
    try:
        if args.openapi:
            checks.append(OpenAPICheck.from_file(args.openapi))
        if args.openapi_provider_version:
            broker_url = args.broker_url or env.get("PACT_BROKER_BASE_URL")
            if not broker_url:
                raise CommandError("--openapi-provider-version needs --broker-url.")
            checks.append(
                OpenAPICheck.from_broker(
                    broker_url,
                    args.provider,
                    args.openapi_provider_version,
                    token=args.broker_token or env.get("PACT_BROKER_TOKEN") or None,
                    username=args.broker_username or env.get("PACT_BROKER_USERNAME") or None,
                    password=args.broker_password or env.get("PACT_BROKER_PASSWORD") or None,
                    timeout=args.timeout,
                )
            )
    except OpenAPIDocumentError as error:
        raise CommandError(str(error)) from error
    return checks
