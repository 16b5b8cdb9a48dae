"""The index and the health checks."""

from __future__ import annotations

from litestar import Controller, Response, get

from broker.domain.errors import StorageUnavailableError
from broker.http import resources
from broker.http.context import LinksDep, ServicesDep
from broker.http.hal import AnyRequest, hal
from broker.http.permissions import open_to_all, read
from broker.http.responses import Dependencies, DependencyStatus, Health, Heartbeat, Link, SelfLinks


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
        return hal(Heartbeat(ok=True, links=SelfLinks(self_=Link(href=str(request.url)))))

    @get("/diagnostic/status/dependencies", opt=open_to_all())
    async def dependency_status(self, services: ServicesDep) -> Response[bytes]:
        """200 when the database answers, else 503 (the broker reconnects by itself)."""
        try:
            await services.storage.check()
        except StorageUnavailableError as error:
            down = Health(ok=False, error=error.message)
            return hal(DependencyStatus(ok=False, dependencies=Dependencies(database=down)), 503)
        return hal(DependencyStatus(ok=True, dependencies=Dependencies(database=Health(ok=True))))
