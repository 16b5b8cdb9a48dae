"""Environments: where versions are deployed or released."""

from __future__ import annotations

import msgspec

from broker.domain.errors import FieldError, InvalidInputError, NotFoundError
from broker.domain.model import Contact, Environment
from broker.domain.names import name_problems
from broker.services.audit import audit, fields_hash
from broker.services.clock import Clock, IdSource, random_uuid, system_clock
from broker.storage.interface import Environments, Storage


class EnvironmentAttributes(msgspec.Struct, frozen=True, kw_only=True):
    """What a user sets on an environment."""

    name: str
    display_name: str | None = None
    production: bool
    contacts: tuple[Contact, ...] = ()


def default_display_name(name: str) -> str:
    """`test-eu_west` becomes `Test Eu West`, as the Pact Broker titles a name."""
    return " ".join(word.capitalize() for word in name.replace("_", " ").replace("-", " ").split())


def check_attributes(attributes: EnvironmentAttributes) -> None:
    """Refuse a blank or spaced name and contacts without names."""
    problems: list[FieldError] = name_problems(attributes.name, "/name", spaces=False)
    for index, contact in enumerate(attributes.contacts):
        if not contact.name.strip():
            problems.append(FieldError(f"/contacts/{index}/name", "must not be blank"))
    if problems:
        raise InvalidInputError("The environment is not valid", problems)


async def require_environment(tx: Environments, uuid: str) -> Environment:
    """The environment with this uuid, or `NotFoundError`."""
    found = await tx.find_environment(uuid)
    if found is None:
        raise NotFoundError(f"No environment with uuid {uuid!r} exists")
    return found


class EnvironmentService:
    """Environment use cases."""

    def __init__(
        self, storage: Storage, clock: Clock = system_clock, new_id: IdSource = random_uuid
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._new_id = new_id

    async def create(self, attributes: EnvironmentAttributes) -> Environment:
        """A new environment; `ConflictError` if the name is taken."""
        check_attributes(attributes)
        now = self._clock()
        environment = Environment(
            uuid=self._new_id(),
            name=attributes.name,
            display_name=attributes.display_name or default_display_name(attributes.name),
            production=attributes.production,
            contacts=attributes.contacts,
            created_at=now,
            updated_at=now,
        )
        async with self._storage.transaction() as tx:
            created = await tx.insert_environment(environment)
            subject, after = f"environment:{created.name}", fields_hash(created)
            await audit(tx, now, "environment.create", subject, None, after)
            return created

    async def get(self, uuid: str) -> Environment:
        """An environment by uuid."""
        async with self._storage.transaction() as tx:
            return await require_environment(tx, uuid)

    async def replace(self, uuid: str, attributes: EnvironmentAttributes) -> Environment:
        """Replace an environment's attributes, keeping its uuid and creation time."""
        check_attributes(attributes)
        async with self._storage.transaction() as tx:
            current = await require_environment(tx, uuid)
            updated = msgspec.structs.replace(
                current,
                name=attributes.name,
                display_name=attributes.display_name or default_display_name(attributes.name),
                production=attributes.production,
                contacts=attributes.contacts,
                updated_at=self._clock(),
            )
            saved = await tx.update_environment(updated)
            before, after = fields_hash(current), fields_hash(saved)
            subject = f"environment:{saved.name}"
            await audit(tx, saved.updated_at, "environment.update", subject, before, after)
            return saved

    async def delete(self, uuid: str) -> None:
        """Remove an environment with its deployment and release records."""
        async with self._storage.transaction() as tx:
            environment = await require_environment(tx, uuid)
            await tx.delete_environment(environment)
            subject, before = f"environment:{environment.name}", fields_hash(environment)
            await audit(tx, self._clock(), "environment.delete", subject, before, None)

    async def list_environments(self, name: str | None = None) -> list[Environment]:
        """Every environment, or the one with `name`."""
        async with self._storage.browse() as tx:
            if name is not None:
                found = await tx.find_environment_by_name(name)
                return [found] if found else []
            return await tx.list_environments()
