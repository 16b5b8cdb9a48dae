"""Time and ids for the services, replaceable in tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
IdSource = Callable[[], str]


def system_clock() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


def random_uuid() -> str:
    """A fresh random UUID, as text."""
    return str(uuid.uuid4())
