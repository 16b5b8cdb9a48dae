# Generated from clients/sdk/_async_client.py by scripts/unasync.py: do not edit.
# Change the async client, then run `python scripts/unasync.py`.
"""`BrokerClient`: a client of one broker over `httpx.Client`.

It drives the operations of `_operations.py`, sending each request they yield. The blocking
`BrokerClient` (`_client.py`) is generated from the async one (`_async_client.py`) by
`scripts/unasync.py`: edit the async one, then run the script.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, TypeVar, cast

import httpx

from clients.sdk import (
    _audit,
    _coverage,
    _governance,
    _matrix,
    _notifications,
    _operations,
    _provider_contracts,
    _tokens,
    _users,
    _webhook_deliveries,
)
from clients.sdk._audit import AuditEntry
from clients.sdk._builder import RequestBuilder, log_exchange, unreachable
from clients.sdk._coverage import Coverage, CoveragePolicy, TestResults
from clients.sdk._governance import ApprovalPolicy, ChangeRequest, PacticipantMode, Team
from clients.sdk._matrix import Matrix, MatrixQuery, VersionSelector, selectors_of
from clients.sdk._notifications import Notification
from clients.sdk._operations import Operation, Saved, Session
from clients.sdk._provider_contracts import ProviderContract, SelfVerification
from clients.sdk._tokens import Token
from clients.sdk._users import User
from clients.sdk._webhook_deliveries import WebhookDelivery
from clients.sdk._wire import (
    Contact,
    DeployedVersion,
    DeployedVersionList,
    Environment,
    EnvironmentList,
    LatestPactList,
    Pacticipant,
    PacticipantList,
    PublishedContracts,
    ReleasedVersion,
    ReleasedVersionList,
    Tag,
    Version,
)

T = TypeVar("T")


class BrokerClient:
    """A client of one broker; every error it raises is a `ClientError`.

    Args:
        base_url: the broker's base URL.
        token: a bearer token (`Authorization: Bearer`); wins over username and password.
        username: basic auth user.
        password: basic auth password.
        timeout: seconds to wait for each connect, read and write.
        transport: an httpx transport (`httpx.BaseTransport`), such as
            `httpx.MockTransport` in tests.

    Example:
        >>> with BrokerClient("http://127.0.0.1:9292") as broker:  # doctest: +SKIP
        ...     broker.record_deployment("Orders", "1.2.0", "production")
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._builder = RequestBuilder(
            base_url, token=token, username=username, password=password, timeout=timeout
        )
        self._session = Session(self._builder)
        self._http = httpx.Client(transport=transport)

    def __enter__(self) -> BrokerClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def _run(self, operation: Operation[T]) -> T:
        try:
            request = next(operation)
            while True:
                try:
                    response = self._http.send(request)
                except httpx.TransportError as error:
                    raise unreachable(self._builder, error) from error
                log_exchange(response)
                request = operation.send(response)
        except StopIteration as stop:
            return cast("T", stop.value)

    def create_environment(
        self,
        name: str,
        *,
        display_name: str | None = None,
        production: bool = False,
        contacts: Iterable[Contact] = (),
    ) -> Environment:
        """Create an environment."""
        return self._run(
            _operations.create_environment(
                self._session,
                name,
                display_name=display_name,
                production=production,
                contacts=contacts,
            )
        )

    def update_environment(
        self,
        uuid: str,
        *,
        name: str | None = None,
        display_name: str | None = None,
        production: bool | None = None,
        contacts: Iterable[Contact] | None = None,
    ) -> Environment:
        """Change the given members of an environment; None keeps the stored value."""
        return self._run(
            _operations.update_environment(
                self._session,
                uuid,
                name=name,
                display_name=display_name,
                production=production,
                contacts=contacts,
            )
        )

    def get_environment(self, uuid: str) -> Environment:
        """Fetch an environment by uuid."""
        return self._run(_operations.get_environment(self._session, uuid))

    def find_environment(self, name: str) -> Environment:
        """Fetch an environment by name; NotFoundError if there is none."""
        return self._run(_operations.find_environment(self._session, name))

    def list_environments(self) -> EnvironmentList:
        """List every environment."""
        return self._run(_operations.list_environments(self._session))

    def delete_environment(self, uuid: str) -> None:
        """Delete an environment."""
        self._run(_operations.delete_environment(self._session, uuid))

    def create_or_update_pacticipant(
        self,
        name: str,
        *,
        display_name: str | None = None,
        main_branch: str | None = None,
        repository_url: str | None = None,
    ) -> Saved[Pacticipant]:
        """Create the pacticipant, or change the given members of an existing one."""
        return self._run(
            _operations.create_or_update_pacticipant(
                self._session,
                name,
                display_name=display_name,
                main_branch=main_branch,
                repository_url=repository_url,
            )
        )

    def get_pacticipant(self, name: str) -> Pacticipant:
        """Fetch a pacticipant by name."""
        return self._run(_operations.get_pacticipant(self._session, name))

    def list_pacticipants(self) -> PacticipantList:
        """List the pacticipants."""
        return self._run(_operations.list_pacticipants(self._session))

    def create_or_update_version(
        self,
        pacticipant: str,
        version: str,
        *,
        branch: str | None = None,
        tags: Iterable[str] = (),
        build_url: str | None = None,
    ) -> Saved[Version]:
        """Create or update a version, add it to a branch and tag it."""
        return self._run(
            _operations.create_or_update_version(
                self._session, pacticipant, version, branch=branch, tags=tags, build_url=build_url
            )
        )

    def get_version(self, pacticipant: str, version: str) -> Version:
        """Fetch one version of a pacticipant."""
        return self._run(_operations.get_version(self._session, pacticipant, version))

    def get_latest_version(self, pacticipant: str, tag: str | None = None) -> Version:
        """Fetch the pacticipant's latest version, or its latest version with `tag`."""
        return self._run(_operations.get_latest_version(self._session, pacticipant, tag))

    def create_version_tag(
        self,
        pacticipant: str,
        version: str,
        tags: Iterable[str],
        *,
        auto_create_version: bool = False,
    ) -> list[Tag]:
        """Tag a version; it must exist unless `auto_create_version`."""
        return self._run(
            _operations.create_version_tag(
                self._session, pacticipant, version, tags, auto_create_version=auto_create_version
            )
        )

    def publish_contracts(
        self,
        pacticipant: str,
        version: str,
        pacts: Sequence[tuple[str, str, bytes]],
        *,
        branch: str | None = None,
        tags: Iterable[str] = (),
        build_url: str | None = None,
        merge: bool = False,
    ) -> PublishedContracts:
        """Publish a consumer version's pacts, given as (consumer, provider, pact JSON).

        One request per call: every pact's consumer must be `pacticipant`. Publish each
        consumer's pacts with its own call, as the pact-broker CLI does. With `merge`, the
        broker merges the interactions into a pact already published for the version.
        A refused publication raises `BrokerError`, whose `notices` hold the broker's reason
        and the diff.
        """
        return self._run(
            _operations.publish_contracts(
                self._session,
                pacticipant,
                version,
                pacts,
                branch=branch,
                tags=tags,
                build_url=build_url,
                merge=merge,
            )
        )

    def publish_provider_contract(
        self,
        provider: str,
        version: str,
        content: bytes,
        *,
        content_type: str = "application/yaml",
        branch: str | None = None,
        tags: Iterable[str] = (),
        build_url: str | None = None,
        self_verification: SelfVerification | None = None,
        specification: str = "oas",
    ) -> PublishedContracts:
        """Publish a provider version's OpenAPI or asyncapi document (YAML or JSON bytes).

        With the provider's own tests' results; the broker's notices say how each consumer's
        pact compares with the document. `specification` is `oas` or `asyncapi`.
        """
        return self._run(
            _provider_contracts.publish_provider_contract(
                self._session,
                provider,
                version,
                content,
                content_type=content_type,
                branch=branch,
                tags=tags,
                build_url=build_url,
                self_verification=self_verification,
                specification=specification,
            )
        )

    def get_provider_contract(self, provider: str, version: str) -> ProviderContract:
        """The OpenAPI document a provider version published (its text, as the broker stores it)."""
        return self._run(
            _provider_contracts.get_provider_contract(self._session, provider, version)
        )

    def latest_pacts_of_provider(self, provider: str) -> list[dict[str, Any]]:
        """The latest pact of each consumer of `provider`, as parsed JSON documents."""
        return self._run(_provider_contracts.latest_pacts_of_provider(self._session, provider))

    def audit_entries(
        self, filters: Mapping[str, str] | None = None, *, page_size: int = 1000
    ) -> list[AuditEntry]:
        """Every audit entry (oldest first) matching `filters` (actor, action, subject…)."""
        return self._run(_audit.audit_entries(self._session, filters, page_size=page_size))

    def create_token(
        self,
        name: str,
        *,
        role: str,
        teams: Iterable[str] = (),
        expires_at: str | None = None,
        user: str | None = None,
    ) -> Token:
        """Create a bearer token (admin); the answer's `token` is its secret, shown once.

        A token made for a `user` acts as that person: governance counts them as one approver.
        """
        return self._run(
            _tokens.create_token(
                self._session, name, role=role, teams=teams, expires_at=expires_at, user=user
            )
        )

    def list_tokens(self) -> list[Token]:
        """Every bearer token (admin), without secrets."""
        return self._run(_tokens.list_tokens(self._session))

    def revoke_token(self, token_id: int) -> None:
        """Revoke a bearer token (admin)."""
        self._run(_tokens.revoke_token(self._session, token_id))

    def create_user(
        self, username: str, *, password: str, role: str, teams: Iterable[str] = ()
    ) -> User:
        """Create a basic-auth user (admin); the password is sent once and never shown."""
        return self._run(
            _users.create_user(self._session, username, password=password, role=role, teams=teams)
        )

    def list_users(self) -> list[User]:
        """Every basic-auth user not deleted (admin), without passwords."""
        return self._run(_users.list_users(self._session))

    def get_user(self, username: str) -> User:
        """One basic-auth user (admin)."""
        return self._run(_users.get_user(self._session, username))

    def disable_user(self, username: str) -> User:
        """Disable a user (admin): the broker refuses its credentials until it is enabled."""
        return self._run(_users.set_user_disabled(self._session, username, disabled=True))

    def enable_user(self, username: str) -> User:
        """Enable a disabled user again (admin)."""
        return self._run(_users.set_user_disabled(self._session, username, disabled=False))

    def delete_user(self, username: str) -> None:
        """Delete a user (admin); its name stays taken, its audit history readable."""
        self._run(_users.delete_user(self._session, username))

    def change_password(self, username: str, password: str) -> User:
        """Set a user's password (admin, or the user itself)."""
        return self._run(_users.change_password(self._session, username, password))

    def list_teams(self) -> list[Team]:
        """Every team and the pacticipants it owns (admin)."""
        return self._run(_users.list_teams(self._session))

    def list_notifications(self, pacticipant: str, *, page_size: int = 100) -> list[Notification]:
        """Every notification of a consumer of changed provider contracts, newest first."""
        return self._run(
            _notifications.list_notifications(self._session, pacticipant, page_size=page_size)
        )

    def publish_test_results(
        self,
        pacticipant: str,
        version: str,
        reports: Iterable[tuple[str, bytes]],
        *,
        kind: str,
        systems: Iterable[str] = (),
        branch: str | None = None,
    ) -> TestResults:
        """Publish JUnit XML reports (file name, bytes) of a version's api/event/data/e2e tests."""
        return self._run(
            _coverage.publish_test_results(
                self._session,
                pacticipant,
                version,
                reports,
                kind=kind,
                systems=systems,
                branch=branch,
            )
        )

    def get_coverage(
        self, pacticipant: str, *, version: str | None = None, environment: str | None = None
    ) -> Coverage:
        """The integration test coverage report of a version (default: the newest)."""
        return self._run(
            _coverage.get_coverage(
                self._session, pacticipant, version=version, environment=environment
            )
        )

    def get_coverage_markdown(
        self, pacticipant: str, *, version: str | None = None, environment: str | None = None
    ) -> str:
        """The coverage report as INTEGRATION-TEST.md markdown."""
        return self._run(
            _coverage.get_coverage_markdown(
                self._session, pacticipant, version=version, environment=environment
            )
        )

    def set_coverage_policy(self, pacticipant: str, minimum: int | None) -> CoveragePolicy:
        """Make can-i-deploy say no below `minimum` percent coverage (admin); None: no policy."""
        return self._run(_coverage.set_coverage_policy(self._session, pacticipant, minimum))

    def list_webhook_deliveries(
        self, *, status: str | None = None, limit: int = 100
    ) -> list[WebhookDelivery]:
        """Webhook deliveries, newest first, of one status (`dead`, `pending`...) or all (admin)."""
        return self._run(
            _webhook_deliveries.list_webhook_deliveries(self._session, status=status, limit=limit)
        )

    def redrive_delivery(self, uuid: str) -> WebhookDelivery:
        """Deliver a dead webhook delivery again, from its first attempt (admin)."""
        return self._run(_webhook_deliveries.redrive_delivery(self._session, uuid))

    def get_mode(self, pacticipant: str) -> PacticipantMode:
        """The pacticipant's governance mode (greenfield, brownfield-polish, ...)."""
        return self._run(_governance.get_mode(self._session, pacticipant))

    def set_mode(self, pacticipant: str, mode: str) -> PacticipantMode:
        """Put the pacticipant in a governance mode (admin)."""
        return self._run(_governance.set_mode(self._session, pacticipant, mode))

    def get_approval_policy(self, pacticipant: str) -> ApprovalPolicy:
        """Whose approval a change of the pacticipant's contracts needs."""
        return self._run(_governance.get_approval_policy(self._session, pacticipant))

    def set_approval_policy(
        self, pacticipant: str, *, teams: Iterable[str], required: int
    ) -> ApprovalPolicy:
        """Set which teams approve the pacticipant's contract changes, and how many (admin)."""
        return self._run(
            _governance.set_approval_policy(self._session, pacticipant, teams, required)
        )

    def create_team(self, name: str, pacticipants: Iterable[str] = ()) -> Team:
        """Create or replace a team and the pacticipants it owns (admin)."""
        return self._run(_governance.create_team(self._session, name, pacticipants))

    def list_change_requests(
        self, pacticipant: str | None = None, status: str | None = None
    ) -> list[ChangeRequest]:
        """Every change request, of one pacticipant and in one status if given."""
        return self._run(_governance.list_change_requests(self._session, pacticipant, status))

    def get_change_request(self, change_request: int) -> ChangeRequest:
        """One change request, with its diff."""
        return self._run(_governance.get_change_request(self._session, change_request))

    def approve_change(self, change_request: int, *, as_team: str | None = None) -> ChangeRequest:
        """Approve a change request as the caller (an approver of a required team).

        The approval counts for one team: `as_team`, else the first requirement still owed
        that one of the caller's teams answers. One that changes nothing is not recorded.
        """
        return self._run(_governance.approve_change(self._session, change_request, as_team))

    def override_change(self, change_request: int, reason: str) -> ChangeRequest:
        """Let a change take effect without approval (admin, break glass).

        The broker must run with `ACCORD_ALLOW_OVERRIDE=true`; the reason is required.
        """
        return self._run(_governance.override_change(self._session, change_request, reason))

    def reject_change(self, change_request: int, reason: str) -> ChangeRequest:
        """Reject a change request; the reason is required."""
        return self._run(_governance.reject_change(self._session, change_request, reason))

    def list_latest_pact_versions(self) -> LatestPactList:
        """List the latest pact of every integration."""
        return self._run(_operations.list_latest_pact_versions(self._session))

    def record_deployment(
        self,
        pacticipant: str,
        version: str,
        environment: str,
        *,
        application_instance: str | None = None,
    ) -> DeployedVersion:
        """Record that a version is deployed to an environment (named, not by uuid)."""
        return self._run(
            _operations.record_deployment(
                self._session,
                pacticipant,
                version,
                environment,
                application_instance=application_instance,
            )
        )

    def record_undeployment(
        self,
        pacticipant: str,
        environment: str,
        *,
        application_instance: str | None = None,
    ) -> list[DeployedVersion]:
        """Record that whatever version of the pacticipant is deployed there is gone."""
        return self._run(
            _operations.record_undeployment(
                self._session, pacticipant, environment, application_instance=application_instance
            )
        )

    def record_release(self, pacticipant: str, version: str, environment: str) -> ReleasedVersion:
        """Record that a version is released to an environment."""
        return self._run(
            _operations.record_release(self._session, pacticipant, version, environment)
        )

    def record_support_ended(
        self, pacticipant: str, version: str, environment: str
    ) -> list[ReleasedVersion]:
        """Record that a released version is no longer supported in an environment."""
        return self._run(
            _operations.record_support_ended(self._session, pacticipant, version, environment)
        )

    def list_deployed_versions(
        self, environment: Environment, pacticipant: str | None = None
    ) -> DeployedVersionList:
        """List the versions currently deployed to an environment."""
        return self._run(
            _operations.list_deployed_versions(self._session, environment, pacticipant)
        )

    def list_released_versions(
        self, environment: Environment, pacticipant: str | None = None, version: str | None = None
    ) -> ReleasedVersionList:
        """List the released versions an environment currently supports."""
        return self._run(
            _operations.list_released_versions(self._session, environment, pacticipant, version)
        )

    def get_matrix(
        self,
        selectors: VersionSelector | Iterable[VersionSelector],
        *,
        to_environment: str | None = None,
        to: str | None = None,
        main_branch: bool = False,
        ignore: Iterable[VersionSelector] = (),
        limit: int | None = None,
    ) -> Matrix:
        """The matrix for the selected versions.

        Against the target if one is given; else, with several selectors, the pacts between
        the versions they name, and with one, against the latest versions of the others.
        `VersionSelector.branch` and `main_branch` want `latest=True` for the branch head.
        """
        query = MatrixQuery(
            selectors_of(selectors),
            to_environment=to_environment,
            to_tag=to,
            main_branch=main_branch,
            ignore=tuple(ignore),
            limit=limit,
        )
        return self._run(_matrix.get_matrix(self._session, query))

    def can_i_deploy(
        self,
        selectors: VersionSelector | Iterable[VersionSelector],
        *,
        to_environment: str | None = None,
        to: str | None = None,
        ignore: Iterable[VersionSelector] = (),
        limit: int | None = None,
    ) -> Matrix:
        """Whether the versions may go to an environment (or to what has tag `to`)."""
        return self.get_matrix(
            selectors, to_environment=to_environment, to=to, ignore=ignore, limit=limit
        )

    def can_i_merge(
        self,
        selectors: VersionSelector | Iterable[VersionSelector],
        *,
        ignore: Iterable[VersionSelector] = (),
    ) -> Matrix:
        """Whether the versions work with the main branch head of everything they integrate with."""
        return self.get_matrix(selectors, main_branch=True, ignore=ignore)
