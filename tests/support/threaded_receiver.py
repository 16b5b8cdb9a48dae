"""A webhook receiver (`webhook_receiver.Receiver`) on an event loop of its own, in a thread.

litestar's `AsyncTestClient` calls the application through a blocking portal: while a request
is in flight the test's event loop waits, so a receiver on that loop could never answer the
broker's call. Real clients run as processes and wait too. This one answers from its thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator

from tests.support.webhook_receiver import Behaviour, Receiver


@contextlib.contextmanager
def receiver_in_thread(behaviour: Behaviour) -> Iterator[Receiver]:
    """A started receiver answering from its own thread, stopped on the way out."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="webhook-receiver", daemon=True)
    thread.start()
    receiver = Receiver(behaviour)
    try:
        asyncio.run_coroutine_threadsafe(receiver.start(), loop).result()
        try:
            yield receiver
        finally:
            asyncio.run_coroutine_threadsafe(receiver.stop(), loop).result()
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
