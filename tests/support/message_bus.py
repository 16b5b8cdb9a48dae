"""A small in-memory message bus for message verification tests.

It behaves as the brokers event-driven services run on, in the ways the event checks need:

- **At-least-once delivery.** `publish` may put the same message (same `message_id`) on a
  destination more than once, as a broker redelivers after a lost acknowledgement; handlers
  must be idempotent.
- **Ordering keys.** Messages with the same ordering key are delivered in publishing order.
  Messages with different keys, or none, are independent: `drain` interleaves them in an order
  drawn from the bus's seeded random source, as consumers of separate partitions would.
- **Dead letters.** A handler that raises gets the message again, up to `max_attempts`
  deliveries; then the message moves to `<destination>.dead-letter` with the reason and the
  number of attempts in its metadata.

Everything is synchronous and deterministic for a given seed. `delivered(destination)` lists
what reached a destination, which is what a test's message producer returns to the verifier.
"""

from __future__ import annotations

import itertools
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

DEAD_LETTER_SUFFIX = ".dead-letter"


@dataclass(frozen=True)
class Envelope:
    """A message on the bus, with what the bus knows about it."""

    destination: str
    contents: Any
    metadata: dict[str, Any] = field(default_factory=dict)
    message_id: str = ""
    ordering_key: str | None = None
    attempts: int = 0


Handler = Callable[[Envelope], None]
"""A subscriber: handles one envelope, and raises to reject it."""


class MessageBus:
    """Destinations with subscribers, ordering keys, redelivery and dead letters.

    Args:
        seed: Seeds the interleaving of independent messages.
        max_attempts: Deliveries of a message before it goes to the dead-letter destination.
    """

    def __init__(self, *, seed: int = 0, max_attempts: int = 3) -> None:
        self._random = random.Random(seed)
        self._max_attempts = max_attempts
        self._subscribers: dict[str, list[Handler]] = {}
        self._pending: dict[str, deque[Envelope]] = {}
        self._delivered: dict[str, list[Envelope]] = {}
        self._ids = itertools.count(1)

    def subscribe(self, destination: str, handler: Handler) -> None:
        """Deliver the messages of `destination` to `handler` too."""
        self._subscribers.setdefault(destination, []).append(handler)

    def publish(
        self,
        destination: str,
        contents: Any,
        *,
        metadata: dict[str, Any] | None = None,
        message_id: str | None = None,
        ordering_key: str | None = None,
    ) -> Envelope:
        """Put a message on `destination`; it is delivered by the next `drain`."""
        envelope = Envelope(
            destination=destination,
            contents=contents,
            metadata=dict(metadata or {}),
            message_id=message_id or f"m-{next(self._ids)}",
            ordering_key=ordering_key,
        )
        self._queue_of(envelope).append(envelope)
        return envelope

    def _queue_of(self, envelope: Envelope) -> deque[Envelope]:
        # One queue per (destination, ordering key); a message without a key is its own queue.
        key = envelope.ordering_key or f"#{next(self._ids)}"
        return self._pending.setdefault(f"{envelope.destination}\n{key}", deque())

    def drain(self) -> None:
        """Deliver every pending message, including those handlers publish meanwhile."""
        while self._pending:
            name = self._random.choice(sorted(self._pending))
            queue = self._pending[name]
            envelope = queue.popleft()
            if not queue:
                del self._pending[name]
            self._deliver(envelope, name)

    def _deliver(self, envelope: Envelope, queue_name: str) -> None:
        attempt = replace(envelope, attempts=envelope.attempts + 1)
        try:
            for handler in self._subscribers.get(attempt.destination, []):
                handler(attempt)
        except Exception as error:  # noqa: BLE001 - a rejected message, whatever the reason
            if attempt.attempts < self._max_attempts:
                # Redelivered before anything behind it with the same key, to keep the order.
                self._pending.setdefault(queue_name, deque()).appendleft(attempt)
                return
            self.publish(
                attempt.destination + DEAD_LETTER_SUFFIX,
                attempt.contents,
                metadata={
                    **attempt.metadata,
                    "originalDestination": attempt.destination,
                    "deadLetterReason": f"{type(error).__name__}: {error}",
                    "attempts": attempt.attempts,
                },
                message_id=attempt.message_id,
            )
            return
        self._delivered.setdefault(attempt.destination, []).append(attempt)

    def delivered(self, destination: str) -> list[Envelope]:
        """The messages `destination`'s subscribers accepted (all, when it has none), in order."""
        return list(self._delivered.get(destination, []))

    def reset(self) -> None:
        """Forget every pending and delivered message (subscribers stay)."""
        self._pending.clear()
        self._delivered.clear()
