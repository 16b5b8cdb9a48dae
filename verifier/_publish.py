"""Verification results for the broker, in the payload the Rust Pact verifier sends (§8).

`payload` is pure: a pact's result in, the JSON body out. Each interaction the broker gave an
`_id` gets a test result with its mismatches (attribute, identifier, description) or its error;
an interaction that was not verified is `success: false`, marked `skipped`, with its reason.
The pact succeeds only when every interaction was verified and passed, pending or not, because
the broker judges pending itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import metadata

from verifier._results import Finding, InteractionResult, PactResult

# Finding kinds as the broker's `attribute` names them (content types are part of the body).
_ATTRIBUTES = {"content-type": "body", "header": "header"}


@dataclass(frozen=True, kw_only=True)
class Publication:
    """How to publish results: the provider version and what to record with it.

    Attributes:
        provider_version: The provider application version that was verified.
        branch: The provider version's branch.
        tags: Tags to put on the provider version.
        build_url: The CI build that ran the verification.
    """

    provider_version: str
    branch: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    build_url: str | None = None


def _version() -> str:
    try:
        return metadata.version("accord")
    except metadata.PackageNotFoundError:
        return "unknown"


def _mismatch(finding: Finding) -> dict[str, object]:
    entry: dict[str, object] = {
        "attribute": _ATTRIBUTES.get(finding.kind, finding.kind),
        "description": finding.description,
    }
    if finding.kind not in {"status", "method", "path"}:
        entry["identifier"] = finding.path
    return entry


def _test_result(result: InteractionResult) -> dict[str, object]:
    entry: dict[str, object] = {
        "interactionId": result.interaction_id,
        "success": result.is_ok,
        "interactionDescription": result.description,
    }
    if result.findings:
        entry["mismatches"] = [_mismatch(finding) for finding in result.findings]
    if result.status == "error" and result.error:
        entry["exceptions"] = [{"message": result.error}]
    if result.status == "skipped":
        entry["skipped"] = True
        reason = result.error or "Nothing verified it."
        entry["exceptions"] = [{"message": f"Not verified: {reason[:1].lower()}{reason[1:]}"}]
    return entry


def payload(result: PactResult, publication: Publication) -> dict[str, object]:
    """The body to POST to the pact's `pb:publish-verification-results` link."""
    body: dict[str, object] = {
        "providerApplicationVersion": publication.provider_version,
        "success": result.is_success,
        "testResults": [
            _test_result(interaction)
            for interaction in result.interactions
            if interaction.interaction_id is not None
        ],
        "verifiedBy": {"implementation": "Accord", "version": _version()},
    }
    if publication.build_url:
        body["buildUrl"] = publication.build_url
    return body
