"""What each `pb:` relation leads to: the pages behind the `curies` of the index and the pact.

The HAL browser turns `pb:publish-contracts` into `/doc/publish-contracts` through the curie;
the text is ours.
"""

from __future__ import annotations

from html import escape
from typing import NamedTuple


class RelationDoc(NamedTuple):
    """One relation's page: a one-line summary, a longer explanation and the methods it takes."""

    summary: str
    detail: str
    methods: tuple[str, ...] = ("GET",)


_PACT_LIST = (
    "The answer is a paginated HAL list, newest consumer version first, each entry linking to "
    "the pact by consumer version."
)
_PROVIDER_LIST = (
    "The answer lists the matching pacts of every consumer of the provider under `pb:pacts`."
)

DOCS: dict[str, RelationDoc] = {
    # The index.
    "pacticipants": RelationDoc(
        "Every application the broker knows.",
        "GET lists the pacticipants with their labels and latest version; POST registers one "
        "by `name`.",
        ("GET", "POST"),
    ),
    "pacticipant": RelationDoc(
        "One application, by name.",
        "GET shows it, PUT and PATCH change its display name, repository and main branch, "
        "DELETE removes it with its versions and pacts.",
        ("GET", "PUT", "PATCH", "DELETE"),
    ),
    "latest-version": RelationDoc(
        "The newest version of an application.",
        "Newest means the version created last, whatever its branch or tags.",
    ),
    "latest-tagged-version": RelationDoc(
        "The newest version of an application that carries a tag.",
        "Useful to find what was last tagged, for example, `prod`.",
    ),
    "pacticipant-version": RelationDoc(
        "One version of an application.",
        "GET shows its branches, tags, deployments and releases; PUT creates it (with a branch "
        "or tags if given); DELETE removes it and the pacts it published.",
        ("GET", "PUT", "PATCH", "DELETE"),
    ),
    "pacticipant-version-tag": RelationDoc(
        "A tag on an application version.",
        "PUT attaches the tag (creating the version if needed), DELETE takes it off.",
        ("GET", "PUT", "DELETE"),
    ),
    "pacticipant-branch": RelationDoc(
        "A branch of an application.",
        "GET shows it; DELETE removes the branch but keeps its versions.",
        ("GET", "DELETE"),
    ),
    "pacticipant-branch-version": RelationDoc(
        "A version's membership of a branch.",
        "PUT records that the version was built from the branch, creating either if needed.",
        ("GET", "PUT", "DELETE"),
    ),
    "environments": RelationDoc(
        "The environments applications are deployed or released to.",
        "GET lists them (each also appears by name); POST creates one.",
        ("GET", "POST"),
    ),
    "environment": RelationDoc(
        "One environment, by its uuid.",
        "GET shows it with links to what is deployed and released there; PUT updates it; "
        "DELETE removes it.",
        ("GET", "PUT", "DELETE"),
    ),
    "publish-contracts": RelationDoc(
        "Publish a consumer version's pacts in one request.",
        "POST the version number, its branch, tags and build URL, and the pacts (base64); the "
        "answer lists what was stored and notices for the person publishing.",
        ("POST",),
    ),
    "publish-pact": RelationDoc(
        "One pact by consumer version: the older way to publish.",
        "PUT stores the pact body for that consumer version, PATCH merges its interactions "
        "into the stored pact, GET reads it back, DELETE removes it.",
        ("GET", "PUT", "PATCH", "DELETE"),
    ),
    "integrations": RelationDoc(
        "Every consumer and provider pair with a pact between them.",
        "GET lists each pair with the verification status of its latest pact (a Graphviz graph "
        "for `Accept: text/vnd.graphviz`). DELETE on one pair removes its pacts and results, then "
        "the versions and pacticipants nothing else uses.",
    ),
    "webhooks": RelationDoc(
        "The webhooks: HTTP calls the broker makes when a contract event happens.",
        "GET lists them under `pb:webhooks`; POST creates one from `events` (`[{name}]`), "
        "`request` (`method`, `url`, `headers`, `body`, `username`, `password`), `consumer` and "
        "`provider` (each `{name}` or `{label}`, absent for any) and `enabled`. The URL must pass "
        "the SSRF guard (ACCORD_WEBHOOK_SCHEMES, ACCORD_WEBHOOK_ALLOWED_HOSTS). A writer of both "
        "named pacticipants' teams may create one; for any or labelled pacticipants, an admin.",
        ("GET", "POST"),
    ),
    "webhook": RelationDoc(
        "One webhook, by its uuid.",
        "GET shows it with its password and secret header values masked (`**********`); PUT "
        "creates it with this uuid (201) or replaces it (200), and a masked value sent back "
        "keeps the stored one; DELETE removes it.",
        ("GET", "PUT", "DELETE"),
    ),
    "pact-webhooks": RelationDoc(
        "The webhooks naming this pact's consumer and provider.",
        "GET lists them; POST creates one for the pair (its body's consumer and provider "
        "default to the pair's).",
        ("GET", "POST"),
    ),
    "consumer-webhooks": RelationDoc(
        "The webhooks naming this pact's consumer.",
        "GET lists them; POST creates one for the consumer.",
        ("GET", "POST"),
    ),
    "latest-pact-versions": RelationDoc(
        "The newest pact of every consumer and provider pair.",
        "One entry per integration, each with its consumer version.",
    ),
    "tagged-pact-versions": RelationDoc(
        "A pair's pacts from consumer versions that carry a tag.",
        _PACT_LIST,
    ),
    "branch-pact-versions": RelationDoc(
        "A pair's pacts from consumer versions on a branch.",
        _PACT_LIST,
    ),
    "latest-branch-pact-versions": RelationDoc(
        "A pair's newest pact from a consumer branch.",
        "The answer is the pact document itself, with the consumer version in the "
        "`X-Pact-Consumer-Version` header.",
    ),
    "main-branch-pact-versions": RelationDoc(
        "A pair's pacts from consumer versions on the consumer's main branch.",
        _PACT_LIST + " Empty when the consumer has no main branch.",
    ),
    "latest-main-branch-pact-versions": RelationDoc(
        "A pair's newest pact from the consumer's main branch.",
        "The pact document itself; 404 when the consumer has no main branch.",
    ),
    "provider-pacts": RelationDoc(
        "Every pact a provider has, from any consumer version.",
        _PROVIDER_LIST,
    ),
    "provider-pacts-with-tag": RelationDoc(
        "A provider's pacts from consumer versions that carry a tag.",
        _PROVIDER_LIST,
    ),
    "provider-pacts-with-branch": RelationDoc(
        "A provider's pacts from consumer versions on a branch of the same name.",
        _PROVIDER_LIST,
    ),
    "provider-pacts-with-main-branch": RelationDoc(
        "A provider's pacts from each consumer's main branch.",
        _PROVIDER_LIST,
    ),
    "latest-provider-pacts": RelationDoc(
        "The newest pact of each consumer of a provider.",
        _PROVIDER_LIST + " Verifiers without selectors fetch this.",
    ),
    "latest-provider-pacts-with-tag": RelationDoc(
        "The newest pact of each consumer of a provider, among consumer versions with a tag.",
        _PROVIDER_LIST,
    ),
    "latest-provider-pacts-with-branch": RelationDoc(
        "The newest pact of each consumer of a provider, from a consumer branch.",
        _PROVIDER_LIST,
    ),
    "latest-provider-pacts-with-main-branch": RelationDoc(
        "The newest pact of each consumer of a provider, from each consumer's main branch.",
        _PROVIDER_LIST,
    ),
    "provider-pacts-for-verification": RelationDoc(
        "The pacts a provider build should verify.",
        "POST consumer version selectors (and the provider's branch, to learn which pacts are "
        "pending or work in progress); each pact comes with the reasons it was chosen. The "
        "`beta:` name is kept for older verifiers.",
        ("POST", "GET"),
    ),
    "can-i-deploy-pacticipant-version-to-tag": RelationDoc(
        "Whether an application version is compatible with the versions carrying a tag.",
        "Answers with the matrix rows and a summary that says yes or no, and why.",
    ),
    "can-i-deploy-pacticipant-version-to-environment": RelationDoc(
        "Whether an application version is compatible with what runs in an environment.",
        "Answers with the matrix rows and a summary that says yes or no, and why.",
    ),
    # The pact resource.
    "consumer": RelationDoc("The consumer of this pact.", "Its pacticipant resource."),
    "provider": RelationDoc(
        "The provider of this pact.", "Its pacticipant resource; verifiers read its name."
    ),
    "consumer-version": RelationDoc(
        "The consumer version that published this pact.", "Its version resource."
    ),
    "consumer-versions": RelationDoc(
        "The consumer versions a pact URL handed to a verifier stands for.",
        "Only on pact URLs with a metadata segment: the versions whose selection brought this "
        "content to the verifier.",
    ),
    "pact-version": RelationDoc(
        "This pact by its content.",
        "Consumer versions that publish the same content share one pact version, named by a "
        "hash of the content.",
    ),
    "publish-verification-results": RelationDoc(
        "Where a verifier reports whether the provider honours this pact.",
        "POST `success`, `providerApplicationVersion`, the test results and the build URL.",
        ("POST",),
    ),
    "latest-verification-results": RelationDoc(
        "The newest verification result of this pact's content.",
        "404 until a provider has verified it.",
    ),
    "triggered-webhooks": RelationDoc(
        "The webhooks this pact's publication, or this verification result, triggered.",
        "Each delivery with its status, attempts made, event and a `pb:logs` link to the log "
        "of every attempt (credentials masked); newest first.",
    ),
    "logs": RelationDoc(
        "The log of every attempt of a triggered webhook, as text.",
        "One block per attempt: the request sent (credentials masked), the response status, "
        "headers and first kilobytes of its body or the error, and how long it took.",
    ),
    "executions": RelationDoc(
        "The deliveries of this webhook, newest first.",
        "Each with its status, event, attempts made and a `pb:logs` link; `?limit=` (default "
        "100) bounds the list.",
    ),
    "latest-pact-version": RelationDoc(
        "The newest pact between the same consumer and provider.",
        "The pact document of the newest consumer version.",
    ),
    "all-pact-versions": RelationDoc(
        "Every pact between the same consumer and provider.",
        _PACT_LIST,
    ),
    "latest-untagged-pact-version": RelationDoc(
        "The newest pact between the pair from a consumer version without tags.",
        "The pact document itself.",
    ),
    "latest-tagged-pact-version": RelationDoc(
        "The newest pact between the pair from a consumer version with a tag.",
        "Fill `{tag}`; the answer is the pact document itself.",
    ),
    "previous-distinct": RelationDoc(
        "The pact of the nearest earlier consumer version whose content differs.",
        "Skips earlier versions that published the same content.",
    ),
    "diff-previous-distinct": RelationDoc(
        "What changed since the previous distinct pact.",
        "The interactions added, removed and changed; plain text when asked for `text/plain`.",
    ),
    "diff": RelationDoc(
        "What differs between this pact and the one of another consumer version.",
        "Fill `{version}` with the other consumer version number.",
    ),
    "tag-prod-version": RelationDoc(
        "Tag this pact's consumer version `prod`.",
        "PUT with an empty body; DELETE takes the tag off again.",
        ("PUT", "GET", "DELETE"),
    ),
    "tag-version": RelationDoc(
        "Tag this pact's consumer version.",
        "Fill `{tag}` and PUT with an empty body.",
        ("PUT", "GET", "DELETE"),
    ),
    # The version resource.
    "latest-verification-results-where-pacticipant-is-consumer": RelationDoc(
        "The newest verification result of each pact this version published, as a consumer.",
        "`success` is true once every one of its pacts has a newest result and all passed; "
        "`providerSummary` names the providers that passed, failed, or have not verified yet.",
    ),
    "matrix-for-consumer-version": RelationDoc(
        "The matrix rows of this pact's consumer version.",
        "Every provider version that verified a pact of this consumer version, and the result.",
    ),
    # A pacticipant's own relations.
    "versions": RelationDoc(
        "An application's versions, newest first.",
        "A paginated list; each version links to its branches, tags, deployments and pacts.",
    ),
    "version": RelationDoc(
        "One version of this application (templated with `version`).",
        "The same resource as `pb:pacticipant-version`, reached from the application.",
        ("GET", "PUT", "PATCH", "DELETE"),
    ),
    "version-tag": RelationDoc(
        "A tag on one of this application's versions (templated with `version` and `tag`).",
        "PUT attaches the tag, creating the version if needed; DELETE takes it off.",
        ("GET", "PUT", "DELETE"),
    ),
    "branches": RelationDoc(
        "An application's branches.",
        "Each branch links to its versions, newest first.",
    ),
    "branch-version": RelationDoc(
        "A version on a branch (templated with `branch` and `version`).",
        "PUT adds the version to the branch, creating either if needed; DELETE takes it off.",
        ("GET", "PUT", "DELETE"),
    ),
    "label": RelationDoc(
        "A label on this application (templated with `label`).",
        "PUT attaches the label, DELETE removes it; webhooks can select applications by label.",
        ("GET", "PUT", "DELETE"),
    ),
    "can-i-deploy-badge": RelationDoc(
        "A README badge: may the latest version with a tag deploy to an environment?",
        "Templated with `tag` and `environment`; answers an SVG, grey when the broker cannot tell.",
    ),
    "can-i-deploy-branch-to-environment-badge": RelationDoc(
        "A README badge: may the latest version of a branch deploy to an environment?",
        "Templated with `branch` and `environment`; answers an SVG, grey when the broker cannot "
        "tell.",
    ),
    "notifications": RelationDoc(
        "What this application, as a consumer, was told of its providers' contract changes.",
        "Newest first, each with the changes and the consumer's interactions they touch.",
    ),
}


def find(rel: str) -> tuple[str, RelationDoc] | None:
    """The page of `rel` (with or without its `pb:` or `beta:` prefix) and its full name."""
    prefix, _, name = rel.rpartition(":")
    if prefix not in {"", "pb", "beta"} or name not in DOCS:
        return None
    return f"{prefix or 'pb'}:{name}", DOCS[name]


def as_text(full_name: str, doc: RelationDoc) -> str:
    """The page as plain text."""
    return f"{full_name}\n\n{doc.summary}\n\n{doc.detail}\n\nMethods: {', '.join(doc.methods)}\n"


def as_html(full_name: str, doc: RelationDoc) -> str:
    """The page as a small HTML document."""
    name = escape(full_name)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>{name} - Accord</title></head>\n<body>\n"
        f"<h1>{name}</h1>\n<p><strong>{escape(doc.summary)}</strong></p>\n"
        f"<p>{escape(doc.detail)}</p>\n"
        f"<p>Methods: {escape(', '.join(doc.methods))}</p>\n</body>\n</html>\n"
    )
