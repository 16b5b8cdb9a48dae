"""How services hand CPU-heavy work to something that runs it off the event loop.

`Work.run(task, *args)` runs a plain function (one of `broker.services.document_work`) and
answers its result, or raises `WorkTimeoutError` when the task took longer than the budget.
The broker wires `broker.workers.WorkerPool` (processes, a hard budget); `InlineWork` runs the
task where it is called, for code that has no pool (a script, a unit test).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from broker.domain.errors import UnprocessableError

T = TypeVar("T")


class WorkTimeoutError(UnprocessableError):
    """The task ran longer than its budget and was stopped.

    Services that can record "not computed" catch it; anywhere else it answers 422.
    """

    slug = "took-too-long"

    def __init__(self, budget: float) -> None:
        """Remember the budget, to say it."""
        self.reason = f"took too long (over {budget:g} s)"
        super().__init__(f"Processing the document {self.reason}")
        self.budget = budget


class WorkFailedError(Exception):
    """The task raised, or the process running it died; the message says how."""


class Work(Protocol):
    """Runs CPU-heavy tasks away from the event loop, each under a time budget."""

    async def run(self, task: Callable[..., T], *args: Any) -> T:
        """`task(*args)`'s result.

        Raises:
            WorkTimeoutError: the task took longer than the budget.
            WorkFailedError: the task raised.
        """
        ...


class InlineWork:
    """Runs each task at once, on the caller's thread, with no budget."""

    async def run(self, task: Callable[..., T], *args: Any) -> T:
        """`task(*args)`, here and now."""
        try:
            return task(*args)
        except Exception as error:
            raise WorkFailedError(f"{type(error).__name__}: {error}") from error
