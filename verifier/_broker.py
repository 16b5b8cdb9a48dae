"""The verifier's conversation with a Pact broker: pacts for verification, results back.

It follows the Pact verifiers' sequence (`reference/pact-broker-api.md` §7 and §8): the index's
`pb:provider-pacts-for-verification` relation, a POST with the selectors, each pact fetched by
its link; then, per pact, the provider version's branch and tags through the `pb:provider`
pacticipant, and the result POSTed to `pb:publish-verification-results`. Requests and error
answers go through the SDK's request builder, so a broker error reads as it does in `accord`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import httpx
import msgspec

from clients.sdk import UnexpectedResponseError
from clients.sdk import _hal as hal
from clients.sdk._builder import RequestBuilder, unreachable
from verifier._matching.values import JSONObject, JSONValue


class SelectedPact(msgspec.Struct, frozen=True, kw_only=True):
    """One entry of the broker's pacts for verification."""

    url: str
    short_description: str = ""
    is_pending: bool = False
    is_wip: bool = False
    notices: tuple[str, ...] = ()


def _href(links: JSONValue, relation: str) -> str | None:
    found = links.get(relation) if isinstance(links, dict) else None
    if isinstance(found, list):
        found = found[0] if found else None
    href = found.get("href") if isinstance(found, dict) else None
    return href if isinstance(href, str) else None


class BrokerAccess:
    """Requests to one broker (or one pact URL's server), with its credentials.

    Args:
        base_url: The broker's base URL (or the pact URL).
        token: A bearer token; wins over username and password.
        username: For basic auth.
        password: For basic auth.
        timeout: Seconds to wait for each request.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        self._builder = RequestBuilder(
            base_url, token=token, username=username, password=password, timeout=timeout
        )
        self._http = httpx.AsyncClient()

    async def aclose(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    async def request(self, method: str, href: str, body: object = None) -> JSONObject:
        """Send one request; the JSON object answered (empty when there is no body).

        Raises:
            BrokerError: The broker answered with an error status.
            BrokerUnreachableError: No answer came.
            UnexpectedResponseError: The answer is not a JSON object.
        """
        request = self._builder.request(method, href, body=body)
        try:
            response = await self._http.send(request)
        except httpx.TransportError as error:
            raise unreachable(self._builder, error) from error
        self._builder.check(response)
        if not response.content:
            return {}
        try:
            decoded: JSONValue = msgspec.json.decode(response.content)
        except msgspec.DecodeError as error:
            message = f"The answer to {method} {request.url} is not JSON ({error})"
            raise UnexpectedResponseError(message) from error
        except RecursionError:
            message = f"The answer to {method} {request.url} nests too deeply to be read"
            raise UnexpectedResponseError(message) from None
        if not isinstance(decoded, dict):
            raise UnexpectedResponseError(f"The answer to {method} {request.url} is not an object")
        return decoded

    async def pacts_for_verification(
        self,
        provider: str,
        *,
        selectors: Sequence[Mapping[str, JSONValue]] = (),
        include_pending: bool = False,
        include_wip_pacts_since: str | None = None,
        provider_version_branch: str | None = None,
        provider_version_tags: Sequence[str] = (),
    ) -> list[SelectedPact]:
        """The pacts the broker selects for `provider` (§7.2 request, §7.4 response)."""
        index = await self.request("GET", "/")
        template = _href(index.get("_links"), "pb:provider-pacts-for-verification")
        if template is None:
            message = "The broker's index has no pb:provider-pacts-for-verification link"
            raise UnexpectedResponseError(message)
        body: dict[str, object] = {
            "consumerVersionSelectors": [dict(selector) for selector in selectors],
            "includePendingStatus": include_pending,
        }
        if provider_version_branch:
            body["providerVersionBranch"] = provider_version_branch
        if provider_version_tags:
            body["providerVersionTags"] = list(provider_version_tags)
        if include_wip_pacts_since:
            body["includeWipPactsSince"] = include_wip_pacts_since
        answer = await self.request("POST", hal.expand(template, {"provider": provider}), body)
        embedded = answer.get("_embedded")
        listed = embedded.get("pacts") if isinstance(embedded, dict) else None
        if not isinstance(listed, list):
            return []
        return [_selected(item) for item in listed if isinstance(item, dict)]

    async def publish(
        self,
        links: JSONObject,
        payload: Mapping[str, object],
        *,
        provider_version: str,
        branch: str | None,
        tags: Sequence[str],
    ) -> str | None:
        """Record the provider version's branch and tags, then POST the result (§8).

        Returns:
            The URL of the stored verification result.
        """
        if branch or tags:
            provider_href = _href(links, "pb:provider")
            if provider_href is None:
                raise UnexpectedResponseError("The pact has no pb:provider link")
            pacticipant = await self.request("GET", provider_href)
            versions = {"version": provider_version}
            if branch:
                template = _link_of(pacticipant, "pb:branch-version")
                await self.request("PUT", hal.expand(template, {**versions, "branch": branch}))
            for tag in tags:
                template = _link_of(pacticipant, "pb:version-tag")
                await self.request("PUT", hal.expand(template, {**versions, "tag": tag}))
        target = _href(links, "pb:publish-verification-results")
        if target is None:
            raise UnexpectedResponseError("The pact has no pb:publish-verification-results link")
        stored = await self.request("POST", target, dict(payload))
        return _href(stored.get("_links"), "self")


def _link_of(resource: JSONObject, relation: str) -> str:
    href = _href(resource.get("_links"), relation)
    if href is None:
        raise UnexpectedResponseError(f"The provider pacticipant has no {relation} link")
    return href


def _selected(item: JSONObject) -> SelectedPact:
    href = _href(item.get("_links"), "self")
    if href is None:
        raise UnexpectedResponseError("A pact for verification has no self link")
    properties = item.get("verificationProperties")
    properties = properties if isinstance(properties, dict) else {}
    notices = properties.get("notices")
    # Only the notices meant for before verification: why the pact is here, why pending.
    texts = tuple(
        str(notice["text"])
        for notice in (notices if isinstance(notices, list) else [])
        if isinstance(notice, dict)
        and "text" in notice
        and notice.get("when", "before_verification") == "before_verification"
    )
    description = item.get("shortDescription")
    return SelectedPact(
        url=href,
        short_description=description if isinstance(description, str) else "",
        is_pending=properties.get("pending") is True,
        is_wip=properties.get("wip") is True,
        notices=texts,
    )
