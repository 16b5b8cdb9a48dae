"""Each SDK call as a sequence of requests, written once for both clients.

An operation is a generator: it yields the `httpx.Request` it needs sent, receives the
`httpx.Response`, and returns its result. `BrokerClient` drives it with a blocking send and
`AsyncBrokerClient` with an awaited one, so HAL navigation and the order of requests (which
follow the pact-broker CLI's, see `reference/pact-broker-api.md` §5, §9, §10-§11) live only here.
"""

from __future__ import annotations

import base64
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, NamedTuple, TypeVar

import httpx
import msgspec

from clients.sdk import _hal as hal
from clients.sdk._builder import MERGE_PATCH, RequestBuilder
from clients.sdk._errors import NotFoundError
from clients.sdk._wire import (
    Contact,
    DeployedVersion,
    DeployedVersionList,
    Environment,
    EnvironmentList,
    Index,
    LatestPactList,
    Link,
    Pacticipant,
    PacticipantList,
    PacticipantRef,
    PacticipantsEmbedded,
    PublishedContracts,
    ReleasedVersion,
    ReleasedVersionList,
    Tag,
    Version,
)

T = TypeVar("T")
Operation = Generator[httpx.Request, httpx.Response, T]

# The environment members update-environment must not send back (the broker owns them).
_SERVER_OWNED = ("uuid", "_links", "_embedded", "createdAt", "updatedAt")


@dataclass(frozen=True)
class Saved(Generic[T]):
    """What a create-or-update call stored, and whether it was new."""

    resource: T
    created: bool


class Contract(NamedTuple):
    """One pact to publish: its consumer's and provider's names, and the pact JSON as read."""

    consumer: str
    provider: str
    content: bytes


class Session:
    """One client's builder plus the broker's index, fetched once and then reused."""

    def __init__(self, builder: RequestBuilder) -> None:
        self.builder = builder
        self._index: Index | None = None

    def index(self) -> Operation[Index]:
        """Fetch `GET /` the first time it is needed."""
        if self._index is None:
            self._index = yield from self.fetch("GET", "/", Index)
        return self._index

    def relation(self, relation: str, **values: str) -> Operation[str]:
        """The index's `relation` href, with `values` expanded into it."""
        index = yield from self.index()
        link = hal.find_link(index.links, relation, where="the index")
        return hal.expand(link.href, values)

    def fetch(
        self,
        method: str,
        href: str,
        into: type[T],
        *,
        body: object = None,
        params: Mapping[str, str] | None = None,
        content_type: str = "application/json",
    ) -> Operation[T]:
        """Send one request and decode the answer into `into`."""
        request = self.builder.request(
            method, href, body=body, params=params, content_type=content_type
        )
        response = yield request
        return self.builder.read(response, into)

    def send(self, method: str, href: str) -> Operation[httpx.Response]:
        """Send one request whose answer has no body the SDK needs."""
        response = yield self.builder.request(method, href)
        self.builder.check(response)
        return response


# Environments


def create_environment(
    session: Session,
    name: str,
    *,
    display_name: str | None,
    production: bool,
    contacts: Iterable[Contact],
) -> Operation[Environment]:
    """`POST pb:environments`; `production` is always sent, as both pact-broker CLIs do."""
    href = yield from session.relation("pb:environments")
    body: dict[str, object] = {"name": name, "production": production}
    if display_name is not None:
        body["displayName"] = display_name
    contact_list = list(contacts)
    if contact_list:
        body["contacts"] = contact_list
    return (yield from session.fetch("POST", href, Environment, body=body))


def get_environment(session: Session, uuid: str) -> Operation[Environment]:
    """`GET pb:environment`."""
    href = yield from session.relation("pb:environment", uuid=uuid)
    return (yield from session.fetch("GET", href, Environment))


def update_environment(
    session: Session,
    uuid: str,
    *,
    name: str | None,
    display_name: str | None,
    production: bool | None,
    contacts: Iterable[Contact] | None,
) -> Operation[Environment]:
    """GET the environment, merge the given values and PUT the whole object back.

    This is what the Ruby CLI does; members left as None keep their stored value.
    """
    href = yield from session.relation("pb:environment", uuid=uuid)
    current = yield from session.fetch("GET", href, dict[str, object])
    body = {key: value for key, value in current.items() if key not in _SERVER_OWNED}
    changes: dict[str, object | None] = {
        "name": name,
        "displayName": display_name,
        "production": production,
        "contacts": None if contacts is None else list(contacts),
    }
    body.update({key: value for key, value in changes.items() if value is not None})
    return (yield from session.fetch("PUT", href, Environment, body=body))


def list_environments(session: Session) -> Operation[EnvironmentList]:
    """`GET pb:environments`."""
    href = yield from session.relation("pb:environments")
    return (yield from session.fetch("GET", href, EnvironmentList))


def find_environment(session: Session, name: str) -> Operation[Environment]:
    """Find an environment by name in `pb:environments` and GET it.

    Raises:
        NotFoundError: no environment has that name.
    """
    environments = yield from list_environments(session)
    link = hal.find_named_link(environments.links, "pb:environments", name)
    if link is None:
        match = next((e for e in environments.embedded.environments if e.name == name), None)
        if match is None:
            raise NotFoundError(f"Environment {name} does not exist.", status=404)
        return (yield from get_environment(session, match.uuid))
    return (yield from session.fetch("GET", link.href, Environment))


def delete_environment(session: Session, uuid: str) -> Operation[None]:
    """`DELETE pb:environment`."""
    href = yield from session.relation("pb:environment", uuid=uuid)
    yield from session.send("DELETE", href)


# Pacticipants


def create_or_update_pacticipant(
    session: Session,
    name: str,
    *,
    display_name: str | None,
    main_branch: str | None,
    repository_url: str | None,
) -> Operation[Saved[Pacticipant]]:
    """GET the pacticipant; POST `pb:pacticipants` if it is missing, else PATCH it."""
    changes = {
        key: value
        for key, value in {
            "displayName": display_name,
            "mainBranch": main_branch,
            "repositoryUrl": repository_url,
        }.items()
        if value is not None
    }
    href = yield from session.relation("pb:pacticipant", pacticipant=name)
    try:
        existing = yield from session.fetch("GET", href, Pacticipant)
    except NotFoundError:
        collection = yield from session.relation("pb:pacticipants")
        created = yield from session.fetch(
            "POST", collection, Pacticipant, body={"name": name, **changes}
        )
        return Saved(created, created=True)
    self_link = existing.links.get("self")
    target = self_link.href if isinstance(self_link, Link) else href
    updated = yield from session.fetch(
        "PATCH", target, Pacticipant, body=changes, content_type=MERGE_PATCH
    )
    return Saved(updated, created=False)


def get_pacticipant(session: Session, name: str) -> Operation[Pacticipant]:
    """`GET pb:pacticipant`."""
    href = yield from session.relation("pb:pacticipant", pacticipant=name)
    try:
        return (yield from session.fetch("GET", href, Pacticipant))
    except NotFoundError as error:
        raise _not_found(error, f"Pacticipant {name} does not exist.") from error


def list_pacticipants(session: Session) -> Operation[PacticipantList]:
    """`GET pb:pacticipants`, following `next` links until the last page."""
    href = yield from session.relation("pb:pacticipants")
    first = yield from session.fetch("GET", href, PacticipantList)
    pacticipants = list(first.embedded.pacticipants)
    page = first
    while isinstance(following := page.links.get("next"), Link):
        page = yield from session.fetch("GET", following.href, PacticipantList)
        pacticipants.extend(page.embedded.pacticipants)
    return msgspec.structs.replace(first, embedded=PacticipantsEmbedded(pacticipants=pacticipants))


# Versions, branches and tags


def create_or_update_version(
    session: Session,
    pacticipant: str,
    version: str,
    *,
    branch: str | None,
    tags: Iterable[str],
    build_url: str | None,
) -> Operation[Saved[Version]]:
    """PUT the version, then its branch and each tag; GET it again if either was added."""
    href = yield from session.relation(
        "pb:pacticipant-version", pacticipant=pacticipant, version=version
    )
    body = {} if build_url is None else {"buildUrl": build_url}
    request = session.builder.request("PUT", href, body=body)
    response = yield request
    saved = session.builder.read(response, Version)
    created = response.status_code == httpx.codes.CREATED
    tag_list = list(tags)
    if branch is not None:
        branch_href = yield from session.relation(
            "pb:pacticipant-branch-version",
            pacticipant=pacticipant,
            branch=branch,
            version=version,
        )
        yield from session.fetch("PUT", branch_href, dict[str, object])
    yield from _put_tags(session, pacticipant, version, tag_list)
    if branch is not None or tag_list:
        saved = yield from session.fetch("GET", href, Version)
    return Saved(saved, created=created)


def get_version(session: Session, pacticipant: str, version: str) -> Operation[Version]:
    """`GET pb:pacticipant-version`.

    Raises:
        NotFoundError: "Version V of P does not exist".
    """
    href = yield from session.relation(
        "pb:pacticipant-version", pacticipant=pacticipant, version=version
    )
    try:
        return (yield from session.fetch("GET", href, Version))
    except NotFoundError as error:
        raise _not_found(error, f"Version {version} of {pacticipant} does not exist.") from error


def get_latest_version(session: Session, pacticipant: str, tag: str | None) -> Operation[Version]:
    """`GET pb:latest-version`, or `pb:latest-tagged-version` when a tag is given."""
    if tag is None:
        href = yield from session.relation("pb:latest-version", pacticipant=pacticipant)
        missing = f"{pacticipant} has no versions."
    else:
        href = yield from session.relation(
            "pb:latest-tagged-version", pacticipant=pacticipant, tag=tag
        )
        missing = f"{pacticipant} has no version tagged {tag}."
    try:
        return (yield from session.fetch("GET", href, Version))
    except NotFoundError as error:
        raise _not_found(error, missing) from error


def create_version_tag(
    session: Session,
    pacticipant: str,
    version: str,
    tags: Iterable[str],
    *,
    auto_create_version: bool,
) -> Operation[list[Tag]]:
    """PUT each tag; unless `auto_create_version`, first check that the version exists.

    Raises:
        NotFoundError: the version does not exist and may not be created.
    """
    if not auto_create_version:
        yield from get_version(session, pacticipant, version)
    return (yield from _put_tags(session, pacticipant, version, list(tags)))


def _put_tags(
    session: Session, pacticipant: str, version: str, tags: list[str]
) -> Operation[list[Tag]]:
    saved: list[Tag] = []
    for tag in tags:
        href = yield from session.relation(
            "pb:pacticipant-version-tag", pacticipant=pacticipant, version=version, tag=tag
        )
        saved.append((yield from session.fetch("PUT", href, Tag)))
    return saved


# Pacts


def publish_contracts(
    session: Session,
    pacticipant: str,
    version: str,
    pacts: Iterable[tuple[str, str, bytes]],
    *,
    branch: str | None,
    tags: Iterable[str],
    build_url: str | None,
    merge: bool,
) -> Operation[PublishedContracts]:
    """POST every pact of one consumer version to `pb:publish-contracts` in one request.

    The broker records the version, its branch and tags and the pacts in one transaction, so
    a refused pact leaves nothing half-published. Each pact travels as strict Base64 of the
    bytes given (no newlines), so the broker keeps the document as written.

    Raises:
        ValueError: no pacts, or a pact whose consumer is not `pacticipant` (the broker
            requires `consumerName` to be the publishing pacticipant).
    """
    contracts = [Contract(*pact) for pact in pacts]
    if not contracts:
        msg = f"No pacts to publish for {pacticipant} version {version}"
        raise ValueError(msg)
    strangers = sorted({contract.consumer for contract in contracts} - {pacticipant})
    if strangers:
        msg = f"Pacts of {', '.join(strangers)} cannot be published as {pacticipant}'s"
        raise ValueError(msg)
    href = yield from session.relation("pb:publish-contracts")
    body: dict[str, object] = {
        "pacticipantName": pacticipant,
        "pacticipantVersionNumber": version,
        "tags": list(tags),
        "contracts": [
            {
                "consumerName": contract.consumer,
                "providerName": contract.provider,
                "specification": "pact",
                "contentType": "application/json",
                "content": base64.b64encode(contract.content).decode("ascii"),
                "onConflict": "merge" if merge else "overwrite",
            }
            for contract in contracts
        ],
    }
    if branch is not None:
        body["branch"] = branch
    if build_url is not None:
        body["buildUrl"] = build_url
    return (yield from session.fetch("POST", href, PublishedContracts, body=body))


def list_latest_pact_versions(session: Session) -> Operation[LatestPactList]:
    """`GET pb:latest-pact-versions`: the latest pact of every integration."""
    href = yield from session.relation("pb:latest-pact-versions")
    return (yield from session.fetch("GET", href, LatestPactList))


# Deployed and released versions


def record_deployment(
    session: Session,
    pacticipant: str,
    version: str,
    environment: str,
    *,
    application_instance: str | None,
) -> Operation[DeployedVersion]:
    """POST the version's `pb:record-deployment` link named after the environment."""
    href = yield from _environment_link(
        session, "pb:record-deployment", pacticipant, version, environment
    )
    body = {} if application_instance is None else {"applicationInstance": application_instance}
    return (yield from session.fetch("POST", href, DeployedVersion, body=body))


def record_release(
    session: Session, pacticipant: str, version: str, environment: str
) -> Operation[ReleasedVersion]:
    """POST the version's `pb:record-release` link named after the environment."""
    href = yield from _environment_link(
        session, "pb:record-release", pacticipant, version, environment
    )
    return (yield from session.fetch("POST", href, ReleasedVersion))


def _environment_link(
    session: Session, relation: str, pacticipant: str, version: str, environment: str
) -> Operation[str]:
    found = yield from get_version(session, pacticipant, version)
    link = hal.find_named_link(found.links, relation, environment)
    if link is None:
        raise NotFoundError(f"Environment {environment} does not exist.", status=404)
    return link.href


def list_deployed_versions(
    session: Session, environment: Environment, pacticipant: str | None
) -> Operation[DeployedVersionList]:
    """GET the environment's currently deployed versions, of one pacticipant if given."""
    link = hal.find_link(
        environment.links,
        "pb:currently-deployed-deployed-versions",
        where=f"environment {environment.name}",
    )
    params = {} if pacticipant is None else {"pacticipant": pacticipant}
    return (yield from session.fetch("GET", link.href, DeployedVersionList, params=params))


def list_released_versions(
    session: Session, environment: Environment, pacticipant: str | None, version: str | None
) -> Operation[ReleasedVersionList]:
    """GET the environment's currently supported released versions, optionally narrowed."""
    link = hal.find_link(
        environment.links,
        "pb:currently-supported-released-versions",
        where=f"environment {environment.name}",
    )
    params = {"pacticipant": pacticipant} if pacticipant is not None else {}
    if version is not None:
        params["version"] = version
    return (yield from session.fetch("GET", link.href, ReleasedVersionList, params=params))


def record_undeployment(
    session: Session,
    pacticipant: str,
    environment: str,
    *,
    application_instance: str | None,
) -> Operation[list[DeployedVersion]]:
    """Mark the pacticipant's deployments to the environment (and instance) as undeployed.

    Raises:
        NotFoundError: the environment does not exist, or nothing matching is deployed there.
    """
    found = yield from find_environment(session, environment)
    listed = yield from list_deployed_versions(session, found, pacticipant)
    # Filter here too: the rust CLI does, and a broker ignoring `pacticipant` stays harmless.
    matching = [
        deployed
        for deployed in listed.embedded.deployed_versions
        if (deployed.application_instance or deployed.target) == application_instance
        and _names_pacticipant(deployed.embedded.pacticipant, pacticipant)
    ]
    if not matching:
        instance = (
            ""
            if application_instance is None
            else f" (application instance {application_instance})"
        )
        msg = f"{pacticipant} is not currently deployed to environment {environment}{instance}."
        raise NotFoundError(msg, status=404)
    undeployed: list[DeployedVersion] = []
    for deployed in matching:
        href = hal.find_link(deployed.links, "self", where="a deployed version").href
        undeployed.append(
            (
                yield from session.fetch(
                    "PATCH",
                    href,
                    DeployedVersion,
                    body={"currentlyDeployed": False},
                    content_type=MERGE_PATCH,
                )
            )
        )
    return undeployed


def record_support_ended(
    session: Session, pacticipant: str, version: str, environment: str
) -> Operation[list[ReleasedVersion]]:
    """Mark the released version as no longer supported in the environment.

    Raises:
        NotFoundError: the environment does not exist, or the version is not supported there.
    """
    found = yield from find_environment(session, environment)
    listed = yield from list_released_versions(session, found, pacticipant, version)
    matching = [
        released
        for released in listed.embedded.released_versions
        if _names_pacticipant(released.embedded.pacticipant, pacticipant)
        and (released.embedded.version is None or released.embedded.version.number == version)
    ]
    if not matching:
        msg = (
            f"Version {version} of {pacticipant} is not currently released "
            f"in environment {environment}."
        )
        raise NotFoundError(msg, status=404)
    ended: list[ReleasedVersion] = []
    for released in matching:
        href = hal.find_link(released.links, "self", where="a released version").href
        ended.append(
            (
                yield from session.fetch(
                    "PATCH",
                    href,
                    ReleasedVersion,
                    body={"currentlySupported": False},
                    content_type=MERGE_PATCH,
                )
            )
        )
    return ended


def _names_pacticipant(reference: PacticipantRef | None, name: str) -> bool:
    # An entry without `_embedded.pacticipant` is trusted to match the `pacticipant` filter.
    return reference is None or reference.name == name


def _not_found(error: NotFoundError, message: str) -> NotFoundError:
    return NotFoundError(
        message,
        status=error.status,
        title=error.title,
        detail=error.detail,
        errors=error.errors,
        notices=error.notices,
        url=error.url,
    )
