"""Reads for browsing that a read replica may serve, and what they do when it lacks a resource."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from broker.domain.errors import NotFoundError
from broker.storage.interface import Storage, Transaction

T = TypeVar("T")


async def browsed(storage: Storage, read: Callable[[Transaction], Awaitable[T]]) -> T:
    """`read` in a browsing transaction (`Storage.browse`); on `NotFoundError`, on the primary.

    A read replica may lack what was written in the last seconds, so its "not found" is not an
    answer: a verifier fetching a pact published a moment ago by the link pacts-for-verification
    gave it must get the pact. The second read costs a genuine 404 one more transaction.
    """
    try:
        async with storage.browse() as tx:
            return await read(tx)
    except NotFoundError:
        async with storage.transaction() as tx:
            return await read(tx)
