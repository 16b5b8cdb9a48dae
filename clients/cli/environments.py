"""The environment commands: create, update, describe, list and delete."""

from __future__ import annotations

import argparse

from clients.cli import output
from clients.sdk import (
    BrokerClient,
    Contact,
    ContactDetails,
    DeployedVersion,
    Environment,
    ReleasedVersion,
)


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add the environment commands to the `accord` parser."""
    create = commands.add_parser(
        "create-environment", parents=[common], help="create an environment"
    )
    create.add_argument("--name", required=True, help="a name without spaces, e.g. production")
    _describing_flags(create, production_default=False)
    create.set_defaults(handler=create_environment)

    update = commands.add_parser(
        "update-environment", parents=[common], help="change an environment"
    )
    update.add_argument("--uuid", required=True)
    update.add_argument("--name")
    _describing_flags(update, production_default=None)
    update.set_defaults(handler=update_environment)

    describe = commands.add_parser(
        "describe-environment", parents=[common], help="show an environment"
    )
    describe.add_argument("--uuid", required=True)
    describe.set_defaults(handler=describe_environment)

    listing = commands.add_parser(
        "list-environments", parents=[common], help="list the environments"
    )
    listing.set_defaults(handler=list_environments)

    delete = commands.add_parser(
        "delete-environment", parents=[common], help="delete an environment"
    )
    delete.add_argument("--uuid", required=True)
    delete.set_defaults(handler=delete_environment)


def _describing_flags(parser: argparse.ArgumentParser, *, production_default: bool | None) -> None:
    parser.add_argument("--display-name")
    parser.add_argument(
        "--production",
        action=argparse.BooleanOptionalAction,
        default=production_default,
        help="whether this is a production environment",
    )
    parser.add_argument("--contact-name")
    parser.add_argument("--contact-email-address")


def _contacts(args: argparse.Namespace) -> list[Contact] | None:
    name: str | None = args.contact_name
    email: str | None = args.contact_email_address
    if name is None:
        return None
    details = None if email is None else ContactDetails(email_address=email)
    return [Contact(name=name, details=details)]


def create_environment(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord create-environment`."""
    created = broker.create_environment(
        args.name,
        display_name=args.display_name,
        production=args.production,
        contacts=_contacts(args) or (),
    )
    if args.output == "json":
        return output.as_json(created)
    return f"Created {created.name} environment in the broker with UUID {created.uuid}"


def update_environment(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord update-environment`."""
    updated = broker.update_environment(
        args.uuid,
        name=args.name,
        display_name=args.display_name,
        production=args.production,
        contacts=_contacts(args),
    )
    if args.output == "json":
        return output.as_json(updated)
    return f"Updated {updated.name} environment in the broker"


def describe_environment(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord describe-environment`: the environment and what is deployed and released there."""
    environment = broker.get_environment(args.uuid)
    if args.output == "json":
        return output.as_json(environment)
    deployed = broker.list_deployed_versions(environment).embedded.deployed_versions
    released = broker.list_released_versions(environment).embedded.released_versions
    return render_environment(environment, deployed, released)


def render_environment(
    environment: Environment,
    deployed: list[DeployedVersion],
    released: list[ReleasedVersion],
) -> str:
    """The table form of describe-environment."""
    lines = [
        output.details(
            [
                ("UUID", environment.uuid),
                ("Name", environment.name),
                ("Display name", environment.display_name),
                ("Production", output.yes_no(environment.production)),
                ("Created at", environment.created_at),
            ]
        )
    ]
    if environment.contacts:
        lines.append("Contacts:")
        for contact in environment.contacts:
            email = contact.details.email_address if contact.details else None
            lines.append(f"  - {contact.name}" + (f" ({email})" if email else ""))
    lines.append("Currently deployed:" + ("" if deployed else " none"))
    for deployment in deployed:
        instance = deployment.application_instance
        suffix = f" (application instance {instance})" if instance else ""
        lines.append(f"  - {_pacticipant_version(deployment)}{suffix}")
    lines.append("Currently released:" + ("" if released else " none"))
    lines.extend(f"  - {_pacticipant_version(release)}" for release in released)
    return "\n".join(lines)


def _pacticipant_version(entry: DeployedVersion | ReleasedVersion) -> str:
    pacticipant = entry.embedded.pacticipant
    version = entry.embedded.version
    name = pacticipant.name if pacticipant else "?"
    number = version.number if version else "?"
    return f"{name} {number}"


def list_environments(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord list-environments`."""
    environments = broker.list_environments()
    if args.output == "json":
        return output.as_json(environments)
    return output.table(
        ["UUID", "NAME", "DISPLAY NAME", "PRODUCTION"],
        [
            [e.uuid, e.name, e.display_name or "", output.yes_no(e.production)]
            for e in environments.embedded.environments
        ],
    )


def delete_environment(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord delete-environment`: fetch it first, to name it in the message."""
    environment = broker.get_environment(args.uuid)
    broker.delete_environment(args.uuid)
    if args.output == "json":
        return output.as_json(environment)
    return f"Deleted environment {environment.name} from the broker"
