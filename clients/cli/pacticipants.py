"""The pacticipant commands: create-or-update, describe and list."""

from __future__ import annotations

import argparse

import msgspec

from clients.cli import output
from clients.sdk import ApprovalPolicy, BrokerClient, BrokerError, Pacticipant, PacticipantMode

NOT_FOUND = 404


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add the pacticipant commands to the `accord` parser."""
    upsert = commands.add_parser(
        "create-or-update-pacticipant",
        parents=[common],
        help="create a pacticipant or change an existing one",
    )
    upsert.add_argument("--name", required=True)
    upsert.add_argument("--display-name")
    upsert.add_argument("--main-branch")
    upsert.add_argument("--repository-url")
    upsert.set_defaults(handler=create_or_update_pacticipant)

    describe = commands.add_parser(
        "describe-pacticipant", parents=[common], help="show a pacticipant"
    )
    describe.add_argument("--name", required=True)
    describe.set_defaults(handler=describe_pacticipant)

    listing = commands.add_parser(
        "list-pacticipants", parents=[common], help="list the pacticipants"
    )
    listing.set_defaults(handler=list_pacticipants)


def create_or_update_pacticipant(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord create-or-update-pacticipant`."""
    saved = broker.create_or_update_pacticipant(
        args.name,
        display_name=args.display_name,
        main_branch=args.main_branch,
        repository_url=args.repository_url,
    )
    if args.output == "json":
        return output.as_json(saved.resource)
    return f'Pacticipant "{saved.resource.name}" {"created" if saved.created else "updated"}'


def describe_pacticipant(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord describe-pacticipant`: the pacticipant, its governance mode, owners and policy."""
    pacticipant = broker.get_pacticipant(args.name)
    mode, policy = _governance(broker, args.name)
    if args.output == "json":
        if mode is None or policy is None:
            return output.as_json(pacticipant)
        body = msgspec.to_builtins(pacticipant)
        body["governance"] = {
            "mode": mode.mode,
            "owningTeams": mode.owning_teams,
            "approvalPolicy": {
                "teams": policy.teams,
                "required": policy.required,
                "isDefault": policy.is_default,
                "description": policy.description,
            },
        }
        return output.as_json(body)
    return render_pacticipant(pacticipant, mode, policy)


def _governance(
    broker: BrokerClient, name: str
) -> tuple[PacticipantMode | None, ApprovalPolicy | None]:
    """The pacticipant's mode (with its owners) and approval policy.

    Both None from a broker without governance (a Pact Broker answers 404).
    """
    try:
        return broker.get_mode(name), broker.get_approval_policy(name)
    except BrokerError as error:
        if error.status == NOT_FOUND:
            return None, None
        raise


def render_pacticipant(
    pacticipant: Pacticipant,
    mode: PacticipantMode | None = None,
    policy: ApprovalPolicy | None = None,
) -> str:
    """The table form of describe-pacticipant."""
    latest = pacticipant.embedded.latest_version
    rows = [
        ("Name", pacticipant.name),
        ("Display name", pacticipant.display_name),
        ("Main branch", pacticipant.main_branch),
        ("Repository URL", pacticipant.repository_url),
        ("Latest version", latest.number if latest else None),
        ("Created at", pacticipant.created_at),
    ]
    if mode is not None:
        rows.append(("Mode", mode.mode))
        rows.append(("Owning teams", ", ".join(mode.owning_teams) or "none"))
    if policy is not None:
        rule = policy.description or (
            "default" if policy.is_default else f"{policy.required} of {', '.join(policy.teams)}"
        )
        rows.append(("Approval policy", rule))
    return output.details(rows)


def list_pacticipants(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord list-pacticipants`."""
    pacticipants = broker.list_pacticipants()
    if args.output == "json":
        return output.as_json(pacticipants)
    return output.table(
        ["NAME", "DISPLAY NAME", "MAIN BRANCH", "REPOSITORY URL"],
        [
            [p.name, p.display_name or "", p.main_branch or "", p.repository_url or ""]
            for p in pacticipants.embedded.pacticipants
        ],
    )
