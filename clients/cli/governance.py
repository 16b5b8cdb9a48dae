"""The governance commands (issue #5): modes, approval policies, teams and change requests.

Admins run set-mode, set-approval-policy, create-team and (break glass, when the broker allows
it) override-change; approvers run approve-change and reject-change; anyone who may read lists
and describes change requests.
"""

from __future__ import annotations

import argparse

from clients.cli import output
from clients.cli.errors import CommandError
from clients.sdk import ApprovalPolicy, BrokerClient, BrokerError, ChangeRequest, ClientError
from clients.sdk._governance import MODES, STATUSES

FORBIDDEN = 403
NOT_FOUND = 404
CONFLICT = 409


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add the governance commands to the `accord` parser."""
    mode = commands.add_parser(
        "set-mode", parents=[common], help="put a pacticipant in a governance mode (admin)"
    )
    mode.add_argument("-a", "--pacticipant", required=True, help="the pacticipant's name")
    mode.add_argument("--mode", required=True, choices=MODES, help="the mode")
    mode.set_defaults(handler=set_mode)

    policy = commands.add_parser(
        "set-approval-policy",
        parents=[common],
        help="set whose approval a change of a pacticipant's contracts needs (admin)",
    )
    policy.add_argument("-a", "--pacticipant", required=True, help="the pacticipant's name")
    policy.add_argument(
        "--team",
        action="append",
        required=True,
        help="a team whose approvers may approve (repeatable)",
    )
    policy.add_argument(
        "--required", type=_positive, required=True, help="how many approvals a change needs"
    )
    policy.set_defaults(handler=set_approval_policy)

    team = commands.add_parser(
        "create-team", parents=[common], help="create or replace a team and what it owns (admin)"
    )
    team.add_argument("name", help="the team's name")
    team.add_argument(
        "-a",
        "--pacticipant",
        action="append",
        default=[],
        help="a pacticipant the team owns (repeatable)",
    )
    team.set_defaults(handler=create_team)

    listing = commands.add_parser(
        "list-change-requests", parents=[common], help="list change requests"
    )
    listing.add_argument("-a", "--pacticipant", help="only those of this pacticipant")
    listing.add_argument("--status", choices=STATUSES, help="only those in this status")
    listing.set_defaults(handler=list_change_requests)

    describe = commands.add_parser(
        "describe-change-request",
        parents=[common],
        help="show a change request: who must approve, who did, who is affected, the diff",
    )
    describe.add_argument("id", type=int, help="the change request's id")
    describe.set_defaults(handler=describe_change_request)

    approve = commands.add_parser(
        "approve-change", parents=[common], help="approve a change request (approver)"
    )
    approve.add_argument("id", type=int, help="the change request's id")
    approve.add_argument(
        "--as-team",
        help="the one team of yours this approval counts for (default: the first still owed)",
    )
    approve.set_defaults(handler=approve_change)

    reject = commands.add_parser(
        "reject-change", parents=[common], help="reject a change request (approver)"
    )
    reject.add_argument("id", type=int, help="the change request's id")
    reject.add_argument("--reason", required=True, help="why, for the change's author")
    reject.set_defaults(handler=reject_change)

    breaking = commands.add_parser(
        "override-change",
        parents=[common],
        help="let a change take effect without approval (admin, break glass; the broker must"
        " allow it with ACCORD_ALLOW_OVERRIDE=true)",
    )
    breaking.add_argument("id", type=int, help="the change request's id")
    breaking.add_argument(
        "--reason", required=True, help="why, for the audit log and every can-i-deploy after"
    )
    breaking.set_defaults(handler=override_change)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        msg = f"must be a positive integer, not {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return int(text)


def set_mode(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord set-mode --pacticipant P --mode MODE`."""
    saved = broker.set_mode(args.pacticipant, args.mode)
    if args.output == "json":
        return output.as_json(saved)
    return f"{saved.pacticipant} is now in {saved.mode} mode."


def set_approval_policy(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord set-approval-policy --pacticipant P --team T [--team U] --required N`."""
    saved = broker.set_approval_policy(args.pacticipant, teams=args.team, required=args.required)
    if args.output == "json":
        return output.as_json(saved)
    return f"Changes to the contracts of {saved.pacticipant} now need approval by {_policy(saved)}."


def _policy(policy: ApprovalPolicy) -> str:
    if len(policy.teams) == 1:
        return f"a member of {policy.teams[0]}"
    return f"{policy.required} of the teams {', '.join(policy.teams)}"


def create_team(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord create-team NAME [--pacticipant P ...]`."""
    saved = broker.create_team(args.name, args.pacticipant)
    if args.output == "json":
        return output.as_json(saved)
    owned = ", ".join(saved.pacticipants) if saved.pacticipants else "no pacticipants"
    return f"Team {saved.name} owns {owned}."


def list_change_requests(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord list-change-requests [--pacticipant P] [--status S]`."""
    found = broker.list_change_requests(args.pacticipant, args.status)
    if args.output == "json":
        return output.as_json(found)
    return render_change_request_list(found)


def render_change_request_list(found: list[ChangeRequest]) -> str:
    """The table form of list-change-requests."""
    if not found:
        return "No change requests."
    return output.table(
        ["ID", "STATUS", "CHANGE", "VERSIONS", "AUTHOR", "AWAITING", "CREATED"],
        [
            [
                str(change.id),
                change.status,
                subject(change),
                ", ".join(change.versions),
                change.author or "",
                ", ".join(change.awaiting),
                change.created_at or "",
            ]
            for change in found
        ],
    )


def describe_change_request(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord describe-change-request ID`."""
    change = _fetch(broker, args.id)
    if args.output == "json":
        return output.as_json(change)
    return render_change_request(change)


def render_change_request(change: ChangeRequest) -> str:
    """The table form of describe-change-request."""
    lines = [
        output.details(
            [
                ("Change request", str(change.id)),
                ("Status", change.status),
                ("Summary", change.summary),
                ("Change", subject(change)),
                ("Versions", ", ".join(change.versions) or None),
                ("Author", change.author),
                ("Created at", change.created_at),
                ("Decided at", change.decided_at),
                ("Decided by", change.decided_by),
                ("Rejection reason", change.rejection_reason),
                ("Override reason", change.override_reason),
                (
                    "Superseded by",
                    None if change.superseded_by is None else str(change.superseded_by),
                ),
                ("Content sha", change.content_sha),
                ("Base sha", change.base_sha),
            ]
        )
    ]
    if change.status == "open":
        lines.append(f"Awaiting: {_teams(change.awaiting) if change.awaiting else 'nobody'}")
    lines.append("Requirements:" + ("" if change.requirements else " none"))
    for requirement in change.requirements:
        done = "satisfied" if requirement.satisfied else "not satisfied"
        approvers = ", ".join(requirement.approved_by) or "nobody yet"
        among = _teams(requirement.teams) if requirement.teams else "any approver"
        lines.append(
            f"  - {requirement.name}: needs {requirement.needed} of {among}"
            f", approved by {approvers} ({done})"
        )
    lines.append("Approvals:" + ("" if change.approvals else " none"))
    for approval in change.approvals:
        teams = f" for {_teams(approval.teams)}" if approval.teams else ""
        if approval.counts_for:
            teams = f" for team {approval.counts_for}"
        when = f" at {approval.at}" if approval.at else ""
        lines.append(f"  - {approval.approver}{teams}{when}")
    lines.append("Affected:" + ("" if change.affected else " none"))
    for party in change.affected:
        touched = "; ".join(party.interactions) or "no interaction named"
        lines.append(f"  - {party.pacticipant}: {touched}")
    if isinstance(change.diff, str):
        lines.append("Diff:" + ("" if change.diff.strip() else " none"))
        lines.extend(f"  {line}".rstrip() for line in change.diff.splitlines())
    return "\n".join(lines)


def approve_change(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord approve-change ID`: says whether the change now counts or whom it awaits."""
    try:
        change = broker.approve_change(args.id, as_team=args.as_team)
    except BrokerError as error:
        raise _refused(broker, "approve", args.id, error) from error
    if args.output == "json":
        return output.as_json(change)
    if isinstance(change.notice, str):
        # The broker says what the approval did, and whether it changed anything.
        return change.notice
    if change.status == "approved":
        return f"Approved change request {change.id}: {subject(change)} is approved."
    if change.awaiting:
        return (
            f"Approved change request {change.id}: it still awaits approval"
            f" by {_teams(change.awaiting)}."
        )
    return f"Approved change request {change.id}: it is {change.status}."


def reject_change(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord reject-change ID --reason TEXT`."""
    try:
        change = broker.reject_change(args.id, args.reason)
    except BrokerError as error:
        raise _refused(broker, "reject", args.id, error) from error
    if args.output == "json":
        return output.as_json(change)
    reason = (change.rejection_reason or args.reason).rstrip(".")
    return f"Rejected change request {change.id} ({subject(change)}): {reason}."


def override_change(broker: BrokerClient, args: argparse.Namespace) -> str:
    """`accord override-change ID --reason TEXT` (admin, break glass)."""
    if not args.reason.strip():
        msg = "override-change needs a --reason that says why the change skips approval."
        raise CommandError(msg)
    try:
        change = broker.override_change(args.id, args.reason)
    except BrokerError as error:
        raise _refused(broker, "override", args.id, error) from error
    if args.output == "json":
        return output.as_json(change)
    return (
        f"Overrode change request {change.id}: {subject(change)} takes effect without approval"
        f" ({(change.override_reason or args.reason).rstrip('.')}). can-i-deploy will say so."
    )


def subject(change: ChangeRequest) -> str:
    """What changed, in the broker's words: "the pact of Web with Orders"."""
    if change.kind == "pact" and change.provider:
        return f"the pact of {change.pacticipant} with {change.provider}"
    return f"the {change.kind.replace('-', ' ')} of {change.pacticipant}"


def _teams(teams: list[str]) -> str:
    if not teams:
        return "no team"
    return ("team " if len(teams) == 1 else "teams ") + ", ".join(teams)


def _fetch(broker: BrokerClient, change_request: int) -> ChangeRequest:
    try:
        return broker.get_change_request(change_request)
    except BrokerError as error:
        if error.status == NOT_FOUND:
            msg = f"Change request {change_request} does not exist."
            raise CommandError(msg) from error
        raise


def _refused(
    broker: BrokerClient, action: str, change_request: int, error: BrokerError
) -> CommandError:
    """One sentence for a refused approval or rejection; a 403 names who may decide.

    A 403 or 409 is explained by the problem's detail alone (its `errors` only repeat it); a
    400 needs its `errors`, which name the bad field.
    """
    if error.status == NOT_FOUND:
        return CommandError(f"Change request {change_request} does not exist.")
    if error.status == CONFLICT and error.detail:
        # The broker's sentence names the request and its status already.
        return CommandError(error.detail.rstrip(".") + ".")
    reason = (error.detail if error.status == FORBIDDEN else None) or str(error)
    sentence = f"Could not {action} change request {change_request}: {reason.rstrip('.')}"
    if error.status == FORBIDDEN and action != "override":
        awaiting = _awaiting(broker, change_request)
        if awaiting and not all(team in reason for team in awaiting):
            sentence += f"; approvers of {_teams(awaiting)} may {action} it"
    return CommandError(sentence + ".")


def _awaiting(broker: BrokerClient, change_request: int) -> list[str]:
    """The teams the change request awaits, as the broker says; none if it cannot be read."""
    try:
        return broker.get_change_request(change_request).awaiting
    except ClientError:
        return []
