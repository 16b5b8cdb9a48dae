"""Environments (pact-broker-api §10)."""

from __future__ import annotations

from litestar import Controller, Response, delete, get, post, put
from litestar.datastructures import State

from broker.http import resources
from broker.http.body import read_json
from broker.http.context import PathName, links_for, services_of
from broker.http.hal import AnyRequest, hal
from broker.http.wire import EnvironmentBody
from broker.services.environments import EnvironmentAttributes


def _attributes(body: EnvironmentBody) -> EnvironmentAttributes:
    return EnvironmentAttributes(
        name=body.name,
        display_name=body.display_name,
        production=body.production,
        contacts=body.contact_values(),
    )


class EnvironmentController(Controller):
    """`/environments` and `/environments/{uuid}`."""

    path = "/environments"

    @get("/")
    async def list_environments(self, request: AnyRequest, state: State) -> Response[bytes]:
        """Every environment (`?name=` narrows to one)."""
        items = await services_of(state).environments.list_environments(
            request.query_params.get("name")
        )
        return hal(resources.environments(links_for(request, state), items))

    @post("/")
    async def create_environment(self, request: AnyRequest, state: State) -> Response[bytes]:
        """Create an environment; 409 when the name is taken."""
        body = await read_json(request, EnvironmentBody)
        created = await services_of(state).environments.create(_attributes(body))
        resource = resources.environment(links_for(request, state), created)
        return hal(resource, status=201, headers={"Location": resource["_links"]["self"]["href"]})

    @get("/{uuid:str}")
    async def get_environment(
        self, uuid: PathName, request: AnyRequest, state: State
    ) -> Response[bytes]:
        """One environment."""
        found = await services_of(state).environments.get(uuid)
        return hal(resources.environment(links_for(request, state), found))

    @put("/{uuid:str}")
    async def put_environment(
        self, uuid: PathName, request: AnyRequest, state: State
    ) -> Response[bytes]:
        """Replace an environment's attributes."""
        body = await read_json(request, EnvironmentBody)
        updated = await services_of(state).environments.replace(uuid, _attributes(body))
        return hal(resources.environment(links_for(request, state), updated))

    @delete("/{uuid:str}", status_code=204)
    async def delete_environment(self, uuid: PathName, state: State) -> None:
        """Remove an environment and its deployment and release records."""
        await services_of(state).environments.delete(uuid)
