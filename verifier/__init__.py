"""Accord's verifier: replays consumer pacts against a running provider (issue 6).

    from verifier import BrokerSource, PactFile, Provider, Publication, Verifier, render_text

    provider = Provider(
        name="Users",
        base_url="http://127.0.0.1:8000",
        state_change_url="http://127.0.0.1:8000/_pact/provider-states",
        custom_headers={"Authorization": "Bearer ..."},
    )
    result = Verifier(provider).verify_sync(
        [PactFile("pacts/"), BrokerSource(url="https://broker", selectors=[{"mainBranch": True}])],
        publication=Publication(provider_version="1.2.3", branch="main"),
    )
    print(render_text(result))
    raise SystemExit(0 if result.is_success else 1)

Request generators are applied before each request (ProviderState values come from the state
setup), the response is judged by `verifier.matching`, and results go back to the broker for
the pacts it handed out. A failure is data (`InteractionResult.findings`), never an exception;
only a run that cannot start raises (`SourceError`); a result the broker refuses is
recorded on its pact (`PactResult.publish_error`). Every exception the verifier raises is a
`VerifierError` (the tree is drawn in `verifier/_errors.py`).

Message pacts (V3 `messages`, V4 asynchronous and synchronous messages) are verified against
the provider's producers: `Verifier(provider, message_producers={description: callable})`, or
`MessageProducers(url=...)` for a message proxy over HTTP; each callable takes a `MessageCall`
and returns a `Message` (or several).

An interaction that was not verified (a message without a producer; with
`require_provider_states=True`, a provider state nothing sets up) is `skipped`, and that fails
the run and the published result. `Verifier(interaction_filter=InteractionFilter(...))`
narrows a run, as the Pact verifiers' filters do: it verifies what it selects and publishes
nothing.

`OpenAPICheck` (a `response_checks=` entry) also validates every response against the
provider's OpenAPI document, from a file or the provider contract in the broker; its findings
carry `source="openapi"`.

`verifier.matching` is the matching engine on its own: `match_request`, `match_response` and
`match_message`. The verifier installs without the broker extra: it never imports `broker`.
"""

from verifier._errors import (
    FilterError,
    OpenAPIDocumentError,
    PactError,
    ProducerError,
    SourceError,
    StateChangeError,
    VerifierError,
)
from verifier._filters import InteractionFilter
from verifier._messages import Message, MessageCall, MessageProducers, Producer
from verifier._openapi import OpenAPICheck
from verifier._pact import Interaction, Pact, ProviderState
from verifier._publish import Publication
from verifier._replay import Provider, RequestFilter
from verifier._report import render_text
from verifier._report_formats import render_json, render_junit
from verifier._results import Finding, InteractionResult, PactResult, Status, VerificationResult
from verifier._runner import ResponseCheck, Verifier
from verifier._sources import BrokerSource, LoadedPact, PactFile, PactUrl, Source
from verifier._states import StateAction, StateHandler

__all__ = [
    "BrokerSource",
    "FilterError",
    "Finding",
    "Interaction",
    "InteractionFilter",
    "InteractionResult",
    "LoadedPact",
    "Message",
    "MessageCall",
    "MessageProducers",
    "OpenAPICheck",
    "OpenAPIDocumentError",
    "Pact",
    "PactError",
    "PactFile",
    "PactResult",
    "PactUrl",
    "Producer",
    "ProducerError",
    "Provider",
    "ProviderState",
    "Publication",
    "RequestFilter",
    "ResponseCheck",
    "Source",
    "SourceError",
    "StateAction",
    "StateChangeError",
    "StateHandler",
    "Status",
    "VerificationResult",
    "Verifier",
    "VerifierError",
    "render_json",
    "render_junit",
    "render_text",
]
