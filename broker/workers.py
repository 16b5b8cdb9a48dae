"""Worker processes for CPU-heavy work on uploaded documents, each task under a time budget.

Comparing a pact with a 4 MB OpenAPI document, diffing two of them or validating a body
against a hostile `pattern` is pure Python: on the event loop it stops every request, and in a
thread it still holds the GIL for long stretches (the heartbeat waited 200 ms behind a Stripe
diff, and forever behind `^(a+)+$`). So the work runs in other processes, and a task that
outlives its budget has its process killed, the only way to stop pure-Python work; a fresh
process takes its place. Processes come from a fork server that has already imported the
engines, so starting one costs milliseconds, not the second an import takes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from broker.services.work import WorkFailedError, WorkTimeoutError

T = TypeVar("T")

log = logging.getLogger("broker.workers")

_NICENESS = 5
# Imported once by the fork server, so each worker starts with the engines loaded.
_PRELOAD = ["broker.services.document_work"]


def _serve(connection: Connection) -> None:
    """A worker's loop: receive (task, args), answer ("ok", result) or ("error", reason).

    The worker runs at a lower priority than the broker: on a busy machine the scheduler then
    serves requests before documents.
    """
    with contextlib.suppress(OSError):
        os.nice(_NICENESS)
    while True:
        try:
            task, args = connection.recv()
        except EOFError:
            return
        try:
            answer: tuple[str, Any] = ("ok", task(*args))
        except Exception as error:  # noqa: BLE001 - reported to the caller, who decides
            answer = ("error", f"{type(error).__name__}: {error}")
        connection.send(answer)


class _Worker:
    def __init__(self, context: ForkServerContext) -> None:
        self.connection, child = context.Pipe()
        self.process: BaseProcess = context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class WorkerPool:
    """Up to `size` worker processes; `run` gives each task one of them for `budget` seconds."""

    def __init__(self, size: int, budget: float) -> None:
        """Start no process yet: the first ones start in `start` or on first use."""
        self.size = size
        self.budget = budget
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(_PRELOAD)
        self._idle: list[_Worker] = []
        self._slots: asyncio.Semaphore | None = None
        self._busy: set[_Worker] = set()

    async def start(self) -> None:
        """Start the fork server and one worker, off the event loop (the server imports ~1 s)."""
        worker = await asyncio.to_thread(_Worker, self._context)
        self._idle.append(worker)

    async def close(self) -> None:
        """Stop every worker."""
        for worker in [*self._idle, *self._busy]:
            await asyncio.to_thread(worker.stop)
        self._idle.clear()
        self._busy.clear()

    async def run(self, task: Callable[..., T], *args: Any) -> T:
        """`task(*args)` in a worker process; the task and its arguments must pickle.

        Raises:
            WorkTimeoutError: the task ran longer than the budget; its process was killed.
            WorkFailedError: the task raised, or its process died.
        """
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.size)
        async with self._slots:
            worker = self._idle.pop() if self._idle else None
            if worker is None or not worker.process.is_alive():
                if worker is not None:
                    await asyncio.to_thread(worker.stop)
                worker = await asyncio.to_thread(_Worker, self._context)
            self._busy.add(worker)
            healthy = False
            try:
                status, value = await asyncio.wait_for(
                    self._call(worker, task, args), timeout=self.budget
                )
                healthy = True
            except TimeoutError:
                name = getattr(task, "__name__", repr(task))
                log.warning("%s ran over its %g s budget; its worker stopped", name, self.budget)
                raise WorkTimeoutError(self.budget) from None
            except (EOFError, OSError) as error:
                raise WorkFailedError(f"the worker process stopped ({error})") from None
            finally:
                self._busy.discard(worker)
                if healthy:
                    self._idle.append(worker)
                else:
                    await asyncio.to_thread(worker.stop)
        if status != "ok":
            raise WorkFailedError(value)
        result: T = value
        return result

    @staticmethod
    async def _call(worker: _Worker, task: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        loop = asyncio.get_running_loop()
        connection = worker.connection
        # uvloop leaves a file it watched (`add_reader`) non-blocking; the pipe's own reads
        # and writes of a large message then stop half-way with EAGAIN.
        os.set_blocking(connection.fileno(), True)
        await asyncio.to_thread(connection.send, (task, args))
        ready = loop.create_future()

        def readable() -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_reader(connection.fileno(), readable)
        try:
            await ready
        finally:
            with contextlib.suppress(OSError, ValueError):
                loop.remove_reader(connection.fileno())
        os.set_blocking(connection.fileno(), True)
        return connection.recv()
