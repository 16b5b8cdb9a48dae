"""Event checks of a Python consumer in process: the `accord_event_check` fixture.

The test gives the consumer's pact and its handler, state and reset; the fixture delivers each
message of the pact the ways a broker does (twice, out of order, malformed) and fails the test
with the failed checks, each naming the interaction and the check::

    def test_the_warehouse_copes_with_real_deliveries(accord_event_check):
        warehouse = Warehouse()
        accord_event_check(
            "pacts/Warehouse-Orders.json",
            handle=warehouse.handle,  # raises verifier.events.MessageRejected to refuse
            snapshot=warehouse.snapshot,
            reset=warehouse.reset,
            dead_letters=lambda: warehouse.dead,  # optional
        )

`accord_event_check.run(...)` takes the same arguments and returns the results without failing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

from verifier import _files
from verifier._errors import PactError
from verifier._files import UnreadableFileError
from verifier._pact import Pact, decode_pact, read_pact
from verifier.events import EventChecker, EventMessage, InProcessConsumer, plan, render_text
from verifier.events.run import EventResult

PactGiven = str | Path | Pact | Mapping[str, object]


def _pact(given: PactGiven) -> Pact:
    if isinstance(given, Pact):
        return given
    try:
        if isinstance(given, Mapping):
            return read_pact(dict(given))  # type: ignore[arg-type]  # a decoded pact document
        return decode_pact(_files.read_file(given, _files.MAX_DOCUMENT_BYTES))
    except UnreadableFileError as error:
        pytest.fail(f"The pact {error}.", pytrace=False)
    except PactError as error:
        pytest.fail(
            f"The pact {given if not isinstance(given, Mapping) else ''} is not a pact: {error}.",
            pytrace=False,
        )


class EventCheck:
    """What the `accord_event_check` fixture gives: call it, or `run` it for the results."""

    def run(
        self,
        pact: PactGiven,
        *,
        handle: Callable[[EventMessage], object],
        snapshot: Callable[[], object],
        reset: Callable[[], object],
        dead_letters: Callable[[], Sequence[object]] | None = None,
    ) -> list[EventResult]:
        """The results of every check of the pact's messages against the consumer."""
        consumer = InProcessConsumer(
            handle=handle, snapshot=snapshot, reset=reset, dead_letters=dead_letters
        )
        return EventChecker(consumer).run(plan([_pact(pact)]))

    def __call__(
        self,
        pact: PactGiven,
        *,
        handle: Callable[[EventMessage], object],
        snapshot: Callable[[], object],
        reset: Callable[[], object],
        dead_letters: Callable[[], Sequence[object]] | None = None,
    ) -> list[EventResult]:
        """`run`, failing the test when a check failed (the message lists the failed checks)."""
        results = self.run(
            pact, handle=handle, snapshot=snapshot, reset=reset, dead_letters=dead_letters
        )
        failed = [result for result in results if result.outcome == "failed"]
        if failed:
            pytest.fail(render_text(failed), pytrace=False)
        return results
