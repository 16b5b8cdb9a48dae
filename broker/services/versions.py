"""Versions, branches and tags of pacticipants."""

from __future__ import annotations

from typing import Protocol

import msgspec

from broker.domain.errors import NotFoundError
from broker.domain.model import (
    Branch,
    Environment,
    Pacticipant,
    PacticipantChanges,
    Page,
    Tag,
    Version,
)
from broker.domain.names import MAIN_BRANCH_CANDIDATES, check_name
from broker.services.audit import audit, fields_hash
from broker.services.clock import Clock, system_clock
from broker.services.pacticipants import ensure_pacticipant, require_pacticipant
from broker.services.races import find_or_insert
from broker.storage.interface import Deployments, Environments, Pacticipants, Storage, Versions


class _Roles(Deployments, Environments, Pacticipants, Versions, Protocol):
    """The storage roles this module's helpers use."""


class BranchHead(msgspec.Struct, frozen=True, kw_only=True):
    """A branch a version is on, and whether the version is its head (latest)."""

    name: str
    is_latest: bool


class VersionDetails(msgspec.Struct, frozen=True, kw_only=True):
    """A version with everything its resource shows."""

    pacticipant: Pacticipant
    version: Version
    tags: list[Tag]
    branches: list[BranchHead]
    environments: list[Environment]
    deployed_environment_ids: list[str]
    released_environment_ids: list[str]


class BranchDetails(msgspec.Struct, frozen=True, kw_only=True):
    """A branch with its pacticipant and head version."""

    pacticipant: Pacticipant
    branch: Branch
    head: Version | None


async def require_version(tx: Versions, pacticipant: Pacticipant, number: str) -> Version:
    """The version, or `NotFoundError` naming it."""
    found = await tx.find_version(pacticipant.id, number)
    if found is None:
        raise NotFoundError(f"Version {number!r} of {pacticipant.name!r} does not exist")
    return found


async def head_of(tx: Versions, branch: Branch) -> Version | None:
    """The version most recently added to the branch (the Pact Broker's branch head)."""
    versions, _ = await tx.branch_versions(branch.id, Page(number=1, size=1))
    return versions[0] if versions else None


async def branch_head(tx: Versions, pacticipant: Pacticipant, branch_name: str) -> Version | None:
    """The head of the pacticipant's branch, or None when the branch is unknown or empty."""
    return await tx.find_branch_head(pacticipant.id, branch_name)


async def detect_main_branch(
    tx: Pacticipants, pacticipant: Pacticipant, branch_name: str, clock: Clock
) -> Pacticipant:
    """Make `branch_name` the main branch if the pacticipant has none and it is a candidate.

    As the Pact Broker's `auto_detect_main_branch` does with `develop`, `main` and `master`.
    """
    if pacticipant.main_branch is None and branch_name in MAIN_BRANCH_CANDIDATES:
        return await tx.update_pacticipant(
            pacticipant, PacticipantChanges(main_branch=branch_name), clock()
        )
    return pacticipant


async def ensure_version(
    tx: Versions, pacticipant: Pacticipant, number: str, clock: Clock
) -> tuple[Version, bool]:
    """The version, created if new; and whether it was created."""
    check_name(number, "/version", "version number")
    return await find_or_insert(
        lambda: tx.find_version(pacticipant.id, number),
        lambda: tx.insert_version(pacticipant.id, number, None, clock()),
    )


async def record_branch_and_tags(
    tx: _Roles,
    pacticipant: Pacticipant,
    version: Version,
    *,
    branch_name: str | None,
    tags: tuple[str, ...],
    clock: Clock,
) -> tuple[str | None, tuple[str, ...]]:
    """Put a version on a branch and give it tags, as publishing does (each once).

    Returns what was new: the branch, if the version joined it now, and the tags it did not
    have before.
    """
    joined = None
    if branch_name is not None:
        name = branch_name
        branch, _ = await find_or_insert(
            lambda: tx.find_branch(pacticipant.id, name),
            lambda: tx.insert_branch(pacticipant.id, name, clock()),
        )
        _, added = await find_or_insert(
            lambda: tx.find_branch_version(branch.id, version.id),
            lambda: tx.insert_branch_version(branch.id, version.id, clock()),
        )
        joined = name if added else None
        await detect_main_branch(tx, pacticipant, name, clock)
    given = []
    for tag in dict.fromkeys(tags):
        _, created = await find_or_insert(
            lambda tag=tag: tx.find_tag(version.id, tag),  # type: ignore[misc]
            lambda tag=tag: tx.insert_tag(version.id, tag, clock()),  # type: ignore[misc]
        )
        if created:
            given.append(tag)
    return joined, tuple(given)


class VersionService:
    """Version, branch and tag use cases."""

    def __init__(self, storage: Storage, clock: Clock = system_clock) -> None:
        self._storage = storage
        self._clock = clock

    async def details(
        self,
        tx: _Roles,
        pacticipant: Pacticipant,
        version: Version,
        environments: list[Environment] | None = None,
    ) -> VersionDetails:
        """Assemble what the version resource shows (`environments`: every one, if read)."""
        deployed, released = await tx.environments_of_version(version.id)
        return VersionDetails(
            pacticipant=pacticipant,
            version=version,
            tags=await tx.tags_of_version(version.id),
            branches=[
                BranchHead(name=b.name, is_latest=head)
                for b, head in await tx.branches_of_version(version.id)
            ],
            environments=await tx.list_environments() if environments is None else environments,
            deployed_environment_ids=deployed,
            released_environment_ids=released,
        )

    async def get(self, pacticipant_name: str, number: str) -> VersionDetails:
        """A version of a pacticipant."""
        async with self._storage.transaction() as tx:
            pacticipant = await require_pacticipant(tx, pacticipant_name)
            version = await require_version(tx, pacticipant, number)
            return await self.details(tx, pacticipant, version)

    async def latest(self, pacticipant_name: str, tag: str | None = None) -> VersionDetails:
        """The newest version of a pacticipant, or the newest with a tag."""
        async with self._storage.transaction() as tx:
            pacticipant = await require_pacticipant(tx, pacticipant_name)
            version = await tx.latest_version(pacticipant.id, tag)
            if version is None:
                with_tag = f" with tag {tag!r}" if tag else ""
                raise NotFoundError(f"{pacticipant_name!r} has no version{with_tag}")
            return await self.details(tx, pacticipant, version)

    async def create_or_update(
        self,
        pacticipant_name: str,
        number: str,
        *,
        build_url: str | msgspec.UnsetType | None = msgspec.UNSET,
        tags: list[str] | None = None,
    ) -> tuple[VersionDetails, bool]:
        """Create the version (and its pacticipant) or update its build URL; add `tags`.

        Returns:
            The version and whether it was created.
        """
        check_name(pacticipant_name, "/pacticipant", "pacticipant name")
        check_name(number, "/version", "version number")
        for index, tag in enumerate(tags or []):
            check_name(tag, f"/tags/{index}", "tag")
        async with self._storage.transaction() as tx:
            pacticipant = await ensure_pacticipant(tx, pacticipant_name, self._clock)
            url = None if build_url is msgspec.UNSET else build_url
            version, created = await find_or_insert(
                lambda: tx.find_version(pacticipant.id, number),
                lambda: tx.insert_version(pacticipant.id, number, url, self._clock()),
            )
            before = None if created else fields_hash(version)
            if not created and build_url is not msgspec.UNSET and build_url != version.build_url:
                version = await tx.update_version(version, build_url, self._clock())
            for tag in tags or []:
                await self._ensure_tag(tx, version, tag)
            action = "version.create" if created else "version.update"
            subject = f"version:{pacticipant.name}@{number}"
            after = fields_hash(version)
            await audit(tx, self._clock(), action, subject, before, after, pacticipant.name)
            return await self.details(tx, pacticipant, version), created

    async def list_versions(
        self, pacticipant_name: str, page: Page
    ) -> tuple[Pacticipant, list[Version], int]:
        """Versions newest first, one page of them, and the total."""
        async with self._storage.browse() as tx:
            pacticipant = await require_pacticipant(tx, pacticipant_name)
            versions, total = await tx.list_versions(pacticipant.id, page)
            return pacticipant, versions, total

    async def list_details(
        self, pacticipant_name: str, page: Page
    ) -> tuple[Pacticipant, list[VersionDetails], int]:
        """As `list_versions`, each version with its tags, branches and environments.

        One transaction for the page (the pacticipant page shows them all).
        """
        async with self._storage.browse() as tx:
            pacticipant = await require_pacticipant(tx, pacticipant_name)
            versions, total = await tx.list_versions(pacticipant.id, page)
            environments = await tx.list_environments()
            return (
                pacticipant,
                [await self.details(tx, pacticipant, v, environments) for v in versions],
                total,
            )

    async def delete(self, pacticipant_name: str, number: str) -> None:
        """Remove a version with its tags, branch memberships, deployments and releases."""
        async with self._storage.transaction() as tx:
            pacticipant = await require_pacticipant(tx, pacticipant_name)
            version = await require_version(tx, pacticipant, number)
            await tx.delete_version(version)
            subject, before = f"version:{pacticipant.name}@{number}", fields_hash(version)
            await audit(
                tx, self._clock(), "version.delete", subject, before, None, pacticipant.name
            )

    # branches

    async def add_to_branch(
        self, pacticipant_name: str, branch_name: str, number: str
    ) -> tuple[BranchDetails, Version, bool]:
        """Add a version to a branch, creating what is missing; idempotent.

        Returns:
            The branch, the version, and whether the version was newly added to the branch.
        """
        check_name(pacticipant_name, "/pacticipant", "pacticipant name")
        check_name(branch_name, "/branch", "branch name")
        check_name(number, "/version", "version number")
        async with self._storage.transaction() as tx:
            pacticipant = await ensure_pacticipant(tx, pacticipant_name, self._clock)
            version, _ = await ensure_version(tx, pacticipant, number, self._clock)
            branch, _ = await find_or_insert(
                lambda: tx.find_branch(pacticipant.id, branch_name),
                lambda: tx.insert_branch(pacticipant.id, branch_name, self._clock()),
            )
            membership, added = await find_or_insert(
                lambda: tx.find_branch_version(branch.id, version.id),
                lambda: tx.insert_branch_version(branch.id, version.id, self._clock()),
            )
            pacticipant = await detect_main_branch(tx, pacticipant, branch_name, self._clock)
            subject = f"branch-version:{pacticipant.name}/{branch_name}@{number}"
            before = None if added else fields_hash(membership)
            after = fields_hash(membership)
            await audit(
                tx, self._clock(), "branch.add-version", subject, before, after, pacticipant.name
            )
            head = await head_of(tx, branch)
            return BranchDetails(pacticipant=pacticipant, branch=branch, head=head), version, added

    async def _ensure_tag(self, tx: Versions, version: Version, name: str) -> tuple[Tag, bool]:
        return await find_or_insert(
            lambda: tx.find_tag(version.id, name),
            lambda: tx.insert_tag(version.id, name, self._clock()),
        )

    async def _require_branch(self, tx: Versions, pacticipant: Pacticipant, name: str) -> Branch:
        branch = await tx.find_branch(pacticipant.id, name)
        if branch is None:
            raise NotFoundError(f"{pacticipant.name!r} has no branch {name!r}")
        return branch

    async def get_branch(self, pacticipant_name: str, branch_name: str) -> BranchDetails:
        """A branch and its head."""
        async with self._storage.transaction() as tx:
            pacticipant = await require_pacticipant(tx, pacticipant_name)
            branch = await self._require_branch(tx, pacticipant, branch_name)
            return BranchDetails(
                pacticipant=pacticipant, branch=branch, head=await head_of(tx, branch)
            )

    async def get_branch_version(
        self, pacticipant_name: str, branch_name: str, number: str
    ) -> tuple[BranchDetails, Version]:
        """A version's membership of a branch; `NotFoundError` if it is not on it."""
        async with self._storage.transaction() as tx:
            pacticipant = await require_pacticipant(tx, pacticipant_name)
            branch = await self._require_branch(tx, pacticipant, branch_name)
            version = await require_version(tx, pacticipant, number)
            if await tx.find_branch_version(branch.id, version.id) is None:
                raise NotFoundError(f"Version {number!r} is not on branch {branch_name!r}")
            head = await head_of(tx, branch)
            return BranchDetails(pacticipant=pacticipant, branch=branch, head=head), version

    async def list_branches(
        self, pacticipant_name: str, page: Page
    ) -> tuple[Pacticipant, list[Branch], int]:
        """Branches, most recently created first."""
        async with self._storage.browse() as tx:
            pacticipant = await require_pacticipant(tx, pacticipant_name)
            branches, total = await tx.list_branches(pacticipant.id, page)
            return pacticipant, branches, total

    async def branch_versions(
        self, pacticipant_name: str, branch_name: str, page: Page
    ) -> tuple[BranchDetails, list[Version], int]:
        """Versions of a branch, most recently added first."""
        async with self._storage.browse() as tx:
            pacticipant = await require_pacticipant(tx, pacticipant_name)
            branch = await self._require_branch(tx, pacticipant, branch_name)
            versions, total = await tx.branch_versions(branch.id, page)
            head = versions[0] if versions and page.number == 1 else await head_of(tx, branch)
            return BranchDetails(pacticipant=pacticipant, branch=branch, head=head), versions, total

    async def delete_branch(self, pacticipant_name: str, branch_name: str) -> None:
        """Remove a branch (its versions stay)."""
        async with self._storage.transaction() as tx:
            pacticipant = await require_pacticipant(tx, pacticipant_name)
            branch = await self._require_branch(tx, pacticipant, branch_name)
            await tx.delete_branch(branch)
            subject, before = f"branch:{pacticipant.name}/{branch_name}", fields_hash(branch)
            await audit(tx, self._clock(), "branch.delete", subject, before, None, pacticipant.name)

    async def remove_from_branch(
        self, pacticipant_name: str, branch_name: str, number: str
    ) -> None:
        """Take a version off a branch."""
        async with self._storage.transaction() as tx:
            pacticipant = await require_pacticipant(tx, pacticipant_name)
            branch = await self._require_branch(tx, pacticipant, branch_name)
            version = await require_version(tx, pacticipant, number)
            membership = await tx.find_branch_version(branch.id, version.id)
            if not await tx.delete_branch_version(branch.id, version.id):
                raise NotFoundError(f"Version {number!r} is not on branch {branch_name!r}")
            subject = f"branch-version:{pacticipant.name}/{branch_name}@{number}"
            before = fields_hash(membership)
            await audit(
                tx, self._clock(), "branch.remove-version", subject, before, None, pacticipant.name
            )

    # tags

    async def tag(
        self, pacticipant_name: str, number: str, tag_name: str
    ) -> tuple[Pacticipant, Version, Tag, bool]:
        """Tag a version, creating pacticipant and version if new; idempotent.

        Returns:
            The pacticipant, version, tag, and whether the tag is new.
        """
        check_name(pacticipant_name, "/pacticipant", "pacticipant name")
        check_name(number, "/version", "version number")
        check_name(tag_name, "/tag", "tag")
        async with self._storage.transaction() as tx:
            pacticipant = await ensure_pacticipant(tx, pacticipant_name, self._clock)
            version, _ = await ensure_version(tx, pacticipant, number, self._clock)
            tag, created = await self._ensure_tag(tx, version, tag_name)
            subject = f"tag:{pacticipant.name}@{number}#{tag_name}"
            before, after = None if created else fields_hash(tag), fields_hash(tag)
            await audit(tx, self._clock(), "tag.add", subject, before, after, pacticipant.name)
            return pacticipant, version, tag, created

    async def get_tag(
        self, pacticipant_name: str, number: str, tag_name: str
    ) -> tuple[Pacticipant, Version, Tag]:
        """A tag of a version."""
        async with self._storage.transaction() as tx:
            pacticipant = await require_pacticipant(tx, pacticipant_name)
            version = await require_version(tx, pacticipant, number)
            tag = await tx.find_tag(version.id, tag_name)
            if tag is None:
                raise NotFoundError(
                    f"Version {number!r} of {pacticipant_name!r} has no tag {tag_name!r}"
                )
            return pacticipant, version, tag

    async def delete_tag(self, pacticipant_name: str, number: str, tag_name: str) -> None:
        """Remove a tag from a version."""
        async with self._storage.transaction() as tx:
            pacticipant = await require_pacticipant(tx, pacticipant_name)
            version = await require_version(tx, pacticipant, number)
            tag = await tx.find_tag(version.id, tag_name)
            if not await tx.delete_tag(version.id, tag_name):
                raise NotFoundError(
                    f"Version {number!r} of {pacticipant_name!r} has no tag {tag_name!r}"
                )
            subject = f"tag:{pacticipant.name}@{number}#{tag_name}"
            before = fields_hash(tag)
            await audit(tx, self._clock(), "tag.delete", subject, before, None, pacticipant.name)
