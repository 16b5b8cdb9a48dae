"""The verification a pytest session runs: pacts loaded at collection, results published at end.

`AccordRun` is registered as a plugin only when the options ask for a verification. It keeps
one event loop for the session, so the broker clients made while loading the pacts are still
open when the results are published.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest

from verifier._errors import OpenAPIDocumentError, SourceError
from verifier._openapi import OpenAPICheck
from verifier._replay import Provider
from verifier._results import InteractionResult, PactResult
from verifier._runner import ResponseCheck, Verifier
from verifier._sources import LoadedPact
from verifier.pytest_plugin.items import InteractionItem
from verifier.pytest_plugin.options import Settings

T = TypeVar("T")


class PactCollector(pytest.Collector):
    """The interactions of one pact, as items (made by `AccordRun`, not collected from files)."""

    def collect(self) -> list[pytest.Item]:
        """Nothing more: `AccordRun` creates the items itself."""
        return []


class AccordRun:
    """The session's verification: collection of the interactions, their results, publishing.

    Args:
        settings: What the options asked for.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loaded: list[LoadedPact] = []
        self.results: dict[tuple[int, int], InteractionResult] = {}
        self.response_checks: list[ResponseCheck] = []
        self.report: list[str] = []
        # Not the thread's current loop: async tests keep theirs (pytest-asyncio's, say).
        self._loop = asyncio.new_event_loop()

    def call(self, work: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the session's event loop."""
        return self._loop.run_until_complete(work)

    def record(self, key: tuple[int, int], result: InteractionResult) -> None:
        """Keep an interaction's result for publishing."""
        self.results[key] = result

    def _verifier(self) -> Verifier:
        provider = self.settings.provider_url or "http://127.0.0.1"
        return Verifier(Provider(name=self.settings.provider, base_url=provider))

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        """Load the pacts and add an item per interaction (before -k and -m select).

        pact_ffi's filter variables (`PACT_DESCRIPTION`, `PACT_PROVIDER_STATE`,
        `PACT_PROVIDER_NO_STATE`) deselect the interactions they leave out, as `-k` would.
        """
        narrowing = self.settings.interaction_filter
        self.response_checks += self._openapi_checks()
        try:
            self.loaded = self.call(self._verifier().load(self.settings.sources))
        except SourceError as error:
            raise pytest.UsageError(str(error)) from error
        names: set[str] = set()
        for index, loaded in enumerate(self.loaded):
            name = f"accord[{loaded.pact.consumer}-{loaded.pact.provider}]"
            if name in names:
                name = f"accord[{loaded.pact.consumer}-{loaded.pact.provider}-{index}]"
            names.add(name)
            parent = PactCollector.from_parent(session, name=name, nodeid=name)
            made: list[pytest.Item] = [
                InteractionItem.create(parent, self, loaded, (index, position))
                for position in range(len(loaded.pact.interactions))
            ]
            # Reported like any collected node, so "collected N items" counts them.
            report = pytest.CollectReport(
                name, "passed", None, list[pytest.Item | pytest.Collector](made)
            )
            session.ihook.pytest_collectreport(report=report)
            if narrowing.is_narrowing:
                left_out = [
                    item
                    for item in made
                    if isinstance(item, InteractionItem) and not narrowing.selects(item.interaction)
                ]
                if left_out:
                    config.hook.pytest_deselected(items=left_out)
                made = [item for item in made if item not in left_out]
            items += made

    def _openapi_checks(self) -> list[ResponseCheck]:
        settings = self.settings
        checks: list[ResponseCheck] = []
        try:
            if settings.openapi:
                checks.append(OpenAPICheck.from_file(settings.openapi))
            if settings.openapi_version:
                if not settings.broker_url:
                    message = "--accord-openapi-provider-version needs --accord-broker-url."
                    raise pytest.UsageError(message)
                checks.append(
                    OpenAPICheck.from_broker(
                        settings.broker_url,
                        settings.provider,
                        settings.openapi_version,
                        token=settings.broker_credentials["token"],
                        username=settings.broker_credentials["username"],
                        password=settings.broker_credentials["password"],
                    )
                )
        except OpenAPIDocumentError as error:
            raise pytest.UsageError(str(error)) from error
        return checks

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Publish each fully verified broker pact's result, then close the broker clients."""
        try:
            publishes = self.settings.publication is not None and self.loaded
            if publishes and self._publish():
                session.exitstatus = pytest.ExitCode.TESTS_FAILED
        finally:
            brokers = {id(item.broker): item.broker for item in self.loaded if item.broker}
            for broker in brokers.values():
                self.call(broker.aclose())
            self.call(self._loop.shutdown_asyncgens())
            self._loop.close()

    def _publish(self) -> bool:
        """Publish; whether a result could not be published."""
        assert self.settings.publication is not None
        ready: list[LoadedPact] = []
        results: list[PactResult] = []
        for index, loaded in enumerate(self.loaded):
            found = [self.results.get((index, at)) for at in range(len(loaded.pact.interactions))]
            verified = [result for result in found if result is not None]
            if loaded.broker is None:
                continue
            if len(verified) < len(found):
                self.report.append(
                    f"The result of the pact between {loaded.pact.consumer} and "
                    f"{loaded.pact.provider} was not published: not every interaction ran "
                    "(deselected, or stopped before its verdict)."
                )
                continue
            ready.append(loaded)
            results.append(
                PactResult(
                    consumer=loaded.pact.consumer,
                    provider=loaded.pact.provider,
                    source=loaded.source,
                    interactions=tuple(verified),
                    is_pending=loaded.is_pending,
                    is_wip=loaded.is_wip,
                )
            )
        published = self.call(self._verifier().publish(ready, results, self.settings.publication))
        failed = False
        for result in published:
            if result.publish_error:
                failed = True
                self.report.append(result.publish_error)
            else:
                self.report.append(f"Published the verification result: {result.published}")
        return failed

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """Say what was published, or why not."""
        if self.report:
            terminalreporter.section("accord")
            for line in self.report:
                terminalreporter.write_line(line)
