"""`AsyncBrokerClient`: the calls of `BrokerClient`, awaited.

It drives the same operations of `clients.sdk.operations` with an awaited send.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, TypeVar, cast

import httpx

from clients.sdk import audit, governance, matrix, operations, provider_contracts, tokens, users
from clients.sdk import notifications as notification_operations
from clients.sdk.audit import AuditEntry
from clients.sdk.builder import RequestBuilder
from clients.sdk.client import log_exchange, unreachable
from clients.sdk.matrix import Matrix, MatrixQuery, VersionSelector, selectors_of
from clients.sdk.operations import Operation, Saved, Session
from clients.sdk.provider_contracts import SelfVerification
from clients.sdk.wire import (
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


class AsyncBrokerClient:
    """The same calls as `BrokerClient`, awaited.

    Args:
        base_url: the broker's base URL.
        token: a bearer token (`Authorization: Bearer`); wins over username and password.
        username: basic auth user.
        password: basic auth password.
        timeout: seconds to wait for each connect, read and write.
        transport: an httpx async transport, such as `httpx.MockTransport` in tests.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._builder = RequestBuilder(
            base_url, token=token, username=username, password=password, timeout=timeout
        )
        self._session = Session(self._builder)
        self._http = httpx.AsyncClient(transport=transport)

    async def __aenter__(self) -> AsyncBrokerClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    async def _run(self, operation: Operation[T]) -> T:
        try:
            request = next(operation)
            while True:
                try:
                    response = await self._http.send(request)
                except httpx.TransportError as error:
                    raise unreachable(self._builder, error) from error
                log_exchange(response)
                request = operation.send(response)
        except StopIteration as stop:
            return cast("T", stop.value)

    async def create_environment(
        self,
        name: str,
        *,
        display_name: str | None = None,
        production: bool = False,
        contacts: Iterable[Contact] = (),
    ) -> Environment:
        """Create an environment."""
        return await self._run(
            operations.create_environment(
                self._session,
                name,
                display_name=display_name,
                production=production,
                contacts=contacts,
            )
        )

    async def update_environment(
        self,
        uuid: str,
        *,
        name: str | None = None,
        display_name: str | None = None,
        production: bool | None = None,
        contacts: Iterable[Contact] | None = None,
    ) -> Environment:
        """Change the given members of an environment; None keeps the stored value."""
        return await self._run(
            operations.update_environment(
                self._session,
                uuid,
                name=name,
                display_name=display_name,
                production=production,
                contacts=contacts,
            )
        )

    async def get_environment(self, uuid: str) -> Environment:
        """Fetch an environment by uuid."""
        return await self._run(operations.get_environment(self._session, uuid))

    async def find_environment(self, name: str) -> Environment:
        """Fetch an environment by name; NotFoundError if there is none."""
        return await self._run(operations.find_environment(self._session, name))

    async def list_environments(self) -> EnvironmentList:
        """List every environment."""
        return await self._run(operations.list_environments(self._session))

    async def delete_environment(self, uuid: str) -> None:
        """Delete an environment."""
        await self._run(operations.delete_environment(self._session, uuid))

    async def create_or_update_pacticipant(
        self,
        name: str,
        *,
        display_name: str | None = None,
        main_branch: str | None = None,
        repository_url: str | None = None,
    ) -> Saved[Pacticipant]:
        """Create the pacticipant, or change the given members of an existing one."""
        return await self._run(
            operations.create_or_update_pacticipant(
                self._session,
                name,
                display_name=display_name,
                main_branch=main_branch,
                repository_url=repository_url,
            )
        )

    async def get_pacticipant(self, name: str) -> Pacticipant:
        """Fetch a pacticipant by name."""
        return await self._run(operations.get_pacticipant(self._session, name))

    async def list_pacticipants(self) -> PacticipantList:
        """List the pacticipants."""
        return await self._run(operations.list_pacticipants(self._session))

    async def create_or_update_version(
        self,
        pacticipant: str,
        version: str,
        *,
        branch: str | None = None,
        tags: Iterable[str] = (),
        build_url: str | None = None,
    ) -> Saved[Version]:
        """Create or update a version, add it to a branch and tag it."""
        return await self._run(
            operations.create_or_update_version(
                self._session, pacticipant, version, branch=branch, tags=tags, build_url=build_url
            )
        )

    async def get_version(self, pacticipant: str, version: str) -> Version:
        """Fetch one version of a pacticipant."""
        return await self._run(operations.get_version(self._session, pacticipant, version))

    async def get_latest_version(self, pacticipant: str, tag: str | None = None) -> Version:
        """Fetch the pacticipant's latest version, or its latest version with `tag`."""
        return await self._run(operations.get_latest_version(self._session, pacticipant, tag))

    async def create_version_tag(
        self,
        pacticipant: str,
        version: str,
        tags: Iterable[str],
        *,
        auto_create_version: bool = False,
    ) -> list[Tag]:
        """Tag a version; it must exist unless `auto_create_version`."""
        return await self._run(
            operations.create_version_tag(
                self._session, pacticipant, version, tags, auto_create_version=auto_create_version
            )
        )

    async def publish_contracts(
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
        return await self._run(
            operations.publish_contracts(
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

    async def publish_provider_contract(
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
    ) -> PublishedContracts:
        """Publish a provider version's OpenAPI document (YAML or JSON bytes).

        With the provider's own tests' results; the broker's notices say how each consumer's
        pact compares with the document.
        """
        return await self._run(
            provider_contracts.publish_provider_contract(
                self._session,
                provider,
                version,
                content,
                content_type=content_type,
                branch=branch,
                tags=tags,
                build_url=build_url,
                self_verification=self_verification,
            )
        )

    async def latest_pacts_of_provider(self, provider: str) -> list[dict[str, Any]]:
        """The latest pact of each consumer of `provider`, as parsed JSON documents."""
        return await self._run(provider_contracts.latest_pacts_of_provider(self._session, provider))

    async def audit_entries(
        self, filters: Mapping[str, str] | None = None, *, page_size: int = 1000
    ) -> list[AuditEntry]:
        """Every audit entry (oldest first) matching `filters` (actor, action, subject…)."""
        return await self._run(audit.audit_entries(self._session, filters, page_size=page_size))

    async def create_token(
        self,
        name: str,
        *,
        role: str,
        teams: Iterable[str] = (),
        expires_at: str | None = None,
        user: str | None = None,
    ) -> tokens.Token:
        """Create a bearer token (admin); the answer's `token` is its secret, shown once.

        A token made for a `user` acts as that person: governance counts them as one approver.
        """
        return await self._run(
            tokens.create_token(
                self._session, name, role=role, teams=teams, expires_at=expires_at, user=user
            )
        )

    async def list_tokens(self) -> list[tokens.Token]:
        """Every bearer token (admin), without secrets."""
        return await self._run(tokens.list_tokens(self._session))

    async def revoke_token(self, token_id: int) -> None:
        """Revoke a bearer token (admin)."""
        await self._run(tokens.revoke_token(self._session, token_id))

    async def create_user(
        self, username: str, *, password: str, role: str, teams: Iterable[str] = ()
    ) -> users.User:
        """Create a basic-auth user (admin); the password is sent once and never shown."""
        return await self._run(
            users.create_user(self._session, username, password=password, role=role, teams=teams)
        )

    async def list_users(self) -> list[users.User]:
        """Every basic-auth user not deleted (admin), without passwords."""
        return await self._run(users.list_users(self._session))

    async def get_user(self, username: str) -> users.User:
        """One basic-auth user (admin)."""
        return await self._run(users.get_user(self._session, username))

    async def disable_user(self, username: str) -> users.User:
        """Disable a user (admin): the broker refuses its credentials until it is enabled."""
        return await self._run(users.set_user_disabled(self._session, username, disabled=True))

    async def enable_user(self, username: str) -> users.User:
        """Enable a disabled user again (admin)."""
        return await self._run(users.set_user_disabled(self._session, username, disabled=False))

    async def delete_user(self, username: str) -> None:
        """Delete a user (admin); its name stays taken, its audit history readable."""
        await self._run(users.delete_user(self._session, username))

    async def change_password(self, username: str, password: str) -> users.User:
        """Set a user's password (admin, or the user itself)."""
        return await self._run(users.change_password(self._session, username, password))

    async def list_teams(self) -> list[governance.Team]:
        """Every team and the pacticipants it owns (admin)."""
        return await self._run(users.list_teams(self._session))

    async def list_notifications(
        self, pacticipant: str, *, page_size: int = 100
    ) -> list[notification_operations.Notification]:
        """Every notification of a consumer of changed provider contracts, newest first."""
        return await self._run(
            notification_operations.list_notifications(
                self._session, pacticipant, page_size=page_size
            )
        )

    async def get_mode(self, pacticipant: str) -> governance.PacticipantMode:
        """The pacticipant's governance mode (greenfield, brownfield-polish, ...)."""
        return await self._run(governance.get_mode(self._session, pacticipant))

    async def set_mode(self, pacticipant: str, mode: str) -> governance.PacticipantMode:
        """Put the pacticipant in a governance mode (admin)."""
        return await self._run(governance.set_mode(self._session, pacticipant, mode))

    async def get_approval_policy(self, pacticipant: str) -> governance.ApprovalPolicy:
        """Whose approval a change of the pacticipant's contracts needs."""
        return await self._run(governance.get_approval_policy(self._session, pacticipant))

    async def set_approval_policy(
        self, pacticipant: str, *, teams: Iterable[str], required: int
    ) -> governance.ApprovalPolicy:
        """Set which teams approve the pacticipant's contract changes, and how many (admin)."""
        return await self._run(
            governance.set_approval_policy(self._session, pacticipant, teams, required)
        )

    async def create_team(self, name: str, pacticipants: Iterable[str] = ()) -> governance.Team:
        """Create or replace a team and the pacticipants it owns (admin)."""
        return await self._run(governance.create_team(self._session, name, pacticipants))

    async def list_change_requests(
        self, pacticipant: str | None = None, status: str | None = None
    ) -> list[governance.ChangeRequest]:
        """Every change request, of one pacticipant and in one status if given."""
        return await self._run(governance.list_change_requests(self._session, pacticipant, status))

    async def get_change_request(self, change_request: int) -> governance.ChangeRequest:
        """One change request, with its diff."""
        return await self._run(governance.get_change_request(self._session, change_request))

    async def approve_change(
        self, change_request: int, *, as_team: str | None = None
    ) -> governance.ChangeRequest:
        """Approve a change request as the caller (an approver of a required team).

        The approval counts for one team: `as_team`, else the first requirement still owed
        that one of the caller's teams answers. One that changes nothing is not recorded.
        """
        return await self._run(governance.approve_change(self._session, change_request, as_team))

    async def override_change(self, change_request: int, reason: str) -> governance.ChangeRequest:
        """Let a change take effect without approval (admin, break glass).

        The broker must run with `ACCORD_ALLOW_OVERRIDE=true`; the reason is required.
        """
        return await self._run(governance.override_change(self._session, change_request, reason))

    async def reject_change(self, change_request: int, reason: str) -> governance.ChangeRequest:
        """Reject a change request; the reason is required."""
        return await self._run(governance.reject_change(self._session, change_request, reason))

    async def list_latest_pact_versions(self) -> LatestPactList:
        """List the latest pact of every integration."""
        return await self._run(operations.list_latest_pact_versions(self._session))

    async def record_deployment(
        self,
        pacticipant: str,
        version: str,
        environment: str,
        *,
        application_instance: str | None = None,
    ) -> DeployedVersion:
        """Record that a version is deployed to an environment (named, not by uuid)."""
        return await self._run(
            operations.record_deployment(
                self._session,
                pacticipant,
                version,
                environment,
                application_instance=application_instance,
            )
        )

    async def record_undeployment(
        self,
        pacticipant: str,
        environment: str,
        *,
        application_instance: str | None = None,
    ) -> list[DeployedVersion]:
        """Record that whatever version of the pacticipant is deployed there is gone."""
        return await self._run(
            operations.record_undeployment(
                self._session, pacticipant, environment, application_instance=application_instance
            )
        )

    async def record_release(
        self, pacticipant: str, version: str, environment: str
    ) -> ReleasedVersion:
        """Record that a version is released to an environment."""
        return await self._run(
            operations.record_release(self._session, pacticipant, version, environment)
        )

    async def record_support_ended(
        self, pacticipant: str, version: str, environment: str
    ) -> list[ReleasedVersion]:
        """Record that a released version is no longer supported in an environment."""
        return await self._run(
            operations.record_support_ended(self._session, pacticipant, version, environment)
        )

    async def list_deployed_versions(
        self, environment: Environment, pacticipant: str | None = None
    ) -> DeployedVersionList:
        """List the versions currently deployed to an environment."""
        return await self._run(
            operations.list_deployed_versions(self._session, environment, pacticipant)
        )

    async def list_released_versions(
        self, environment: Environment, pacticipant: str | None = None, version: str | None = None
    ) -> ReleasedVersionList:
        """List the released versions an environment currently supports."""
        return await self._run(
            operations.list_released_versions(self._session, environment, pacticipant, version)
        )

    async def get_matrix(
        self,
        selectors: VersionSelector | Iterable[VersionSelector],
        *,
        to_environment: str | None = None,
        to: str | None = None,
        main_branch: bool = False,
        ignore: Iterable[VersionSelector] = (),
        limit: int | None = None,
    ) -> Matrix:
        """The matrix for the selected versions (see `BrokerClient.get_matrix`)."""
        query = MatrixQuery(
            selectors_of(selectors),
            to_environment=to_environment,
            to_tag=to,
            main_branch=main_branch,
            ignore=tuple(ignore),
            limit=limit,
        )
        return await self._run(matrix.get_matrix(self._session, query))

    async def can_i_deploy(
        self,
        selectors: VersionSelector | Iterable[VersionSelector],
        *,
        to_environment: str | None = None,
        to: str | None = None,
        ignore: Iterable[VersionSelector] = (),
        limit: int | None = None,
    ) -> Matrix:
        """Whether the versions may go to an environment (or to what has tag `to`)."""
        return await self.get_matrix(
            selectors, to_environment=to_environment, to=to, ignore=ignore, limit=limit
        )

    async def can_i_merge(
        self,
        selectors: VersionSelector | Iterable[VersionSelector],
        *,
        ignore: Iterable[VersionSelector] = (),
    ) -> Matrix:
        """Whether the versions work with the main branch head of everything they integrate with."""
        return await self.get_matrix(selectors, main_branch=True, ignore=ignore)
