"""One test item per interaction, and the text of its failure.

An item is a `pytest.Function` (so it takes fixtures: `accord_provider`, the
`accord_state:<name>` fixture of each of its provider states, and a message interaction's
`@message_producer` fixture) whose test verifies its one interaction with the `Verifier` and
turns the verdict into pytest's words: a pass, a failure whose message is the mismatch tree (or
why the interaction was not verified: that is a failure too, never a skip), or an xfail when the
interaction or its pact is pending.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import msgspec
import pytest

from verifier._errors import VerifierError
from verifier._pact import Interaction
from verifier._replay import Provider
from verifier._results import InteractionResult, PactResult
from verifier._runner import Verifier, unset_states_reason
from verifier._sources import LoadedPact
from verifier.pytest_plugin.producers import producers_for
from verifier.pytest_plugin.states import BoundState, StateFunctions, fixture_name

if TYPE_CHECKING:
    from verifier.pytest_plugin.session import AccordRun

_PARTS = {"header": "headers", "content-type": "body", "query": "query"}


class InteractionFailedError(VerifierError):
    """The provider's answer differs from the interaction; the message is the mismatch tree."""


def failure_text(pact: PactResult, result: InteractionResult) -> str:
    """The mismatch tree: the interaction, then each part that differs with its findings."""
    states = " and ".join(state.name for state in result.provider_states)
    lines = [f"{pact.consumer} -> {pact.provider}: {result.description}"]
    if states:
        lines[0] += f" (given {states})"
    if result.status == "skipped":
        lines[0] += ": NOT VERIFIED"
    lines.append(f"  from {pact.source}")
    if result.error:
        lines.append(f"  {result.error}")
    groups: dict[str, list[str]] = {}
    for finding in result.findings:
        part = _PARTS.get(finding.kind, finding.kind)
        label = part if finding.source == "pact" else f"{finding.source}: {part}"
        groups.setdefault(label, []).append(finding.description)
    for label, descriptions in groups.items():
        lines.append(f"  {label}")
        lines += [f"    {description}" for description in descriptions]
    lines += [f"  note: {note}" for note in result.notes]
    if result.curl:
        lines.append(f"  replay: {result.curl}")
    return "\n".join(lines)


class InteractionItem(pytest.Function):
    """The test of one interaction of one pact."""

    run: AccordRun
    loaded: LoadedPact
    interaction: Interaction
    key: tuple[int, int]

    @classmethod
    def create(
        cls,
        parent: pytest.Collector,
        run: AccordRun,
        loaded: LoadedPact,
        key: tuple[int, int],
    ) -> InteractionItem:
        """The item of the interaction at `key` (pact index, position) of `loaded`."""
        interaction = loaded.pact.interactions[key[1]]
        item: InteractionItem = cls.from_parent(
            parent, name=interaction.description, callobj=verify_interaction
        )
        item.run, item.loaded, item.interaction, item.key = run, loaded, interaction, key
        item.add_marker(pytest.mark.accord)
        return item

    def reportinfo(self) -> tuple[str, int | None, str]:
        """Where the interaction comes from, for pytest's reports."""
        pact = self.loaded.pact
        return self.loaded.source, None, f"{pact.consumer} -> {pact.provider}: {self.name}"

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        """The mismatch tree, without a traceback of the plugin's code."""
        if isinstance(excinfo.value, InteractionFailedError):
            return str(excinfo.value)
        del style  # pytest.Function chooses its own
        return super().repr_failure(excinfo)


def _state_functions(
    request: pytest.FixtureRequest, interaction: Interaction
) -> dict[str, BoundState]:
    found: dict[str, BoundState] = {}
    for state in interaction.provider_states:
        try:
            bound = request.getfixturevalue(fixture_name(state.name))
        except pytest.FixtureLookupError:
            continue
        if isinstance(bound, BoundState):
            found[state.name] = bound
    return found


def _unset_states(
    provider: Provider, interaction: Interaction, bound: Mapping[str, object]
) -> list[str]:
    """The item's provider states that no function, URL or handler sets up."""
    if provider.state_change_url is not None or provider.state_handler is not None:
        return []
    return [state.name for state in interaction.provider_states if state.name not in bound]


def _result(
    request: pytest.FixtureRequest, item: InteractionItem, provider: Provider
) -> tuple[PactResult, InteractionResult, list[str]]:
    """Verify the item's interaction; its pact's result, its own, and the states nothing set up."""
    interaction = item.interaction
    settings = item.run.settings
    if interaction.kind == "http" and not provider.base_url:
        pytest.fail("Give --accord-provider-url, or override the accord_provider fixture.")
    bound = _state_functions(request, interaction)
    single = dataclasses.replace(
        item.loaded, pact=msgspec.structs.replace(item.loaded.pact, interactions=(interaction,))
    )
    unset = _unset_states(provider, interaction, bound)
    if unset and settings.require_states:
        result = InteractionResult(
            description=interaction.description,
            status="skipped",
            error=unset_states_reason(interaction, unset),
            provider_states=interaction.provider_states,
            interaction_id=interaction.interaction_id,
            is_pending=item.loaded.is_pending or interaction.is_pending,
        )
        pact = PactResult(
            consumer=single.pact.consumer,
            provider=single.pact.provider,
            source=single.source,
            interactions=(result,),
            is_pending=single.is_pending,
            is_wip=single.is_wip,
        )
        return pact, result, []
    missing: list[str] = []
    if bound or (provider.state_change_url is None and provider.state_handler is None):
        handler = StateFunctions(
            bound,
            missing,
            url=provider.state_change_url,
            teardown=provider.state_change_teardown,
            timeout=provider.timeout,
        )
        provider = dataclasses.replace(provider, state_handler=handler, state_change_teardown=True)
    producers = None
    if interaction.kind != "http":
        producers = producers_for(request, interaction, settings.message_producer_url)
    verifier = Verifier(
        provider, response_checks=item.run.response_checks, message_producers=producers
    )
    (pact,) = item.run.call(verifier.verify_pacts([single]))
    (result,) = pact.interactions
    return pact, result, missing


def verify_interaction(request: pytest.FixtureRequest, accord_provider: Provider) -> None:
    """Verify the item's interaction against the provider; pytest's verdict from the result."""
    item = request.node
    assert isinstance(item, InteractionItem)
    pact, result, missing = _result(request, item, accord_provider)
    if missing:
        note = "no @provider_state function or state-change URL sets up: " + ", ".join(missing)
        result = msgspec.structs.replace(result, notes=(*result.notes, note))
        item.run.report.append(f"{item.nodeid}: {note}")
    item.run.record(item.key, result)
    if result.is_ok:
        return
    text = failure_text(pact, result)
    if pact.is_pending_for(result):
        pytest.xfail(f"pending, so its failure does not fail the run:\n{text}")
    raise InteractionFailedError(text)
