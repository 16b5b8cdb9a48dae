"""`/ui/provider-contracts/{provider}` and `.../version/{version}`: published OpenAPI documents."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get

from broker.http.context import PathName, ServicesDep
from broker.http.hal import AnyRequest
from broker.http.permissions import read
from broker.web.paging import requested_page
from broker.web.provider_contract_view import (
    CONTRACTS_PER_PAGE,
    contract_list_view,
    contract_view,
)
from broker.web.rendering import render
from broker.web.security import page


class ProviderContractPageController(Controller):
    """A provider's published documents, and one version's with its comparisons and changes."""

    path = "/ui/provider-contracts"

    @get("/{provider:str}", opt=page(read()))
    async def provider_contracts(
        self, provider: PathName, request: AnyRequest, services: ServicesDep
    ) -> Response[Any]:
        """The versions that published a document, newest first (`?page=N`)."""
        shown = await contract_list_view(
            services, provider, requested_page(request, CONTRACTS_PER_PAGE)
        )
        return await render(request, "provider_contracts.html", {"view": shown})

    @get("/{provider:str}/version/{version:str}", opt=page(read()))
    async def provider_contract(
        self, provider: PathName, version: PathName, request: AnyRequest, services: ServicesDep
    ) -> Response[Any]:
        """The document, each consumer's comparison, and the changes since the previous one."""
        shown = await contract_view(services, provider, version)
        return await render(request, "provider_contract.html", {"view": shown})
