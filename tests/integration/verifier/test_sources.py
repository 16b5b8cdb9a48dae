"""Pact URLs behind basic or bearer auth, served by a real server on 127.0.0.1."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from litestar import Litestar, Request, Response, get
from litestar.params import FromPath

from tests.integration.verifier.conftest import PROVIDER, user_pact, without_broken
from tests.support.provider_app import TOKEN, running_provider
from verifier import PactUrl, Provider, SourceError, Verifier

BASIC = "Basic " + base64.b64encode(b"ci:s3cret").decode()


@pytest.fixture
def pact_server() -> Iterator[str]:
    """Serves the pact at /basic (basic auth ci:s3cret) and /bearer (the bearer token)."""

    @get("/{scheme:str}")
    async def pact(scheme: FromPath[str], request: Request[Any, Any, Any]) -> Response[Any]:
        wanted = BASIC if scheme == "basic" else f"Bearer {TOKEN}"
        if request.headers.get("authorization") != wanted:
            return Response({"error": "unauthorised"}, status_code=401)
        return Response(without_broken(user_pact()))

    with running_provider(Litestar(route_handlers=[pact])) as url:
        yield url


def provider(url: str) -> Provider:
    return Provider(
        name=PROVIDER,
        base_url=url,
        state_change_url=f"{url}/_pact/provider-states",
        custom_headers={"Authorization": f"Bearer {TOKEN}"},
    )


@pytest.mark.parametrize(
    "source",
    [
        lambda base: PactUrl(url=f"{base}/basic", username="ci", password="s3cret"),
        lambda base: PactUrl(url=f"{base}/bearer", token=TOKEN),
    ],
    ids=["basic", "bearer"],
)
async def test_a_pact_url_is_fetched_with_its_credentials(
    pact_server: str, provider_url: str, source: Any
) -> None:
    result = await Verifier(provider(provider_url)).verify([source(pact_server)])
    assert result.is_success
    assert result.pacts[0].source.startswith(pact_server)
    assert len(result.pacts[0].interactions) == 3


async def test_a_refused_pact_url_is_one_sentence(pact_server: str, provider_url: str) -> None:
    with pytest.raises(SourceError) as raised:
        await Verifier(provider(provider_url)).verify([PactUrl(url=f"{pact_server}/basic")])
    assert str(raised.value) == (
        f"The pact at {pact_server}/basic could not be fetched: unauthorised."
    )
