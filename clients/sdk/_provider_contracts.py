"""Publishing a provider contract: an OpenAPI document with the provider's own test results.

    with BrokerClient("http://127.0.0.1:9292") as broker:
        broker.publish_provider_contract(
            "Orders", "1.4.0", Path("openapi.yaml").read_bytes(),
            content_type="application/yaml", branch="main",
            self_verification=SelfVerification(success=True, content=b"12 passed"),
        )

It POSTs to the index's `pf:publish-provider-contract` relation, as `pactflow
publish-provider-contract` does (pact-broker-api §14.1); the broker records the provider
version with its branch and tags and compares the document with its consumers' pacts, and
its notices say how each fared.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from clients.sdk import _hal as hal
from clients.sdk._operations import Operation, Session
from clients.sdk._wire import PublishedContracts, Resource


@dataclass(frozen=True)
class SelfVerification:
    """The provider's own test run of its document: the verdict and, optionally, the report."""

    success: bool
    content: bytes | None = None
    content_type: str = "text/plain"
    format: str = "text"
    verifier: str | None = None
    verifier_version: str | None = None

    def body(self) -> dict[str, object]:
        """`contract.selfVerificationResults` as the broker reads it."""
        body: dict[str, object] = {"success": self.success, "format": self.format}
        if self.content is not None:
            body["content"] = base64.b64encode(self.content).decode("ascii")
            body["contentType"] = self.content_type
        if self.verifier is not None:
            body["verifier"] = self.verifier
        if self.verifier_version is not None:
            body["verifierVersion"] = self.verifier_version
        return body


def publish_provider_contract(
    session: Session,
    provider: str,
    version: str,
    content: bytes,
    *,
    content_type: str,
    branch: str | None,
    tags: Iterable[str],
    build_url: str | None,
    self_verification: SelfVerification | None,
    specification: str = "oas",
) -> Operation[PublishedContracts]:
    """POST the document (strict Base64 of the bytes given) to `pf:publish-provider-contract`.

    `specification` is `oas` (OpenAPI) or `asyncapi`, as the pactflow CLI names them.
    """
    href = yield from session.relation("pf:publish-provider-contract", provider=provider)
    contract: dict[str, object] = {
        "content": base64.b64encode(content).decode("ascii"),
        "contentType": content_type,
        "specification": specification,
    }
    if self_verification is not None:
        contract["selfVerificationResults"] = self_verification.body()
    body: dict[str, object] = {
        "pacticipantVersionNumber": version,
        "tags": list(tags),
        "contract": contract,
    }
    if branch is not None:
        body["branch"] = branch
    if build_url is not None:
        body["buildUrl"] = build_url
    return (yield from session.fetch("POST", href, PublishedContracts, body=body))


def latest_pacts_of_provider(session: Session, provider: str) -> Operation[list[dict[str, Any]]]:
    """The latest pact of each consumer of `provider`, as parsed JSON documents.

    `pb:latest-provider-pacts` lists them under `pb:pacts` (pact-broker-api §7.8); each is then
    fetched. A provider without pacts has none (the broker answers 404 for an unknown one).
    """
    href = yield from session.relation("pb:latest-provider-pacts", provider=provider)
    listing = yield from session.fetch("GET", href, Resource)
    found = listing.links.get("pb:pacts") or []
    links = found if isinstance(found, list) else [found]
    documents = []
    for link in links:
        document = yield from session.fetch("GET", link.href, dict[str, Any])
        documents.append(document)
    return documents


class ProviderContract(Resource, frozen=True, kw_only=True):
    """A provider version's stored document: its text, content type, specification and SHA."""

    content: str
    content_type: str = "application/yaml"
    specification: str = "oas"
    sha: str = ""


def get_provider_contract(
    session: Session, provider: str, version: str
) -> Operation[ProviderContract]:
    """The document `provider` published for `version` (404 when it published none)."""
    href = hal.expand(
        "/provider-contracts/provider/{provider}/version/{version}",
        {"provider": provider, "version": version},
    )
    return (yield from session.fetch("GET", href, ProviderContract))
