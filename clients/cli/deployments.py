"""The commands that record deployments and releases, and their end.

As in the pact-broker CLI, environments are given by name.
"""

from __future__ import annotations

import argparse

from clients.cli import output
from clients.sdk import BrokerClient


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add the deployment and release commands to the `accord` parser."""
    deployment = commands.add_parser(
        "record-deployment",
        parents=[common],
        help="record that a version is deployed to an environment",
    )
    _flags(deployment, version=True)
    deployment.add_argument("--application-instance")
    deployment.set_defaults(handler=record_deployment)

    undeployment = commands.add_parser(
        "record-undeployment",
        parents=[common],
        help="record that a pacticipant is no longer deployed to an environment",
    )
    _flags(undeployment, version=False)
    undeployment.add_argument("--application-instance")
    undeployment.set_defaults(handler=record_undeployment)

    release = commands.add_parser(
        "record-release",
        parents=[common],
        help="record that a version is released to an environment",
    )
    _flags(release, version=True)
    release.set_defaults(handler=record_release)

    support_ended = commands.add_parser(
        "record-support-ended",
        parents=[common],
        help="record that a released version is no longer supported",
    )
    _flags(support_ended, version=True)
    support_ended.set_defaults(handler=record_support_ended)


def _flags(parser: argparse.ArgumentParser, *, version: bool) -> None:
    parser.add_argument("-a", "--pacticipant", required=True)
    if version:
        parser.add_argument("-e", "--version", required=True)
    parser.add_argument("--environment", required=True, help="the environment's name")


def _instance(instance: str | None) -> str:
    return f" (application instance {instance})" if instance else ""


def record_deployment(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord record-deployment`."""
    deployed = broker.record_deployment(
        args.pacticipant,
        args.version,
        args.environment,
        application_instance=args.application_instance,
    )
    if args.output == "json":
        return output.as_json(deployed)
    return (
        f"Recorded deployment of {args.pacticipant} version {args.version} "
        f"to {args.environment} environment{_instance(args.application_instance)} in the broker."
    )


def record_undeployment(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord record-undeployment`."""
    undeployed = broker.record_undeployment(
        args.pacticipant, args.environment, application_instance=args.application_instance
    )
    if args.output == "json":
        return output.as_json(undeployed)
    lines = []
    for deployed in undeployed:
        version = deployed.embedded.version
        number = f" version {version.number}" if version else ""
        lines.append(
            f"Recorded undeployment of {args.pacticipant}{number} from {args.environment} "
            f"environment{_instance(deployed.application_instance)} in the broker."
        )
    return "\n".join(lines)


def record_release(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord record-release`."""
    released = broker.record_release(args.pacticipant, args.version, args.environment)
    if args.output == "json":
        return output.as_json(released)
    return (
        f"Recorded release of {args.pacticipant} version {args.version} "
        f"to {args.environment} environment in the broker."
    )


def record_support_ended(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord record-support-ended`."""
    ended = broker.record_support_ended(args.pacticipant, args.version, args.environment)
    if args.output == "json":
        return output.as_json(ended)
    return (
        f"Recorded support ended of {args.pacticipant} version {args.version} "
        f"in {args.environment} environment in the broker."
    )
