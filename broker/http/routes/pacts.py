"""Publishing and reading pacts (pact-broker-api §5, §6, §9)."""

from __future__ import annotations

import base64
import binascii

import msgspec
from litestar import Controller, Response, delete, get, patch, post, put

from broker.domain.errors import FieldError, InvalidInputError, NotFoundError
from broker.domain.pact_diff import PactDiff, render_text
from broker.http import pact_resources
from broker.http.body import json_body, read_json
from broker.http.context import LinksDep, PathName, Services, ServicesDep, metrics_of, page_of
from broker.http.hal import HAL_JSON, AnyRequest, Body, Links, hal
from broker.http.operation_docs import HAL, JSON, NAME, PAGING, TEXT, Schema, documented
from broker.http.permissions import read, write
from broker.http.responses import Link
from broker.http.wire import PublishBody
from broker.services.contracts import Contract, Pact, PublishRequest

INTEGRATION = "/pacts/provider/{provider:str}/consumer/{consumer:str}"
INTEGRATION_PATH = "/pacts/provider/{p}/consumer/{c}"
PROVIDER_PACTS = "/pacts/provider/{provider:str}"


_LINKS = {"type": "object", "required": ["self"], "properties": {"self": Link}}
PACT_DOCUMENT: Schema = {
    "type": "object",
    "required": ["createdAt", "_links"],
    "properties": {"createdAt": {"type": "string"}, "_links": _LINKS},
}
"""A stored pact as received, with `createdAt` and `_links` added (`pact_document`)."""

A_PACT = documented(returns=PACT_DOCUMENT, media_types=(HAL, JSON), statuses=(200,))
"""A pact: HAL+JSON, or plain JSON when that is all the client accepts."""

_PARTY = {"type": "object", "required": ["name"], "properties": {"name": NAME}}
PUBLISH_ONE = documented(
    body={
        "type": "object",
        "description": "A pact (Pact specification V1 to V4).",
        "required": ["consumer", "provider"],
        "properties": {
            "consumer": _PARTY,
            "provider": _PARTY,
            "interactions": {"type": "array", "items": {"type": "object"}},
            "messages": {"type": "array", "items": {"type": "object"}},
            "metadata": {"type": "object"},
        },
    },
    body_required=True,
    returns=PACT_DOCUMENT,
    statuses=(200, 201),
)

_SIDE = {
    "type": "object",
    "required": ["consumerVersion", "sha"],
    "properties": {"consumerVersion": {"type": "string"}, "sha": {"type": "string"}},
}
A_DIFF = documented(
    returns={
        "type": "object",
        "required": ["from", "to", "diff", "text", "_links"],
        "properties": {
            "from": _SIDE,
            "to": _SIDE,
            "diff": {"type": "object"},
            "text": {"type": "string"},
            "_links": {
                "type": "object",
                "required": ["from", "to"],
                "properties": {"from": Link, "to": Link},
            },
        },
    },
    media_types=(HAL, TEXT),
    statuses=(200,),
)
"""A diff of two pacts (`_diff_response`): JSON with the text inside, or the text."""


def _between(consumer: str, provider: str) -> str:
    return f"All versions of the pact between {consumer} and {provider}"


def _for_provider(provider: str, latest: bool = False) -> str:
    which = "Latest pact versions" if latest else "All pact versions"
    return f"{which} for the provider {provider}"


def _listing(
    links: Links,
    path: str,
    title: str,
    pacts: list[Pact],
    provider: str,
    consumer: str,
    **values: str,
) -> Response[bytes]:
    """One consumer's pacts with the provider at `path` (under the integration's path)."""
    href = links.path(path, p=provider, c=consumer, **values)
    return hal(
        pact_resources.integration_pacts(
            links, href, title, pacts, consumer=consumer, provider=provider
        )
    )


def pact_response(
    request: AnyRequest, body: Body, headers: dict[str, str] | None = None
) -> Response[bytes]:
    """A pact document: HAL+JSON, or plain JSON when that is all the client accepts."""
    accept = request.headers.get("accept", "")
    media_type = (
        "application/json;charset=utf-8" if accept.strip() == "application/json" else HAL_JSON
    )
    return Response(content=msgspec.json.encode(body), media_type=media_type, headers=headers)


async def _raw_pact(request: AnyRequest) -> bytes:
    raw = await json_body(request)
    if not raw:
        raise InvalidInputError("The body must be a pact", [FieldError("", "is empty")])
    return raw


class PactController(Controller):
    """`/pacts/provider/{provider}/consumer/{consumer}/…`."""

    path = INTEGRATION

    async def _publish_one(
        self,
        provider: str,
        consumer: str,
        version: str,
        request: AnyRequest,
        services: Services,
        links: Links,
        *,
        merge: bool,
    ) -> Response[bytes]:
        raw = await _raw_pact(request)
        outcome = await services.contracts.publish(
            PublishRequest(
                pacticipant_name=consumer,
                version_number=version,
                contracts=(
                    Contract(
                        consumer_name=consumer, provider_name=provider, content=raw, merge=merge
                    ),
                ),
                pointer="",
            )
        )
        metrics_of(request).published_pacts(p.outcome for p in outcome.pacts)
        published = outcome.pacts[0]
        body = pact_resources.pact_document(links, published.pact)
        status = 201 if published.outcome == "created" else 200
        return Response(content=msgspec.json.encode(body), status_code=status, media_type=HAL_JSON)

    @put("/version/{version:str}", opt=write(owner="consumer") | PUBLISH_ONE)
    async def put_pact(
        self,
        provider: PathName,
        consumer: PathName,
        version: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """The older way to publish one pact (201 new, 200 again)."""
        return await self._publish_one(
            provider, consumer, version, request, services, links, merge=False
        )

    @patch("/version/{version:str}", opt=write(owner="consumer") | PUBLISH_ONE)
    async def patch_pact(
        self,
        provider: PathName,
        consumer: PathName,
        version: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """The older way to publish one pact, merging into the stored one where allowed."""
        return await self._publish_one(
            provider, consumer, version, request, services, links, merge=True
        )

    @get("/version/{version:str}", opt=read() | A_PACT)
    async def get_pact(
        self,
        provider: PathName,
        consumer: PathName,
        version: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """The pact a consumer version holds."""
        pact = await services.contracts.for_version(provider, consumer, version)
        return pact_response(request, pact_resources.pact_document(links, pact))

    @delete("/version/{version:str}", status_code=204, opt=write(owner="consumer"))
    async def delete_pact(
        self, provider: PathName, consumer: PathName, version: PathName, services: ServicesDep
    ) -> None:
        """Remove the pact a consumer version holds."""
        await services.contracts.delete(provider, consumer, version)

    @get("/version/{version:str}/previous-distinct", opt=read() | A_PACT)
    async def previous_distinct(
        self,
        provider: PathName,
        consumer: PathName,
        version: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """The newest earlier pact of the integration with other content."""
        service = services.contracts
        previous = await service.previous_distinct(
            await service.for_version(provider, consumer, version)
        )
        if previous is None:
            raise NotFoundError(
                f"No earlier pact between {consumer} and {provider} has other content"
            )
        return pact_response(request, pact_resources.pact_document(links, previous))

    @get("/version/{version:str}/diff/previous-distinct", opt=read() | A_DIFF)
    async def diff_previous_distinct(
        self,
        provider: PathName,
        consumer: PathName,
        version: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """What changed since the newest earlier pact with other content."""
        service = services.contracts
        pact = await service.for_version(provider, consumer, version)
        previous = await service.previous_distinct(pact)
        if previous is None:
            raise NotFoundError(
                f"No earlier pact between {consumer} and {provider} has other content"
            )
        diff = await service.diff(previous, pact)
        return _diff_response(request, links, previous, pact, diff)

    @get("/version/{version:str}/diff/version/{other:str}", opt=read() | A_DIFF)
    async def diff_versions(
        self,
        provider: PathName,
        consumer: PathName,
        version: PathName,
        other: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """What changed between the pacts of two consumer versions (from `other` to `version`)."""
        service = services.contracts
        pact = await service.for_version(provider, consumer, version)
        base = await service.for_version(provider, consumer, other)
        diff = await service.diff(base, pact)
        return _diff_response(request, links, base, pact, diff)

    @get("/pact-version/{sha:str}", opt=read() | A_PACT)
    async def by_sha(
        self,
        provider: PathName,
        consumer: PathName,
        sha: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """A pact by its content."""
        pact = await services.contracts.by_sha(provider, consumer, sha)
        self_href = links.path(
            INTEGRATION.replace(":str", "") + "/pact-version/{sha}",
            provider=provider,
            consumer=consumer,
            sha=sha,
        )
        return pact_response(
            request, pact_resources.pact_document(links, pact, self_href=self_href)
        )

    @get("/pact-version/{sha:str}/metadata/{metadata:str}", opt=read() | A_PACT)
    async def by_sha_with_metadata(
        self,
        provider: PathName,
        consumer: PathName,
        sha: PathName,
        metadata: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """A pact by its content, at a URL carrying the broker's opaque metadata segment."""
        pact = await services.contracts.by_sha(provider, consumer, sha)
        self_href = links.path(
            INTEGRATION.replace(":str", "") + "/pact-version/{sha}/metadata/{metadata}",
            provider=provider,
            consumer=consumer,
            sha=sha,
            metadata=metadata,
        )
        return pact_response(
            request,
            pact_resources.pact_document(links, pact, self_href=self_href, metadata=metadata),
        )

    @get("/pact-version/{sha:str}/diff/pact-version/{other:str}", opt=read() | A_DIFF)
    async def diff_shas(
        self,
        provider: PathName,
        consumer: PathName,
        sha: PathName,
        other: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """What changed between two contents of the pact (from `other` to `sha`)."""
        service = services.contracts
        pact = await service.by_sha(provider, consumer, sha)
        base = await service.by_sha(provider, consumer, other)
        diff = await service.diff(base, pact)
        return _diff_response(request, links, base, pact, diff)

    @get("/latest", opt=read() | A_PACT)
    async def latest(
        self,
        provider: PathName,
        consumer: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """The pact of the newest consumer version."""
        pact = await services.contracts.latest(provider, consumer)
        return _latest_response(request, links, pact)

    @get("/latest-untagged", opt=read() | A_PACT)
    async def latest_untagged(
        self,
        provider: PathName,
        consumer: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """The pact of the newest consumer version without tags."""
        pact = await services.contracts.latest(provider, consumer, untagged=True)
        return _latest_response(request, links, pact)

    @get("/latest/{tag:str}", opt=read() | A_PACT)
    async def latest_tagged(
        self,
        provider: PathName,
        consumer: PathName,
        tag: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """The pact of the newest consumer version with a tag."""
        pact = await services.contracts.latest(provider, consumer, tag=tag)
        return _latest_response(request, links, pact)

    @get("/branch/{branch:str}/latest", opt=read() | A_PACT)
    async def latest_on_branch(
        self,
        provider: PathName,
        consumer: PathName,
        branch: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """The pact of the newest consumer version on a branch."""
        pact = await services.contracts.latest(provider, consumer, branch=branch)
        return _latest_response(request, links, pact)

    @get("/branch/{branch:str}", opt=read() | documented(returns=pact_resources.IntegrationPacts))
    async def on_branch(
        self,
        provider: PathName,
        consumer: PathName,
        branch: PathName,
        links: LinksDep,
        services: ServicesDep,
    ) -> Response[bytes]:
        """Every consumer version's pact with the provider on a branch, newest first."""
        pacts = await services.contracts.of_provider(
            provider, consumer_name=consumer, branch=branch
        )
        title = f"{_between(consumer, provider)} with consumer version branch '{branch}'"
        return _listing(
            links, INTEGRATION_PATH + "/branch/{b}", title, pacts, provider, consumer, b=branch
        )

    @get("/branch", opt=read() | documented(returns=pact_resources.IntegrationPacts))
    async def on_main_branch(
        self, provider: PathName, consumer: PathName, links: LinksDep, services: ServicesDep
    ) -> Response[bytes]:
        """Every consumer version's pact with the provider on the consumer's main branch."""
        pacts = await services.contracts.of_provider(
            provider, consumer_name=consumer, main_branch=True
        )
        title = f"{_between(consumer, provider)} on the consumer's main branch"
        return _listing(links, INTEGRATION_PATH + "/branch", title, pacts, provider, consumer)

    # The Rust get-pacts asks this for `--consumer C --latest`; a branch named "latest" loses
    # its listing here (its latest pact stays at `/branch/latest/latest`).
    @get("/branch/latest", opt=read() | documented(returns=pact_resources.IntegrationPacts))
    async def latest_on_main_branch(
        self, provider: PathName, consumer: PathName, links: LinksDep, services: ServicesDep
    ) -> Response[bytes]:
        """The pact of the newest consumer version on the consumer's main branch, as a list."""
        pacts = await services.contracts.of_provider(
            provider, consumer_name=consumer, main_branch=True
        )
        title = f"Latest version of the pact between {consumer} and {provider} on the main branch"
        return _listing(
            links, INTEGRATION_PATH + "/branch/latest", title, pacts[:1], provider, consumer
        )

    @get("/tag/{tag:str}", opt=read() | documented(returns=pact_resources.IntegrationPacts))
    async def with_tag(
        self,
        provider: PathName,
        consumer: PathName,
        tag: PathName,
        links: LinksDep,
        services: ServicesDep,
    ) -> Response[bytes]:
        """Every consumer version's pact with the provider among versions with a tag."""
        pacts = await services.contracts.of_provider(provider, consumer_name=consumer, tag=tag)
        title = f"{_between(consumer, provider)} with consumer version tag '{tag}'"
        return _listing(
            links, INTEGRATION_PATH + "/tag/{t}", title, pacts, provider, consumer, t=tag
        )

    @get(
        "/versions", opt=read() | documented(query=PAGING, returns=pact_resources.PactVersionsPage)
    )
    async def all_versions(
        self,
        provider: PathName,
        consumer: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """Every consumer version's pact with the provider, newest first, paginated."""
        page = page_of(request)
        _, _, pacts, total = await services.contracts.versions_of(provider, consumer, page)
        href = links.path(
            INTEGRATION.replace(":str", "") + "/versions", provider=provider, consumer=consumer
        )
        return hal(pact_resources.pact_versions(links, href, pacts, page, total))


def _latest_response(request: AnyRequest, links: Links, pact: Pact) -> Response[bytes]:
    body = pact_resources.pact_document(links, pact)
    return pact_response(
        request, body, headers={"X-Pact-Consumer-Version": pact.consumer_version.number}
    )


def _diff_response(
    request: AnyRequest, links: Links, base: Pact, pact: Pact, diff: PactDiff
) -> Response[bytes]:
    """A diff as text when the client prefers text/plain, else as JSON with the text inside."""
    text = render_text(diff)
    accept = request.headers.get("accept", "")
    if accept.startswith("text/plain"):
        return Response(content=text.encode(), media_type="text/plain;charset=utf-8")
    return hal(
        {
            "from": {"consumerVersion": base.consumer_version.number, "sha": base.content.sha},
            "to": {"consumerVersion": pact.consumer_version.number, "sha": pact.content.sha},
            "diff": msgspec.to_builtins(diff),
            "text": text,
            "_links": {
                "from": links.link(
                    pact_resources.pact_href(links, base), name=pact_resources.pact_name(base)
                ),
                "to": links.link(
                    pact_resources.pact_href(links, pact), name=pact_resources.pact_name(pact)
                ),
            },
        }
    )


class PactCollectionController(Controller):
    """`/contracts/publish` and the latest pacts across integrations."""

    path = "/"

    # The body names the pacticipant: the contract service checks its owner.
    @post(
        "/contracts/publish",
        opt=write()
        | documented(body=PublishBody, returns=pact_resources.PublishResult, statuses=(200,)),
    )
    async def publish_contracts(
        self, request: AnyRequest, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Publish a consumer version's pacts with branch, tags and build URL, all or nothing."""
        body = await read_json(request, PublishBody)
        problems: list[FieldError] = []
        contracts = []
        for index, item in enumerate(body.contracts):
            where = f"/contracts/{index}"
            if item.specification != "pact":
                problems.append(FieldError(f"{where}/specification", 'must be "pact"'))
            if item.content_type.split(";")[0].strip().lower() != "application/json":
                problems.append(FieldError(f"{where}/contentType", 'must be "application/json"'))
            if item.on_conflict not in {None, "overwrite", "merge"}:
                problems.append(FieldError(f"{where}/onConflict", 'must be "overwrite" or "merge"'))
            try:
                content = base64.b64decode(item.content, validate=True)
            except (binascii.Error, ValueError):
                problems.append(FieldError(f"{where}/content", "must be Base64-encoded pact JSON"))
                continue
            contracts.append(
                Contract(
                    consumer_name=item.consumer_name,
                    provider_name=item.provider_name,
                    content=content,
                    merge=item.on_conflict == "merge",
                )
            )
        if problems:
            raise InvalidInputError("The contracts are not valid", problems)
        outcome = await services.contracts.publish(
            PublishRequest(
                pacticipant_name=body.pacticipant_name,
                version_number=body.pacticipant_version_number,
                branch=body.branch,
                tags=tuple(body.tags or ()),
                build_url=body.build_url,
                contracts=tuple(contracts),
            )
        )
        metrics_of(request).published_pacts(p.outcome for p in outcome.pacts)
        return hal(pact_resources.publish_result(links, outcome))

    @get("/pacts/latest", opt=read() | documented(returns=pact_resources.LatestPacts))
    async def latest_pact_versions(self, services: ServicesDep, links: LinksDep) -> Response[bytes]:
        """The latest pact of every integration."""
        pacts = await services.contracts.latest_of_all(browsing=True)
        return hal(pact_resources.latest_pacts(links, links.href("pacts", "latest"), pacts))

    @get(
        "/pacts/provider/{provider:str}/latest",
        opt=read() | documented(returns=pact_resources.LatestPacts),
    )
    async def latest_provider_pacts(
        self, provider: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The latest pact of each consumer of a provider."""
        pacts = await services.contracts.latest_of_all(provider)
        href = links.path("/pacts/provider/{p}/latest", p=provider)
        return hal(pact_resources.latest_pacts(links, href, pacts, provider))

    @get(
        "/pacts/provider/{provider:str}/latest/{tag:str}",
        opt=read() | documented(returns=pact_resources.LatestPacts),
    )
    async def latest_provider_pacts_with_tag(
        self, provider: PathName, tag: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The latest pact of each consumer of a provider, among consumer versions with a tag."""
        pacts = await services.contracts.latest_of_all(provider, tag=tag)
        href = links.path("/pacts/provider/{p}/latest/{t}", p=provider, t=tag)
        return hal(pact_resources.latest_pacts(links, href, pacts, provider))

    @get(PROVIDER_PACTS, opt=read() | documented(returns=pact_resources.ProviderPacts))
    async def provider_pacts(
        self, provider: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Every pact with a provider."""
        pacts = await services.contracts.of_provider(provider)
        href = links.path("/pacts/provider/{p}", p=provider)
        return hal(
            pact_resources.provider_pacts(links, href, _for_provider(provider), provider, pacts)
        )

    @get(
        PROVIDER_PACTS + "/tag/{tag:str}",
        opt=read() | documented(returns=pact_resources.ProviderPacts),
    )
    async def provider_pacts_with_tag(
        self, provider: PathName, tag: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Every pact with a provider whose consumer version has a tag."""
        pacts = await services.contracts.of_provider(provider, tag=tag)
        href = links.path("/pacts/provider/{p}/tag/{t}", p=provider, t=tag)
        title = f"{_for_provider(provider)} with consumer version tag '{tag}'"
        return hal(pact_resources.provider_pacts(links, href, title, provider, pacts))

    @get(PROVIDER_PACTS + "/branch", opt=read() | documented(returns=pact_resources.ProviderPacts))
    async def provider_pacts_on_main_branch(
        self, provider: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Every pact with a provider from its consumers' main branches."""
        pacts = await services.contracts.of_provider(provider, main_branch=True)
        href = links.path("/pacts/provider/{p}/branch", p=provider)
        title = f"{_for_provider(provider)} with consumer version main branch"
        return hal(pact_resources.provider_pacts(links, href, title, provider, pacts))

    @get(
        PROVIDER_PACTS + "/branch/latest",
        opt=read() | documented(returns=pact_resources.ProviderPacts),
    )
    async def latest_provider_pacts_on_main_branch(
        self, provider: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The latest pact of each consumer's main branch with a provider."""
        pacts = await services.contracts.latest_of_all(provider, main_branch=True)
        href = links.path("/pacts/provider/{p}/branch/latest", p=provider)
        title = f"{_for_provider(provider, latest=True)} with consumer version main branch"
        return hal(pact_resources.provider_pacts(links, href, title, provider, pacts))

    @get(
        PROVIDER_PACTS + "/branch/{branch:str}",
        opt=read() | documented(returns=pact_resources.ProviderPacts),
    )
    async def provider_pacts_on_branch(
        self, provider: PathName, branch: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Every pact with a provider from consumer versions on a branch."""
        pacts = await services.contracts.of_provider(provider, branch=branch)
        href = links.path("/pacts/provider/{p}/branch/{b}", p=provider, b=branch)
        title = f"{_for_provider(provider)} with consumer version branch '{branch}'"
        return hal(pact_resources.provider_pacts(links, href, title, provider, pacts))

    @get(
        PROVIDER_PACTS + "/branch/{branch:str}/latest",
        opt=read() | documented(returns=pact_resources.ProviderPacts),
    )
    async def latest_provider_pacts_on_branch(
        self, provider: PathName, branch: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The latest pact of each consumer with a provider among versions on a branch."""
        pacts = await services.contracts.latest_of_all(provider, branch=branch)
        href = links.path("/pacts/provider/{p}/branch/{b}/latest", p=provider, b=branch)
        title = f"{_for_provider(provider, latest=True)} with consumer version branch '{branch}'"
        return hal(pact_resources.provider_pacts(links, href, title, provider, pacts))

    @get(
        PROVIDER_PACTS + "/provider-states",
        opt=read() | documented(returns=pact_resources.ProviderStates),
    )
    async def provider_states(self, provider: PathName, services: ServicesDep) -> Response[bytes]:
        """The distinct provider states of the latest pact of each consumer's main branch."""
        states = await services.contracts.provider_states(provider)
        return hal(pact_resources.provider_states(states))

    @get(
        PROVIDER_PACTS + "/provider-states/branch/{branch:str}",
        opt=read() | documented(returns=pact_resources.ProviderStates),
    )
    async def provider_states_on_branch(
        self, provider: PathName, branch: PathName, services: ServicesDep
    ) -> Response[bytes]:
        """The distinct provider states of the latest pact of each consumer on a branch."""
        states = await services.contracts.provider_states(provider, branch=branch)
        return hal(pact_resources.provider_states(states))

    @get(
        PROVIDER_PACTS + "/provider-states/environment/{environment:str}",
        opt=read() | documented(returns=pact_resources.ProviderStates),
    )
    async def provider_states_in_environment(
        self, provider: PathName, environment: PathName, services: ServicesDep
    ) -> Response[bytes]:
        """The distinct provider states of the consumer versions live in an environment."""
        states = await services.contracts.provider_states(provider, environment=environment)
        return hal(pact_resources.provider_states(states))
