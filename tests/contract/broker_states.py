"""Provider states of the SDK's pact, set up in a real broker through its HTTP API.

Each setup is idempotent (create what is missing, keep what is there), so interactions may
share data and run in any order. The seeding talks plain HTTP, not the SDK: the SDK is the
consumer under test and must not prepare its own verification.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

import httpx

from tests.contract.sdk_pact import ORDERS_PACT
from verifier import ProviderState, StateAction
from verifier.matching import JSONValue


class BrokerStates:
    """The state handler for `verifier.Provider(state_handler=...)`.

    Args:
        broker_url: The broker's base URL.
    """

    def __init__(self, broker_url: str) -> None:
        self._broker_url = broker_url

    async def __call__(
        self, state: ProviderState, action: StateAction
    ) -> Mapping[str, JSONValue] | None:
        if action == "teardown" or not state.name:
            return None
        params = {key: str(value) for key, value in state.params.items()}
        async with httpx.AsyncClient(base_url=self._broker_url, timeout=10) as broker:
            seeding = _Seeding(broker)
            if state.name == "a pacticipant exists":
                await seeding.pacticipant(params["name"], main_branch=params["mainBranch"])
                return None
            if state.name == "a pact verified by a provider version deployed to an environment":
                await seeding.verified_and_deployed(params)
                return None
            if state.name == "a version and an environment exist":
                await seeding.version(params["pacticipant"], params["version"])
                return {"environmentUuid": await seeding.environment(params["environment"])}
        msg = f"no setup for the provider state {state.name!r}"
        raise LookupError(msg)


class _Seeding:
    """One broker's data, created through its API."""

    def __init__(self, broker: httpx.AsyncClient) -> None:
        self._broker = broker

    async def _send(self, method: str, url: str, body: object = None) -> httpx.Response:
        if method == "GET":
            response = await self._broker.get(url)
        else:
            response = await self._broker.request(method, url, json={} if body is None else body)
        response.raise_for_status()
        return response

    async def pacticipant(self, name: str, *, main_branch: str) -> None:
        """Create the pacticipant, or give the existing one (a pact made it) its main branch."""
        found = await self._broker.get(f"/pacticipants/{name}")
        if found.status_code == httpx.codes.NOT_FOUND:
            await self._send("POST", "/pacticipants", {"name": name, "mainBranch": main_branch})
            return
        found.raise_for_status()
        patched = await self._broker.patch(
            f"/pacticipants/{name}",
            json={"mainBranch": main_branch},
            headers={"Content-Type": "application/merge-patch+json"},
        )
        patched.raise_for_status()

    async def version(self, pacticipant: str, number: str) -> None:
        await self._send("PUT", f"/pacticipants/{pacticipant}/versions/{number}")

    async def environment(self, name: str) -> str:
        """The environment's uuid, created if missing."""
        listed = await self._broker.get("/environments")
        listed.raise_for_status()
        for environment in listed.json()["_embedded"]["environments"]:
            if environment["name"] == name:
                return str(environment["uuid"])
        created = await self._send("POST", "/environments", {"name": name, "production": True})
        return str(created.json()["uuid"])

    async def verified_and_deployed(self, params: Mapping[str, str]) -> None:
        """The consumer version's pact, a successful result from the provider version, and
        that provider version deployed to the environment."""
        consumer, provider = params["consumer"], params["provider"]
        await self._send(
            "POST",
            "/contracts/publish",
            {
                "pacticipantName": consumer,
                "pacticipantVersionNumber": params["consumerVersion"],
                "contracts": [
                    {
                        "consumerName": consumer,
                        "providerName": provider,
                        "specification": "pact",
                        "contentType": "application/json",
                        "content": base64.b64encode(ORDERS_PACT).decode("ascii"),
                    }
                ],
            },
        )
        pact = await self._send(
            "GET",
            f"/pacts/provider/{provider}/consumer/{consumer}/version/{params['consumerVersion']}",
        )
        results = pact.json()["_links"]["pb:publish-verification-results"]["href"]
        await self._send(
            "POST",
            results,
            {"success": True, "providerApplicationVersion": params["providerVersion"]},
        )
        uuid = await self.environment(params["environment"])
        await self._send(
            "POST",
            f"/pacticipants/{provider}/versions/{params['providerVersion']}"
            f"/deployed-versions/environment/{uuid}",
        )
