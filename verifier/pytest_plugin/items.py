"""One test item per interaction, and the text of its failure.

An item is a `pytest.Function` (so it takes fixtures: `accord_provider`, and the
`accord_state:<name>` fixture of each of its provider states) whose test verifies its one
interaction with the `Verifier` and turns the verdict into pytest's words: a pass, a failure
whose message is the mismatch tree, a skip (nothing verifies its kind), or an xfail when the
interaction or its pact is pending.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import msgspec
import pytest

from verifier._pact import Interaction
from verifier._replay import Provider
from verifier._results import InteractionResult, PactResult
from verifier._runner import Verifier
from verifier._sources import LoadedPact
from verifier.pytest_plugin.states import BoundState, StateFunctions, fixture_name

if TYPE_CHECKING:
    from verifier.pytest_plugin.session import AccordRun

_PARTS = {"header": "headers", "content-type": "body", "query": "query"}


class InteractionFailedError(Exception):
    """The provider's answer differs from the interaction; the message is the mismatch tree."""


def failure_text(pact: PactResult, result: InteractionResult) -> str:
    """The mismatch tree: the interaction, then each part that differs with its findings."""
    states = " and ".join(state.name for state in result.provider_states)
    lines = [f"{pact.consumer} -> {pact.provider}: {result.description}"]
    if states:
        lines[0] += f" (given {states})"
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


def verify_interaction(request: pytest.FixtureRequest, accord_provider: Provider) -> None:
    """Verify the item's interaction against the provider; pytest's verdict from the result."""
    item = request.node
    assert isinstance(item, InteractionItem)
    interaction = item.interaction
    bound = _state_functions(request, interaction)
    missing: list[str] = []
    provider = accord_provider
    if bound or (provider.state_change_url is None and provider.state_handler is None):
        handler = StateFunctions(
            bound,
            missing,
            url=provider.state_change_url,
            teardown=provider.state_change_teardown,
            timeout=provider.timeout,
        )
        provider = dataclasses.replace(provider, state_handler=handler, state_change_teardown=True)
    single = dataclasses.replace(
        item.loaded, pact=msgspec.structs.replace(item.loaded.pact, interactions=(interaction,))
    )
    verifier = Verifier(provider, response_checks=item.run.response_checks)
    (pact,) = item.run.call(verifier.verify_pacts([single]))
    (result,) = pact.interactions
    if missing:
        note = "no @provider_state function or state-change URL sets up: " + ", ".join(missing)
        result = msgspec.structs.replace(result, notes=(*result.notes, note))
        item.run.report.append(f"{item.nodeid}: {note}")
    item.run.record(item.key, result)
    if result.status == "skipped":
        pytest.skip(result.error or "nothing verifies this interaction")
    if result.is_ok:
        return
    text = failure_text(pact, result)
    if pact.is_pending_for(result):
        pytest.xfail(f"pending, so its failure does not fail the run:\n{text}")
    raise InteractionFailedError(text)
