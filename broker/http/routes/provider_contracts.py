"""Provider contracts: `pactflow publish-provider-contract` and what it publishes (§14)."""

from __future__ import annotations

import base64
import binascii
import json

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath

from broker.domain.errors import FieldError, InvalidInputError
from broker.http.body import read_json
from broker.http.context import LinksDep, PathName, ServicesDep
from broker.http.hal import AnyRequest, Body, Links, hal, segment, timestamp
from broker.http.operation_docs import HAL_RESOURCE, documented
from broker.http.pact_resources import notices_and_logs
from broker.http.permissions import read, write
from broker.http.wire import PublishProviderContractBody
from broker.services.provider_contracts import ContractToPublish, PublishedContract

PUBLISH = "/provider-contracts/provider/{provider:str}/publish"
CONTRACT = "/provider-contracts/provider/{provider:str}/version/{version:str}"


def _to_publish(provider: str, body: PublishProviderContractBody) -> ContractToPublish:
    """The service's request; 400 naming each bad field of the body."""
    problems = []
    content = b""
    try:
        content = base64.b64decode(body.contract.content, validate=True)
    except (binascii.Error, ValueError):
        problems.append(
            FieldError("/contract/content", "must be the Base64 of an OpenAPI document")
        )
    self_results = body.contract.self_verification_results
    if problems:
        raise InvalidInputError("The provider contract is not valid", problems)
    return ContractToPublish(
        provider=provider,
        version=body.pacticipant_version_number,
        branch=body.branch or None,
        tags=tuple(body.tags or ()),
        build_url=body.build_url or None,
        content=content,
        content_type=body.contract.content_type or "application/yaml",
        specification=body.contract.specification,
        self_verification_success=None if self_results is None else self_results.success,
        self_verification=None
        if self_results is None
        else msgspec.json.encode(self_results).decode(),
    )


def _published(links: Links, outcome: PublishedContract) -> Body:
    provider, version = outcome.provider, outcome.version
    provider_href = links.path("/pacticipants/{p}", p=provider.name)
    version_href = f"{provider_href}/versions/{segment(version.number)}"
    contract_href = links.path(
        "/provider-contracts/provider/{p}/version/{v}", p=provider.name, v=version.number
    )
    body_links: Body = {
        "pb:pacticipant": links.link(provider_href, title="Pacticipant", name=provider.name),
        "pb:pacticipant-version": links.link(
            version_href, title="Pacticipant version", name=version.number
        ),
        "pb:pacticipant-version-tags": [
            links.link(f"{version_href}/tags/{segment(tag)}", title="Tag", name=tag)
            for tag in outcome.tags
        ],
        "pf:provider-contract": links.link(contract_href, title="Provider contract"),
        "pf:changes": links.link(f"{contract_href}/changes", title="Changes since the last one"),
        "pf:ui": links.link(contract_href, title="Provider contract"),
    }
    if outcome.branch:
        body_links["pb:branch-version"] = links.link(
            links.path(
                "/pacticipants/{p}/branches/{b}/versions/{v}",
                p=provider.name,
                b=outcome.branch,
                v=version.number,
            ),
            title="Branch version",
            name=outcome.branch,
        )
    return {
        **notices_and_logs(outcome.notices),
        "_embedded": {
            "pacticipant": {"name": provider.name, "_links": {"self": {"href": provider_href}}},
            "version": {
                "number": version.number,
                "_links": {"self": links.link(version_href, title="Version", name=version.number)},
            },
        },
        "_links": body_links,
    }


class ProviderContractController(Controller):
    """Provider contracts and their comparisons."""

    path = "/"

    @post(
        PUBLISH,
        status_code=200,
        opt=write(owner="provider")
        | documented(body=PublishProviderContractBody, returns=HAL_RESOURCE),
    )
    async def publish_provider_contract(
        self, provider: PathName, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Publish a provider version's OpenAPI document; compare it with its consumers' pacts."""
        body = await read_json(request, PublishProviderContractBody)
        outcome = await services.provider_contracts.publish(_to_publish(provider, body))
        return hal(_published(links, outcome))

    @get(CONTRACT, opt=read() | documented(returns=HAL_RESOURCE))
    async def provider_contract(
        self, provider: PathName, version: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The document a provider version published, with its self-verification results."""
        found, number, contract, publication = await services.provider_contracts.get(
            provider, version
        )
        self_results = (
            None
            if publication.self_verification is None
            else json.loads(publication.self_verification)
        )
        return hal(
            {
                "content": contract.content,
                "contentType": contract.content_type,
                "specification": contract.specification,
                "sha": contract.sha,
                "selfVerificationResults": self_results,
                "createdAt": timestamp(publication.created_at),
                "_links": {
                    "self": links.link(
                        links.path(
                            "/provider-contracts/provider/{p}/version/{v}",
                            p=found.name,
                            v=number.number,
                        )
                    ),
                    "pb:pacticipant": links.link(
                        links.path("/pacticipants/{p}", p=found.name), name=found.name
                    ),
                },
            }
        )

    @get(CONTRACT + "/changes", opt=read() | documented(returns=HAL_RESOURCE))
    async def contract_changes(
        self, provider: PathName, version: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """What changed since the provider's previous document, and which consumers it touches."""
        found, changes = await services.provider_contracts.changes(provider, version)
        base = changes.base_version
        return hal(
            {
                "baseVersion": None if base is None else base.number,
                "breaking": any(c.breaks_consumers for c in changes.changes),
                "changes": [
                    {
                        "id": c.id,
                        "level": c.level,
                        "operation": c.operation,
                        "location": c.location,
                        "text": c.text,
                        "consumers": list(c.consumers),
                        "breaksConsumers": c.breaks_consumers,
                    }
                    for c in changes.changes
                ],
                "_links": {
                    "self": links.link(
                        links.path(
                            "/provider-contracts/provider/{p}/version/{v}/changes",
                            p=found.name,
                            v=version,
                        )
                    )
                },
            }
        )

    @get("/comparisons/{comparison:int}", opt=read() | documented(returns=HAL_RESOURCE))
    async def comparison_resource(
        self, comparison: FromPath[int], services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """A bi-directional verification: a pact content compared with a provider document."""
        found = await services.provider_contracts.comparison(comparison)
        return hal(
            {
                "success": found.success,
                "verificationType": "BDCT",
                "findings": json.loads(found.findings),
                "createdAt": timestamp(found.created_at),
                "_links": {"self": links.link(links.path("/comparisons/{c}", c=str(found.id)))},
            }
        )
