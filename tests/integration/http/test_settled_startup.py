"""The serving process freezes what start-up made out of the garbage collector's sight.

A full collection walked the ~120,000 objects of the modules, routes, schemas and templates
(60-90 ms with no request answered); frozen, it walks what requests made since.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from broker.app import asgi_app
from tests.integration.http.conftest import settings_for


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """Each test starts and ends with nothing frozen (this test process goes on)."""
    gc.unfreeze()
    yield
    gc.unfreeze()


async def test_a_settled_application_freezes_start_up_once_it_is_up(tmp_path: Path) -> None:
    app = asgi_app(settings_for(f"sqlite:///{tmp_path / 'broker.db'}"), settle=True)
    async with AsyncTestClient(app=app) as client:
        assert (await client.get("/diagnostic/status/heartbeat")).status_code == 200
        frozen = gc.get_freeze_count()
        # Everything alive at start-up: the application itself is among the frozen objects.
        assert frozen > 10_000
        assert (await client.get("/pacticipants")).status_code == 200
        assert gc.get_freeze_count() <= frozen  # what requests make is not frozen


async def test_an_application_in_tests_freezes_nothing(tmp_path: Path) -> None:
    app = asgi_app(settings_for(f"sqlite:///{tmp_path / 'broker.db'}"))
    async with AsyncTestClient(app=app) as client:
        assert (await client.get("/diagnostic/status/heartbeat")).status_code == 200
        assert gc.get_freeze_count() == 0
