"""`GET /metrics`: the process's metrics in the Prometheus text format (broker/metrics.py).

Open like the heartbeat unless `ACCORD_METRICS_TOKEN` is set; then only a request bearing that
token gets them. The numbers name routes, statuses and counts, never a pacticipant, a version
or a credential, yet they do show how busy the broker is: behind a public address, set the token
(Prometheus sends it with `authorization: {credentials: ...}` in its scrape config).
"""

from __future__ import annotations

import hmac

from litestar import Controller, Response, get

from broker.domain.errors import UnauthenticatedError
from broker.http.context import ServicesDep
from broker.http.hal import AnyRequest
from broker.http.operation_docs import TEXT, documented
from broker.http.permissions import open_to_all
from broker.metrics import CONTENT_TYPE, Metrics, refresh
from broker.settings import Settings


def _bearer(request: AnyRequest) -> str | None:
    scheme, _, value = (request.headers.get("authorization") or "").strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


class MetricsController(Controller):
    """The Prometheus scrape target."""

    path = "/"

    @get("/metrics", opt=open_to_all() | documented(media_types=(TEXT,)))
    async def metrics(self, request: AnyRequest, services: ServicesDep) -> Response[bytes]:
        """The process's metrics in the Prometheus text format.

        Request counts and latencies by route, the database pool and query latencies,
        publications, verifications, can-i-deploy answers, change requests and webhooks.
        """
        settings: Settings = request.app.state.settings
        if settings.metrics_token is not None:
            given = _bearer(request)
            if given is None or not hmac.compare_digest(
                given.encode(), settings.metrics_token.encode()
            ):
                raise UnauthenticatedError(
                    "GET /metrics needs the metrics token (ACCORD_METRICS_TOKEN) as a bearer token"
                )
        metrics: Metrics = request.app.state.metrics
        await refresh(metrics, services.storage)
        return Response(content=metrics.exposition(), media_type=CONTENT_TYPE)
