"""`/integrations`: the consumer/provider pairs with pacts, and removing them.

`GET /integrations` (HAL, or a Graphviz graph for `Accept: text/vnd.graphviz`),
`DELETE /integrations/provider/{p}/consumer/{c}` (a writer of both pacticipants' teams: the
route checks the consumer's, the service the provider's) and `DELETE /integrations` (admin:
every pacticipant goes).
"""

from __future__ import annotations

from litestar import Controller, Response, delete, get

from broker.http import integration_resources
from broker.http.context import LinksDep, PathName, ServicesDep
from broker.http.hal import AnyRequest, hal
from broker.http.operation_docs import HAL, documented
from broker.http.permissions import admin, read, write

GRAPHVIZ = "text/vnd.graphviz"


class IntegrationController(Controller):
    """Listing and deleting integrations."""

    path = "/integrations"

    @get(
        "/",
        opt=read()
        | documented(returns=integration_resources.IntegrationList, media_types=(HAL, GRAPHVIZ)),
    )
    async def list_integrations(
        self, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Every integration with the verification status of its latest pact."""
        items = await services.integrations.list()
        if request.headers.get("accept", "").startswith(GRAPHVIZ):
            text = integration_resources.dot(items)
            return Response(content=text.encode(), media_type=f"{GRAPHVIZ};charset=utf-8")
        return hal(integration_resources.integration_list(links, items))

    @delete("/", status_code=204, opt=admin())
    async def delete_all_integrations(self, services: ServicesDep) -> None:
        """Remove every pacticipant with its pacts, versions and results."""
        await services.integrations.delete_all()

    @delete(
        "/provider/{provider:str}/consumer/{consumer:str}",
        status_code=204,
        opt=write(owner="consumer"),
    )
    async def delete_integration(
        self, provider: PathName, consumer: PathName, services: ServicesDep
    ) -> None:
        """Remove the pair's pacts and results (and versions and pacticipants left unused)."""
        await services.integrations.delete(provider, consumer)
