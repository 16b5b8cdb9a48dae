"""The index and the health checks."""

from __future__ import annotations

from litestar import Response, get
from litestar.datastructures import State

from broker.domain.errors import StorageUnavailableError
from broker.http import resources
from broker.http.context import links_for, services_of
from broker.http.hal import AnyRequest, hal


@get("/")
async def index(request: AnyRequest, state: State) -> Response[bytes]:
    """The relations clients look up before anything else."""
    return hal(resources.index(links_for(request, state)))


@get("/diagnostic/status/heartbeat")
async def heartbeat(request: AnyRequest, state: State) -> Response[bytes]:
    """200 while the process runs, whatever the database does."""
    return hal({"ok": True, "_links": {"self": {"href": str(request.url)}}})


@get("/diagnostic/status/dependencies")
async def dependencies(request: AnyRequest, state: State) -> Response[bytes]:
    """200 when the database answers, else 503 (the broker reconnects by itself)."""
    services = services_of(state)
    try:
        await services.storage.check()
    except StorageUnavailableError as error:
        return hal(
            {"ok": False, "dependencies": {"database": {"ok": False, "error": error.message}}},
            status=503,
        )
    return hal({"ok": True, "dependencies": {"database": {"ok": True}}})
