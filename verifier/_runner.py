"""The verification run: load the pacts, replay every interaction, judge, publish.

Interactions that need the same provider states run one after another, in pact order, because
they share the provider's data; interactions with different states (or none) run side by side,
at most `concurrency` at a time. `sequential=True` runs everything in order, one at a time, for
providers whose states are not independent.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import functools
import json
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeAlias

import msgspec

from clients.sdk import ClientError
from verifier import _sources
from verifier._errors import GeneratorError, ReplayError, StateChangeError
from verifier._filters import InteractionFilter
from verifier._generators import requests as generated
from verifier._generators.values import Context
from verifier._http import RequestPathError, outgoing, received
from verifier._matching.interactions import response as match_response
from verifier._matching.values import JSONObject
from verifier._message_verify import verify_message
from verifier._messages import MessageProducers, Producer, as_registry
from verifier._pact import Interaction
from verifier._publish import Publication, payload
from verifier._replay import Connection, Provider, send
from verifier._results import Finding, InteractionResult, PactResult, VerificationResult
from verifier._sources import BrokerSource, LoadedPact, PactFile, PactUrl, Source
from verifier._states import StateChanger


async def _close_brokers(loaded: Sequence[LoadedPact]) -> None:
    """Close each broker client the loaded pacts hold (several pacts share one)."""
    for broker in {id(item.broker): item.broker for item in loaded if item.broker}.values():
        await broker.aclose()


ResponseCheck: TypeAlias = Callable[[Interaction, JSONObject, JSONObject], Iterable[Finding]]
"""A check of one response beyond the pact: (interaction, request sent, response) -> findings.

The request and response are pact-shaped (the request after generators). Each finding names
its check in `source`, so reports group it apart from the pact's mismatches.
"""

Work: TypeAlias = tuple[int, int, LoadedPact, Interaction]
"""One interaction to verify: its pact's index, its position, the pact, the interaction."""


def unset_states_reason(interaction: Interaction, names: Sequence[str] | None = None) -> str:
    """Why an interaction is not verified: states are required and nothing sets `names` up.

    `names` are all of the interaction's provider states unless given.
    """
    unset = names if names is not None else [state.name for state in interaction.provider_states]
    listed = ", ".join(repr(name) for name in unset)
    noun = "state" if len(unset) == 1 else "states"
    return (
        f"Nothing sets up the provider {noun} {listed} (no state-change URL or handler), and "
        "provider states are required."
    )


def batches_by_state(work: Sequence[Work]) -> list[list[Work]]:
    """Group interactions that need the same provider states (same names and params).

    Each batch runs in order on one worker; batches run side by side. An interaction without
    provider states shares nothing, so it is a batch of its own.
    """
    groups: dict[str, list[Work]] = {}
    for entry in work:
        pact_index, position, _, interaction = entry
        states = [[state.name, state.params] for state in interaction.provider_states]
        key = json.dumps(states, sort_keys=True) if states else f"#{pact_index}.{position}"
        groups.setdefault(key, []).append(entry)
    return list(groups.values())


class Verifier:
    """Verifies pacts against a running provider.

    Args:
        provider: The provider and how to reach it.
        concurrency: How many interactions may be in flight at once.
        sequential: Run every interaction in order, one at a time.
        seed: Seeds the random values of generators, to make a run repeatable.
        response_checks: More checks of each response beyond the pact (an OpenAPI
            validation, say); their findings fail the interaction like mismatches do.
        message_producers: What makes the messages of message interactions: callables by
            message description, or a `MessageProducers` (which may name a message proxy URL).
            Without any, message interactions are not verified (`skipped`, failing the run).
        interaction_filter: Verify only the interactions it selects; a narrowed run publishes
            nothing (`VerificationResult.notes` says so), as the Pact verifiers do.
        require_provider_states: An interaction with a provider state that no state-change
            URL or handler sets up is not verified (`skipped`, failing the run) instead of
            verified with a warning.

    Example:
        >>> verifier = Verifier(Provider(name="Orders", base_url="http://127.0.0.1:8000"))
        >>> result = verifier.verify_sync([PactFile("pacts/")])  # doctest: +SKIP
        >>> result.is_success  # doctest: +SKIP
        True
    """

    def __init__(
        self,
        provider: Provider,
        *,
        concurrency: int = 8,
        sequential: bool = False,
        seed: int | None = None,
        response_checks: Sequence[ResponseCheck] = (),
        message_producers: MessageProducers | Mapping[str, Producer] | None = None,
        interaction_filter: InteractionFilter | None = None,
        require_provider_states: bool = False,
    ) -> None:
        self.provider = provider
        self.message_producers = as_registry(message_producers)
        self.interaction_filter = interaction_filter
        self._require_states = require_provider_states
        self._response_checks = tuple(response_checks)
        self._concurrency = 1 if sequential else max(1, concurrency)
        self._sequential = sequential
        self._rng = random.Random(seed)  # noqa: S311 - test data, not secrets

    def verify_sync(
        self, sources: Sequence[Source], *, publication: Publication | None = None
    ) -> VerificationResult:
        """`verify`, for code that is not async."""
        return asyncio.run(self.verify(sources, publication=publication))

    async def verify(
        self, sources: Sequence[Source], *, publication: Publication | None = None
    ) -> VerificationResult:
        """Load the pacts of every source, verify them, and publish if asked.

        A result the broker refuses is recorded on its pact (`publish_error`); the others are
        still published. A run narrowed by the interaction filter publishes nothing.

        Raises:
            SourceError: When a pact could not be read or fetched (nothing was verified).
        """
        started = time.perf_counter()
        loaded = await self.load(sources)
        notes: list[str] = []
        narrowing = self.interaction_filter
        try:
            if narrowing is not None and narrowing.is_narrowing:
                loaded = self.select(loaded, narrowing)
                if publication is not None:
                    notes.append(
                        "The verification results were not published: the run was narrowed to "
                        f"interactions with {narrowing}, and only a whole pact's result counts."
                    )
                    publication = None
            results = await self.verify_pacts(loaded)
            if publication is not None:
                results = await self.publish(loaded, results, publication)
        finally:
            await _close_brokers(loaded)
        return VerificationResult(
            provider=self.provider.name,
            pacts=tuple(results),
            duration=time.perf_counter() - started,
            notes=tuple(notes),
        )

    @staticmethod
    def select(loaded: Sequence[LoadedPact], narrowing: InteractionFilter) -> list[LoadedPact]:
        """The pacts with only the interactions the filter selects."""
        return [
            dataclasses.replace(
                item,
                pact=msgspec.structs.replace(
                    item.pact,
                    interactions=tuple(filter(narrowing.selects, item.pact.interactions)),
                ),
            )
            for item in loaded
        ]

    async def load(self, sources: Sequence[Source]) -> list[LoadedPact]:
        """Every pact the sources give, in the order of the sources.

        Raises:
            SourceError: When a pact could not be read or fetched.
        """
        loaded: list[LoadedPact] = []
        try:
            for source in sources:
                if isinstance(source, PactFile):
                    loaded += _sources.load_files(source, self.provider.name)
                elif isinstance(source, PactUrl):
                    loaded.append(await _sources.load_url(source, self.provider.timeout))
                elif isinstance(source, BrokerSource):
                    loaded += await _sources.load_broker(
                        source, self.provider.name, self.provider.timeout
                    )
        except BaseException:
            await _close_brokers(loaded)
            raise
        return loaded

    async def verify_pacts(self, loaded: Sequence[LoadedPact]) -> list[PactResult]:
        """Verify the interactions of every pact; one result per pact, in order."""
        work = [
            (pact_index, position, item, interaction)
            for pact_index, item in enumerate(loaded)
            for position, interaction in enumerate(item.pact.interactions)
        ]
        found: dict[tuple[int, int], InteractionResult] = {}
        batches = [work] if self._sequential else batches_by_state(work)
        queue: collections.deque[list[Work]] = collections.deque(batches)
        # Loading the CA store takes tens of milliseconds: once per run, and only for https.
        tls = functools.cache(self.provider.tls)

        async def worker() -> None:
            # Each worker keeps its own connection: a shared pool's bookkeeping grows with
            # the connections in it and slows every request.
            async with Connection(self.provider, tls) as connection:
                states = StateChanger(
                    connection,
                    url=self.provider.state_change_url,
                    handler=self.provider.state_handler,
                    teardown=self.provider.state_change_teardown,
                )
                while queue:
                    for pact_index, position, item, interaction in queue.popleft():
                        found[pact_index, position] = await self._verify_interaction(
                            connection, states, item, interaction
                        )

        await asyncio.gather(*(worker() for _ in range(min(self._concurrency, len(batches)))))
        return [
            PactResult(
                consumer=item.pact.consumer,
                provider=item.pact.provider,
                source=item.source,
                short_description=item.short_description,
                is_pending=item.is_pending,
                is_wip=item.is_wip,
                notices=item.notices,
                interactions=tuple(
                    found[pact_index, position] for position in range(len(item.pact.interactions))
                ),
            )
            for pact_index, item in enumerate(loaded)
        ]

    async def _verify_interaction(
        self,
        connection: Connection,
        states: StateChanger,
        item: LoadedPact,
        interaction: Interaction,
    ) -> InteractionResult:
        started = time.perf_counter()
        base = InteractionResult(
            description=interaction.description,
            status="passed",
            provider_states=interaction.provider_states,
            interaction_id=interaction.interaction_id,
            is_pending=item.is_pending or interaction.is_pending,
        )
        if self._require_states and states.unconfigured(interaction.provider_states):
            return msgspec.structs.replace(
                base, status="skipped", error=unset_states_reason(interaction)
            )
        if interaction.kind != "http":
            return await verify_message(
                self.message_producers,
                interaction,
                connection=connection,
                states=states,
                spec=item.pact.spec,
                base=base,
                rng=random.Random(self._rng.random()),  # noqa: S311 - test data, not secrets
            )
        notes: list[str] = []
        curl: str | None = None
        try:
            async with states.applied(interaction.provider_states, notes) as values:
                context = Context(provider_state=values, rng=random.Random(self._rng.random()))  # noqa: S311
                request = generated.apply(interaction.request, context)
                notes += context.notes
                message = outgoing(request, self.provider.custom_headers.items())
                curl = message.curl(self.provider.base_url)
                answer = await send(connection, message)
                actual = received(
                    answer.status_code, answer.header_items(), answer.content, spec=item.pact.spec
                )
        except (StateChangeError, ReplayError, GeneratorError, RequestPathError) as error:
            reason = str(error)
            if isinstance(error, GeneratorError):
                reason = f"A generator of the request failed: {error}"
            return msgspec.structs.replace(
                base,
                status="error",
                error=reason,
                notes=tuple(notes),
                curl=curl,
                duration=time.perf_counter() - started,
            )
        mismatches = match_response(interaction.response, actual, item.pact.spec)
        findings = [Finding.from_mismatch(mismatch) for mismatch in mismatches]
        for check in self._response_checks:
            findings += check(interaction, request, actual)
        return msgspec.structs.replace(
            base,
            status="failed" if findings else "passed",
            findings=tuple(findings),
            notes=tuple(notes),
            curl=curl,
            duration=time.perf_counter() - started,
        )

    async def publish(
        self,
        loaded: Sequence[LoadedPact],
        results: Sequence[PactResult],
        publication: Publication,
    ) -> list[PactResult]:
        """Publish each broker pact's result; the results with where it was stored or why not."""
        published: list[PactResult] = []
        for item, result in zip(loaded, results, strict=True):
            if item.broker is None:
                published.append(result)
                continue
            try:
                url = await item.broker.publish(
                    item.pact.links,
                    payload(result, publication),
                    provider_version=publication.provider_version,
                    branch=publication.branch,
                    tags=publication.tags,
                )
            except ClientError as error:
                message = (
                    f"The verification result of the pact between {result.consumer} and "
                    f"{result.provider} could not be published: {error}"
                )
                published.append(msgspec.structs.replace(result, publish_error=message))
                continue
            published.append(msgspec.structs.replace(result, published=url or item.source))
        return published
