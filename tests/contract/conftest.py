"""The SDK's pact, recorded once per test process, and a real broker to verify it against."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from broker.app import create_app
from broker.settings import Settings
from tests.contract.sdk_pact import Answers, record
from tests.support.provider_app import free_port


@pytest.fixture(scope="session")
def sdk_pact(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Answers]:
    """The pact the SDK recorded against pact-python's mock server, and what it read there.

    Session-scoped, so each xdist worker records its own into its own folder.
    """
    return record(tmp_path_factory.mktemp("pacts"))


@pytest.fixture
def broker_url(tmp_path: Path) -> Iterator[str]:
    """The real broker on a fresh SQLite file, served by uvicorn in a thread on a free port."""
    port = free_port()
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'broker.db'}")
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the broker did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
