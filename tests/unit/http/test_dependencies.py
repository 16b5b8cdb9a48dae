"""Handlers resolve their dependencies one after the other.

Litestar resolves dependencies that do not depend on each other concurrently, in an anyio task
group: for the two the handlers take (`services` and `links`, both built from what start-up
made) that cost about 90 microseconds a request. `provide_links` depends on `services` so that
there is never more than one dependency to resolve at a time.
"""

from __future__ import annotations

from litestar.routes import HTTPRoute

from broker.app import create_app
from broker.settings import Settings


def test_no_handler_resolves_dependencies_in_a_task_group() -> None:
    app = create_app(Settings(database_url="sqlite:///never-opened.db"))
    checked = 0
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            model = handler.create_kwargs_model(path_parameters=route.path_parameters)
            batches = [sorted(d.key for d in batch) for batch in model.dependency_batches]
            assert all(len(batch) == 1 for batch in batches), (route.path, batches)
            checked += len(batches)
    assert checked > 100  # most handlers take services and links
