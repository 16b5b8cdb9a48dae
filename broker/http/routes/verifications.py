"""Verification results (pact-broker-api §8)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import FromPath

from broker.http.body import read_json
from broker.http.context import LinksDep, PathName, Services, ServicesDep, metrics_of
from broker.http.hal import AnyRequest, Body, Links, hal, timestamp
from broker.http.operation_docs import NAME, Schema, documented, hal_list
from broker.http.permissions import read, write
from broker.http.responses import Link
from broker.http.wire import VerificationBody
from broker.services.verifications import ResultToPublish, VerificationDetails

CONTENT = "/pacts/provider/{provider:str}/consumer/{consumer:str}/pact-version/{sha:str}"
RESULTS = CONTENT + "/verification-results"


def results_href(links: Links, provider: str, consumer: str, sha: str) -> str:
    """Where the results of some pact content live."""
    return links.path(
        "/pacts/provider/{p}/consumer/{c}/pact-version/{s}/verification-results",
        p=provider,
        c=consumer,
        s=sha,
    )


VERIFICATION_RESULT: Schema = {
    "type": "object",
    "required": [
        "providerName",
        "providerApplicationVersion",
        "success",
        "verificationDate",
        "buildUrl",
        "testResults",
        "verifiedBy",
        "_links",
    ],
    "properties": {
        "providerName": {"type": "string"},
        "providerApplicationVersion": {"type": "string"},
        "success": {"type": "boolean"},
        "verificationDate": {"type": "string"},
        "buildUrl": {"type": ["string", "null"]},
        "testResults": {"description": "As the verifier sent them, or null."},
        "verifiedBy": {"description": "As the verifier sent it, or null."},
        "_links": {
            "type": "object",
            "required": ["self", "pb:pact-version", "pb:provider-version"],
            "properties": {"self": Link, "pb:pact-version": Link, "pb:provider-version": Link},
        },
    },
}
"""What `resource` writes."""


def resource(links: Links, details: VerificationDetails) -> Body:
    """A verification result as the Pact Broker shows one."""
    v, consumer, provider = details.verification, details.consumer, details.provider
    sha = details.pact_version.sha
    base = results_href(links, provider.name, consumer.name, sha)
    body: dict[str, Any] = {
        "providerName": provider.name,
        "providerApplicationVersion": details.provider_version.number,
        "success": v.success,
        "verificationDate": timestamp(v.created_at),
        "buildUrl": v.build_url,
        "testResults": msgspec.json.decode(v.test_results) if v.test_results else None,
        "verifiedBy": msgspec.json.decode(v.verified_by) if v.verified_by else None,
        "_links": {
            "self": links.link(
                f"{base}/{v.id}",
                title="Verification result",
                name=f"Verification result {v.id} for Pact between {consumer.name} and "
                f"{provider.name} ({sha})",
            ),
            "pb:pact-version": links.link(
                base.removesuffix("/verification-results"), title="Pact", name=sha
            ),
            "pb:triggered-webhooks": links.link(
                f"{base}/{v.id}/triggered-webhooks",
                title="Webhooks triggered by the publication of this verification result",
            ),
            "pb:provider-version": links.link(
                links.path(
                    "/pacticipants/{p}/versions/{v}",
                    p=provider.name,
                    v=details.provider_version.number,
                ),
                title="Provider version",
                name=details.provider_version.number,
            ),
        },
    }
    return body


def _json_or_none(raw: msgspec.Raw) -> str | None:
    text = bytes(raw).decode()
    return None if text.strip() == "null" else text


async def _publish(
    provider: str,
    consumer: str,
    sha: str,
    metadata: str | None,
    request: AnyRequest,
    services: Services,
    links: Links,
) -> Response[bytes]:
    body = await read_json(request, VerificationBody)
    details = await services.verifications.publish(
        provider,
        consumer,
        sha,
        ResultToPublish(
            success=body.success,
            provider_version=body.provider_application_version,
            build_url=body.build_url,
            test_results=_json_or_none(body.test_results),
            verified_by=_json_or_none(body.verified_by),
            metadata=metadata,
        ),
    )
    metrics_of(request).published_verification(details.verification.success)
    result = resource(links, details)
    return hal(result, status=201, headers={"Location": result["_links"]["self"]["href"]})


# By hand: msgspec writes no schema for `VerificationBody`'s `Raw` members.
VERIFICATION_BODY = {
    "type": "object",
    "required": ["success", "providerApplicationVersion"],
    "properties": {
        "success": {"type": "boolean"},
        "providerApplicationVersion": NAME,
        "buildUrl": {"type": ["string", "null"], "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#]"},
        "testResults": {"description": "A list (Rust clients) or an object (Ruby), kept as sent."},
        "verifiedBy": {"description": "The verifier's own object, kept as sent."},
    },
}
_PUBLISH = documented(
    body=VERIFICATION_BODY, body_required=True, returns=VERIFICATION_RESULT, statuses=(201,)
)
_RESULTS = documented(returns=hal_list("verificationResults", VERIFICATION_RESULT), statuses=(200,))


class VerificationController(Controller):
    """Verification results."""

    path = "/"

    @post(RESULTS, opt=write(owner="provider") | _PUBLISH)
    async def publish_result(
        self,
        provider: PathName,
        consumer: PathName,
        sha: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """Publish a verification result for the pact content `sha` (201)."""
        return await _publish(provider, consumer, sha, None, request, services, links)

    @post(
        CONTENT + "/metadata/{metadata:str}/verification-results",
        opt=write(owner="provider") | _PUBLISH,
    )
    async def publish_result_with_metadata(
        self,
        provider: PathName,
        consumer: PathName,
        sha: PathName,
        metadata: PathName,
        request: AnyRequest,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """Publish a result through a pact URL carrying the broker's metadata segment."""
        return await _publish(provider, consumer, sha, metadata, request, services, links)

    @get(RESULTS, opt=read() | _RESULTS)
    async def list_results(
        self,
        provider: PathName,
        consumer: PathName,
        sha: PathName,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """Every result of the pact content, newest first."""
        results = await services.verifications.of_pact(provider, consumer, sha)
        return hal(
            {
                "_embedded": {"verificationResults": [resource(links, r) for r in results]},
                "_links": {"self": links.link(results_href(links, provider, consumer, sha))},
            }
        )

    @get(RESULTS + "/latest", opt=read() | documented(returns=VERIFICATION_RESULT))
    async def latest_result(
        self,
        provider: PathName,
        consumer: PathName,
        sha: PathName,
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """The newest result of the pact content."""
        details = await services.verifications.latest(provider, consumer, sha)
        return hal(resource(links, details))

    @get(RESULTS + "/{number:int}", opt=read() | documented(returns=VERIFICATION_RESULT))
    async def get_result(
        self,
        provider: PathName,
        consumer: PathName,
        sha: PathName,
        number: FromPath[int],
        services: ServicesDep,
        links: LinksDep,
    ) -> Response[bytes]:
        """One result by its number."""
        details = await services.verifications.get(provider, consumer, sha, number)
        return hal(resource(links, details))

    @get(
        "/verification-results/consumer/{consumer:str}/version/{version:str}/latest",
        opt=read() | _RESULTS,
    )
    async def latest_results_of_consumer_version(
        self, consumer: PathName, version: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """The newest result of each pact a consumer version published, and a summary.

        `success` is true when every one of its pacts has a newest result and all of them passed.
        """
        results, unverified = await services.verifications.latest_for_consumer_version(
            consumer, version
        )
        successful = [r.provider.name for r in results if r.verification.success]
        failed = [r.provider.name for r in results if not r.verification.success]
        unknown = [p.name for p in unverified]
        href = links.path(
            "/verification-results/consumer/{c}/version/{v}/latest", c=consumer, v=version
        )
        return hal(
            {
                "success": bool(successful) and not failed and not unknown,
                "providerSummary": {"successful": successful, "failed": failed, "unknown": unknown},
                "_embedded": {"verificationResults": [resource(links, r) for r in results]},
                "_links": {
                    "self": links.link(
                        href,
                        title=f"Latest verification results for consumer {consumer} "
                        f"version {version}",
                    )
                },
            }
        )

    @get(
        "/pacticipants/{pacticipant:str}/versions/{version:str}/verification-results",
        opt=read() | _RESULTS,
    )
    async def results_of_provider_version(
        self, pacticipant: PathName, version: PathName, services: ServicesDep, links: LinksDep
    ) -> Response[bytes]:
        """Every result a provider version published, newest first."""
        results = await services.verifications.of_provider_version(pacticipant, version)
        href = links.path(
            "/pacticipants/{p}/versions/{v}/verification-results", p=pacticipant, v=version
        )
        return hal(
            {
                "_embedded": {"verificationResults": [resource(links, r) for r in results]},
                "_links": {"self": links.link(href)},
            }
        )
