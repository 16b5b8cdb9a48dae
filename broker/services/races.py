"""Create-if-missing that is safe when another transaction creates the same thing meanwhile."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from broker.domain.errors import ConflictError

T = TypeVar("T")


async def find_or_insert(
    find: Callable[[], Awaitable[T | None]], insert: Callable[[], Awaitable[T]]
) -> tuple[T, bool]:
    """The existing row, or a newly inserted one; and whether this call inserted it.

    Two requests may both find nothing and both insert (PostgreSQL runs them side by side). The
    loser's insert breaks a uniqueness rule once the winner commits; it then finds the winner's
    row, so both requests succeed, as an idempotent PUT must.
    """
    found = await find()
    if found is not None:
        return found, False
    try:
        return await insert(), True
    except ConflictError:
        again = await find()
        if again is None:
            raise
        return again, False
