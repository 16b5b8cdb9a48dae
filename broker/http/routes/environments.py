"""Environments (pact-broker-api §10)."""

from __future__ import annotations

from litestar import Controller, Response, delete, get, post, put

from broker.http import deployment_resources
from broker.http.body import read_json
from broker.http.context import LinksDep, PathName, ServicesDep
from broker.http.hal import AnyRequest, hal
from broker.http.operation_docs import QueryParam, documented, links_to
from broker.http.permissions import admin, read
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

    @get(
        "/",
        opt=read()
        | documented(
            query=(QueryParam("name", "Only the environment with this name."),),
            returns=deployment_resources.EnvironmentsList,
        ),
    )
    async def list_environments(
        self, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Every environment (`?name=` narrows to one)."""
        items = await services.environments.list_environments(request.query_params.get("name"))
        return hal(deployment_resources.environments(links, items))

    # Environments are shared by every team: production's name and existence decide what
    # can-i-deploy says, and deleting one takes every team's records with it (#12): admins only.
    @post(
        "/",
        opt=admin()
        | documented(
            body=EnvironmentBody,
            returns=deployment_resources.EnvironmentResource,
            statuses=(201,),
            links=links_to(
                "get_environment",
                "put_environment",
                "delete_environment",
                uuid="$response.body#/uuid",
            ),
        ),
    )
    async def create_environment(
        self, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Create an environment; 409 when the name is taken."""
        body = await read_json(request, EnvironmentBody)
        created = await services.environments.create(_attributes(body))
        resource = deployment_resources.environment(links, created)
        return hal(resource, status=201, headers={"Location": resource.links.self_.href})

    @get("/{uuid:str}", opt=read() | documented(returns=deployment_resources.EnvironmentResource))
    async def get_environment(
        self, uuid: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """One environment."""
        found = await services.environments.get(uuid)
        return hal(deployment_resources.environment(links, found))

    @put(
        "/{uuid:str}",
        opt=admin()
        | documented(body=EnvironmentBody, returns=deployment_resources.EnvironmentResource),
    )
    async def put_environment(
        self, uuid: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Replace an environment's attributes."""
        body = await read_json(request, EnvironmentBody)
        updated = await services.environments.replace(uuid, _attributes(body))
        return hal(deployment_resources.environment(links, updated))

    @delete("/{uuid:str}", status_code=204, opt=admin())
    async def delete_environment(self, uuid: PathName, services: ServicesDep) -> None:
        """Remove an environment and its deployment and release records."""
        await services.environments.delete(uuid)
