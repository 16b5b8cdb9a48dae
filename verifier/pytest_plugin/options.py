"""The plugin's `--accord-*` options, and what they ask for as verifier values.

Options follow `accord verify`'s flags with an `accord-` prefix; broker credentials fall back to
the `PACT_BROKER_*` environment variables, and `PACT_DESCRIPTION`, `PACT_PROVIDER_STATE` and
`PACT_PROVIDER_NO_STATE` narrow the run, as the Pact tools do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import msgspec
import pytest

from verifier import _files
from verifier._errors import FilterError, PactError
from verifier._files import UnreadableFileError
from verifier._filters import InteractionFilter
from verifier._matching.values import JSONValue
from verifier._pact import decode_pact
from verifier._publish import Publication
from verifier._sources import BrokerSource, PactFile, PactUrl, Source


def add_options(parser: pytest.Parser) -> None:
    """Register the `--accord-*` options."""
    group = parser.getgroup("accord", "Accord: verify pacts against a provider")
    add = group.addoption
    add(
        "--accord-pact",
        action="append",
        default=[],
        metavar="PATH_OR_URL",
        help="a pact file, folder of pacts or pact URL to verify (repeatable)",
    )
    add("--accord-broker-url", metavar="URL", help="verify the pacts a broker selects")
    add("--accord-provider", metavar="NAME", help="the provider's name in the pacts")
    add(
        "--accord-provider-url",
        metavar="URL",
        help="where the provider listens (or override the accord_provider fixture)",
    )
    add(
        "--accord-provider-states-setup-url",
        metavar="URL",
        help="POST {state, params, action} for states without a @provider_state",
    )
    add(
        "--accord-message-producer-url",
        metavar="URL",
        help="POST {description, providerStates} for messages without a @message_producer",
    )
    add(
        "--accord-require-provider-states",
        action="store_true",
        help="fail, without verifying, interactions whose provider states nothing sets up",
    )
    add(
        "--accord-custom-header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="add to every request (repeatable)",
    )
    add(
        "--accord-consumer-version-selectors",
        action="append",
        default=[],
        metavar="JSON",
        help="a consumer version selector, or a JSON array of them (repeatable)",
    )
    add(
        "--accord-enable-pending",
        action="store_true",
        help="pending pacts' failures are reported as xfail",
    )
    add("--accord-include-wip-pacts-since", metavar="DATE")
    add(
        "--accord-openapi",
        metavar="FILE",
        help="also validate every response against this OpenAPI document",
    )
    add(
        "--accord-openapi-provider-version",
        metavar="VERSION",
        help="the same with the OpenAPI document this provider version published to the broker",
    )
    add("--accord-publish", action="store_true", help="publish the results to the broker")
    add("--accord-provider-version", metavar="VERSION", help="the provider version verified")
    add("--accord-provider-branch", metavar="BRANCH", help="the provider version's branch")


def is_requested(config: pytest.Config) -> bool:
    """Whether the options ask for a verification (the plugin does nothing otherwise)."""
    return bool(config.getoption("accord_pact") or config.getoption("accord_broker_url"))


@dataclass(frozen=True, kw_only=True)
class Settings:
    """What the options ask for."""

    provider: str
    provider_url: str | None
    states_url: str | None
    message_producer_url: str | None
    require_states: bool
    custom_headers: dict[str, str]
    sources: list[Source]
    openapi: str | None
    openapi_version: str | None
    broker_url: str | None
    broker_credentials: dict[str, str | None]
    publication: Publication | None
    interaction_filter: InteractionFilter


def _selectors(texts: list[str]) -> list[dict[str, JSONValue]]:
    selectors: list[dict[str, JSONValue]] = []
    for text in texts:
        try:
            decoded: JSONValue = msgspec.json.decode(text)
        except msgspec.DecodeError as error:
            message = f"--accord-consumer-version-selectors {text!r} is not JSON."
            raise pytest.UsageError(message) from error
        items = decoded if isinstance(decoded, list) else [decoded]
        if not all(isinstance(item, dict) for item in items):
            message = f"--accord-consumer-version-selectors {text!r} is not a JSON object."
            raise pytest.UsageError(message)
        selectors += [item for item in items if isinstance(item, dict)]
    return selectors


def _headers(values: list[str]) -> dict[str, str]:
    headers = {}
    for value in values:
        name, colon, content = value.partition(":")
        if not colon or not name.strip():
            raise pytest.UsageError(f"--accord-custom-header {value!r} is not 'Name: value'.")
        headers[name.strip()] = content.strip()
    return headers


def _provider_of_first_pact(sources: list[Source]) -> str | None:
    """The provider the first pact file names, when no --accord-provider is given."""
    for source in sources:
        if isinstance(source, PactFile):
            path = Path(source.path)
            files = sorted(path.glob("*.json")) if path.is_dir() else [path]
            for file in files:
                try:
                    content = _files.read_file(file, _files.MAX_DOCUMENT_BYTES)
                    return decode_pact(content).provider
                except (UnreadableFileError, PactError):
                    continue
    return None


def read_settings(config: pytest.Config) -> Settings:
    """The verification the options describe.

    Raises:
        pytest.UsageError: When options are missing or malformed.
    """
    option = config.getoption
    env = os.environ
    token = env.get("PACT_BROKER_TOKEN") or None
    username = env.get("PACT_BROKER_USERNAME") or None
    password = env.get("PACT_BROKER_PASSWORD") or None
    sources: list[Source] = []
    known_broker = option("accord_broker_url") or env.get("PACT_BROKER_BASE_URL")
    for given in option("accord_pact"):
        if given.startswith(("http://", "https://")):
            sources.append(
                PactUrl.with_broker_credentials(
                    given,
                    broker_url=known_broker,
                    token=token,
                    username=username,
                    password=password,
                )
            )
        else:
            sources.append(PactFile(given))
    broker_url = option("accord_broker_url")
    provider = option("accord_provider") or _provider_of_first_pact(sources)
    if provider is None:
        raise pytest.UsageError("Give --accord-provider: no pact file names the provider.")
    branch = option("accord_provider_branch")
    if broker_url:
        sources.append(
            BrokerSource(
                url=broker_url,
                token=token,
                username=username,
                password=password,
                selectors=_selectors(option("accord_consumer_version_selectors")),
                enable_pending=option("accord_enable_pending"),
                include_wip_pacts_since=option("accord_include_wip_pacts_since"),
                provider_version_branch=branch,
            )
        )
    try:
        narrowing = InteractionFilter.from_environment(env)
    except FilterError as error:
        raise pytest.UsageError(str(error)) from error
    publication = None
    if option("accord_publish"):
        if not option("accord_provider_version"):
            raise pytest.UsageError("--accord-publish needs --accord-provider-version.")
        publication = Publication(provider_version=option("accord_provider_version"), branch=branch)
    return Settings(
        provider=provider,
        provider_url=option("accord_provider_url"),
        states_url=option("accord_provider_states_setup_url"),
        message_producer_url=option("accord_message_producer_url"),
        require_states=option("accord_require_provider_states"),
        custom_headers=_headers(option("accord_custom_header")),
        sources=sources,
        openapi=option("accord_openapi"),
        openapi_version=option("accord_openapi_provider_version"),
        broker_url=broker_url,
        broker_credentials={"token": token, "username": username, "password": password},
        publication=publication,
        interaction_filter=narrowing,
    )
