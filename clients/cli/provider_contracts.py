"""`accord publish-provider-contract`: a provider's OpenAPI or AsyncAPI document and test results.

The flags are `pactflow publish-provider-contract`'s, so pipelines can switch without edits.
The broker compares the document with the consumers' pacts at once; its notices (printed
coloured on a terminal) say how each fared, and can-i-deploy counts the comparisons.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clients.cli import output
from clients.cli._files import read_upload
from clients.cli.errors import CommandError
from clients.sdk import BrokerClient, SelfVerification

# What a document's file name says about its media type, when --content-type is not given.
_CONTENT_TYPES = {
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".json": "application/json",
}


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add `publish-provider-contract` to the `accord` parser."""
    publish = commands.add_parser(
        "publish-provider-contract",
        parents=[common],
        help="publish a provider's OpenAPI or AsyncAPI document (bi-directional contract testing)",
    )
    publish.add_argument(
        "spec", metavar="SPEC", help="the OpenAPI or AsyncAPI document, YAML or JSON"
    )
    publish.add_argument(
        "--specification",
        choices=("oas", "asyncapi"),
        default="oas",
        help="oas (default) or asyncapi: what kind of document SPEC is",
    )
    publish.add_argument("--provider", required=True)
    publish.add_argument("--provider-app-version", required=True)
    publish.add_argument("--branch")
    publish.add_argument("-t", "--tag", action="append", default=[], help="repeatable")
    publish.add_argument("--build-url")
    publish.add_argument("--content-type", help="default: from the file's extension")
    verdict = publish.add_mutually_exclusive_group()
    verdict.add_argument(
        "--verification-success",
        dest="verification_success",
        action="store_true",
        default=None,
        help="the provider's own tests of the document passed",
    )
    verdict.add_argument(
        "--no-verification-success",
        dest="verification_success",
        action="store_false",
        help="the provider's own tests of the document failed",
    )
    verdict.add_argument(
        "--verification-exit-code",
        type=int,
        help="the exit code of the provider's own tests (0 is success)",
    )
    publish.add_argument("--verification-results", help="the report of those tests, a file")
    publish.add_argument("--verification-results-content-type", default="text/plain")
    publish.add_argument("--verification-results-format", default="text")
    publish.add_argument("--verifier", help="the tool that ran them")
    publish.add_argument("--verifier-version")
    publish.set_defaults(handler=publish_provider_contract)


def publish_provider_contract(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord publish-provider-contract`."""
    spec = Path(args.spec)
    content = read_upload(
        spec, "AsyncAPI document" if args.specification == "asyncapi" else "OpenAPI document"
    )
    content_type = args.content_type or _CONTENT_TYPES.get(spec.suffix.lower())
    if content_type is None:
        msg = f"Cannot tell the media type of {spec.name}: give --content-type."
        raise CommandError(msg)
    published = broker.publish_provider_contract(
        args.provider,
        args.provider_app_version,
        content,
        content_type=content_type,
        branch=args.branch,
        tags=args.tag,
        build_url=args.build_url,
        self_verification=_self_verification(args),
        specification=args.specification,
    )
    if args.output == "json":
        return output.as_json(published)
    colour = sys.stdout.isatty()
    return "\n".join(output.notice(notice, colour=colour) for notice in published.notices)


def _self_verification(args: argparse.Namespace) -> SelfVerification | None:
    """The self-verification the flags describe; None when they say nothing of success."""
    success: bool | None = args.verification_success
    if args.verification_exit_code is not None:
        success = args.verification_exit_code == 0
    report = None
    if args.verification_results is not None:
        report = read_upload(args.verification_results, "verification results")
    if success is None:
        if report is not None:
            msg = (
                "Say whether the verification passed: --verification-success,"
                " --no-verification-success or --verification-exit-code."
            )
            raise CommandError(msg)
        return None
    return SelfVerification(
        success=success,
        content=report,
        content_type=args.verification_results_content_type,
        format=args.verification_results_format,
        verifier=args.verifier,
        verifier_version=args.verifier_version,
    )
