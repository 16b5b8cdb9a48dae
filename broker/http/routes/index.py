"""Relation documentation and the health checks.

The index (`GET /`) is negotiated with the home page in broker/web/routes/home.py.
"""

from __future__ import annotations

from litestar import Controller, Response, get

from broker.domain.errors import NotFoundError, StorageUnavailableError
from broker.http import relation_docs
from broker.http.context import PathName, ServicesDep
from broker.http.hal import AnyRequest, hal
from broker.http.operation_docs import HTML, TEXT, documented
from broker.http.permissions import open_to_all, read
from broker.http.responses import (
    Dependencies,
    DependencyStatus,
    Health,
    Heartbeat,
    Link,
    ReplicaHealth,
    SelfLinks,
)


class IndexController(Controller):
    """Relation documentation and the health checks."""

    path = "/"

    @get("/doc/{rel:str}", opt=read() | documented(media_types=(HTML, TEXT)))
    async def relation_doc(self, rel: PathName, request: AnyRequest) -> Response[bytes]:
        """What a `pb:` relation leads to: HTML, or plain text when the client prefers it."""
        found = relation_docs.find(rel)
        if found is None:
            raise NotFoundError(f"No documentation for the relation {rel}")
        name, doc = found
        if request.accept.best_match(["text/html", "text/plain"], "text/html") == "text/plain":
            text = relation_docs.as_text(name, doc)
            return Response(content=text.encode(), media_type="text/plain;charset=utf-8")
        html = relation_docs.as_html(name, doc)
        return Response(content=html.encode(), media_type="text/html;charset=utf-8")

    @get("/diagnostic/status/heartbeat", opt=open_to_all() | documented(returns=Heartbeat))
    async def heartbeat(self, request: AnyRequest) -> Response[bytes]:
        """200 while the process runs, whatever the database does."""
        return hal(Heartbeat(ok=True, links=SelfLinks(self_=Link(href=str(request.url)))))

    @get(
        "/diagnostic/status/dependencies",
        opt=open_to_all() | documented(returns=DependencyStatus, statuses=(200, 503)),
    )
    async def dependency_status(self, services: ServicesDep) -> Response[bytes]:
        """200 when the database answers, else 503 (the broker reconnects by itself).

        With a read replica, `readReplica` says whether browsing reads go to it, and why not;
        it never makes the answer 503, reads going to the primary meanwhile.
        """
        status = await services.storage.read_replica()
        replica = None
        if status is not None:
            replica = ReplicaHealth(
                ok=status.in_use,
                state=status.state,
                reason=status.reason,
                lag_seconds=None if status.lag is None else round(status.lag, 3),
                replay_paused=status.replay_paused,
            )
        try:
            await services.storage.check()
        except StorageUnavailableError as error:
            down = Health(ok=False, error=error.message)
            dependencies = Dependencies(database=down, read_replica=replica)
            return hal(DependencyStatus(ok=False, dependencies=dependencies), 503)
        dependencies = Dependencies(database=Health(ok=True), read_replica=replica)
        return hal(DependencyStatus(ok=True, dependencies=dependencies))
