"""The index and the health checks."""

from __future__ import annotations

from litestar import Controller, Response, get

from broker.domain.errors import StorageUnavailableError
from broker.http import resources
from broker.http.context import LinksDep, ServicesDep
from broker.http.hal import AnyRequest, hal
from broker.http.permissions import open_to_all, read


class IndexController(Controller):
    """The index and the health checks."""

    path = "/"

    @get("/", opt=read())
    async def index(self, links: LinksDep) -> Response[bytes]:
        """The relations clients look up before anything else."""
        return hal(resources.index(links))

    @get("/diagnostic/status/heartbeat", opt=open_to_all())
    async def heartbeat(self, request: AnyRequest) -> Response[bytes]:
        """200 while the process runs, whatever the database does."""
        return hal({"ok": True, "_links": {"self": {"href": str(request.url)}}})

    @get("/diagnostic/status/dependencies", opt=open_to_all())
    async def dependency_status(self, services: ServicesDep) -> Response[bytes]:
        """200 when the database answers, else 503 (the broker reconnects by itself)."""
        try:
            await services.storage.check()
        except StorageUnavailableError as error:
            return hal(
                {"ok": False, "dependencies": {"database": {"ok": False, "error": error.message}}},
                status=503,
            )
        return hal({"ok": True, "dependencies": {"database": {"ok": True}}})
