"""The broker's Prometheus metrics: what each process counts, and what it reads at scrape time.

A broker is one server process (uvicorn without workers: `accord broker serve`); the processes
of `broker.workers` only run document tasks and count nothing. So one registry per
application holds the process's numbers and `GET /metrics` of a process answers exactly what
that process did. Several replicas are scraped one by one and added up by Prometheus
(`sum by (route) (rate(accord_http_requests_total[5m]))`). Numbers about the shared database
(change requests by status, the webhook outbox) are read from it at scrape time, so every
replica answers the same value for them: aggregate those with `max`, not `sum`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import accumulate

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics
from prometheus_client.core import HistogramMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

from broker.domain.errors import StorageUnavailableError
from broker.domain.governance import Status
from broker.domain.webhooks import PENDING, RUNNING
from broker.storage.interface import PoolStats, ReplicaStatus, Storage

# The `_created` series would double what each scrape carries, to say when each started.
# prometheus-client leaves this function unannotated.
disable_created_metrics()  # type: ignore[no-untyped-call]

CONTENT_TYPE = "text/plain; version=0.0.4"
"""The Prometheus text exposition format, as `generate_latest` writes it (the answer adds the
charset, UTF-8). prometheus-client's own `CONTENT_TYPE_LATEST` names 1.0.0, the format with
escaped names, which scrapers that predate it do not ask for."""

# The broker's own queries are short and index-driven: most take well under a millisecond.
_QUERY_BUCKETS = (
    0.0002,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    10.0,
)
_REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

OPERATIONS = ("fetch", "fetchrow", "fetchval", "execute", "insert")
"""The storage drivers' calls, as statements are labelled."""

UNMATCHED_ROUTE = "unmatched"
"""The route label of a request no route took (404, 405): never the raw path."""

_PARAMETER_TYPE = re.compile(r"\{(\w+):\w+\}")


@lru_cache(maxsize=1024)
def route_label(template: str) -> str:
    """A litestar path template as a label: `/pacts/provider/{provider}`, types left out."""
    return _PARAMETER_TYPE.sub(r"{\1}", template)


class StatementTimes(Collector):
    """`accord_db_query_duration_seconds`: a histogram of statement times by operation.

    A publication runs dozens of statements, and prometheus-client's `Histogram.observe` (a
    lock, a walk over the buckets) cost 2.5 µs of each. Statements are timed on the event
    loop's thread only (the drivers' coroutines), as `/metrics` reads them, so this keeps
    plain counts without a lock and finds the bucket by bisection: a fifth of the cost.
    """

    def __init__(self, buckets: tuple[float, ...] = _QUERY_BUCKETS) -> None:
        self._bounds = buckets
        # Per operation: a count per bucket (the last one past every bound), and the sum.
        self._series: dict[str, tuple[list[int], list[float]]] = {
            operation: ([0] * (len(buckets) + 1), [0.0]) for operation in OPERATIONS
        }

    def observe(self, operation: str, seconds: float) -> None:
        """Count one statement of `operation` that took `seconds`."""
        series = self._series.get(operation)
        if series is None:
            series = self._series[operation] = ([0] * (len(self._bounds) + 1), [0.0])
        series[0][bisect_left(self._bounds, seconds)] += 1
        series[1][0] += seconds

    def collect(self) -> Iterator[Metric]:
        """The histogram, cumulative per bucket as the exposition format has it."""
        family = HistogramMetricFamily(
            "accord_db_query_duration_seconds",
            "Time one SQL statement took, by kind of call (fetch, fetchrow, fetchval, execute,"
            " insert), waiting for the SQLite thread included.",
            labels=["operation"],
        )
        for operation, (counts, total) in self._series.items():
            running = list(accumulate(counts))
            buckets = [(repr(b), float(n)) for b, n in zip(self._bounds, running, strict=False)]
            buckets.append(("+Inf", float(running[-1])))
            family.add_metric([operation], buckets, sum_value=total[0])
        yield family


class Metrics:
    """One process's metrics, in a registry of their own (two apps in a test do not mix)."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "accord_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=registry,
        )
        self.request_seconds = Histogram(
            "accord_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer, by method, route and status.",
            ["method", "route", "status"],
            buckets=_REQUEST_BUCKETS,
            registry=registry,
        )
        self.query_seconds = StatementTimes()
        registry.register(self.query_seconds)
        self.pool_in_use = Gauge(
            "accord_db_pool_connections_in_use",
            "Database connections held by a transaction now, by pool: primary, or replica"
            " (the read replica's; SQLite: 1 while its one connection runs a transaction).",
            ["pool"],
            registry=registry,
        )
        self.pool_waiting = Gauge(
            "accord_db_pool_waiting",
            "Transactions waiting for a free connection, by pool (SQLite: for the one connection).",
            ["pool"],
            registry=registry,
        )
        self.pool_size = Gauge(
            "accord_db_pool_connections",
            "Database connections open now, by pool.",
            ["pool"],
            registry=registry,
        )
        self.pool_max = Gauge(
            "accord_db_pool_connections_max",
            "The most database connections this process opens, by pool.",
            ["pool"],
            registry=registry,
        )
        self.replica_in_use = Gauge(
            "accord_db_read_replica_in_use",
            "1 while browsing reads go to the read replica (ACCORD_DATABASE_READ_URL), 0 while"
            " they go to the primary (no replica, or it lags, is paused or cannot be reached).",
            registry=registry,
        )
        self.replica_lag = Gauge(
            "accord_db_read_replica_lag_seconds",
            "How far the read replica's data is behind the primary at most, as last measured"
            " (NaN when not measured: no replica, or it or the primary did not answer).",
            registry=registry,
        )
        self.replica_lag.set(float("nan"))
        self.database_up = Gauge(
            "accord_database_up",
            "1 when the database answered the last scrape's questions, else 0.",
            registry=registry,
        )
        self.pacts_published = Counter(
            "accord_pacts_published",
            "Pacts published, by outcome: created (a new pact for the consumer version),"
            " changed (a new content for it) or unchanged (the same content again).",
            ["outcome"],
            registry=registry,
        )
        self.verifications = Counter(
            "accord_verifications_published",
            "Verification results published, by result (success: true or false).",
            ["success"],
            registry=registry,
        )
        self.can_i_deploy = Counter(
            "accord_can_i_deploy_answers",
            "can-i-deploy and matrix answers given, by outcome: yes, no or unknown.",
            ["outcome"],
            registry=registry,
        )
        self.change_requests = Gauge(
            "accord_change_requests",
            "Change requests in the database, by status (read at scrape time).",
            ["status"],
            registry=registry,
        )
        self.webhook_deliveries = Counter(
            "accord_webhook_deliveries",
            "Webhook calls this process made and settled, by outcome: succeeded, retrying"
            " (failed, another try is due), dead (failed, no try left) or lost (its claim had"
            " run out and another worker had it).",
            ["outcome"],
            registry=registry,
        )
        self.outbox = Gauge(
            "accord_webhook_outbox_backlog",
            "Webhook deliveries not made yet, by status: pending (waiting for their time or"
            " their turn) or running (claimed by a worker); read at scrape time.",
            ["status"],
            registry=registry,
        )
        # Each labelled series exists from the start: a rate over a series that appears at its
        # first event misses that event.
        for outcome in ("created", "changed", "unchanged"):
            self.pacts_published.labels(outcome)
        for success in ("true", "false"):
            self.verifications.labels(success)
        for outcome in ("yes", "no", "unknown"):
            self.can_i_deploy.labels(outcome)
        for outcome in ("succeeded", "retrying", "dead", "lost"):
            self.webhook_deliveries.labels(outcome)
        for status in Status:
            self.change_requests.labels(status.value)
        # Each statement and request updates its series: looking the labelled child up once
        # (labels() takes a lock and builds a key) keeps the per-statement cost down.
        self._request_series: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """Count one answered request and its duration."""
        key = (method, route, status)
        series = self._request_series.get(key)
        if series is None:
            code = str(status)
            series = self._request_series[key] = (
                self.requests.labels(method, route, code),
                self.request_seconds.labels(method, route, code),
            )
        series[0].inc()
        series[1].observe(seconds)

    def observe_query(self, operation: str, seconds: float) -> None:
        """Record one statement's duration (the storage drivers call it)."""
        self.query_seconds.observe(operation, seconds)

    def published_pacts(self, outcomes: Iterable[str]) -> None:
        """Count the pacts of one publication by what publishing did to each."""
        for outcome in outcomes:
            self.pacts_published.labels(outcome).inc()

    def published_verification(self, success: bool) -> None:
        """Count one verification result."""
        self.verifications.labels("true" if success else "false").inc()

    def answered_can_i_deploy(self, deployable: bool | None) -> None:
        """Count a can-i-deploy answer: yes, no, or unknown (a verification is missing)."""
        self.can_i_deploy.labels(
            "unknown" if deployable is None else "yes" if deployable else "no"
        ).inc()

    def set_pool(self, pool: str, stats: PoolStats) -> None:
        """A database pool (`primary` or `replica`) as it is now."""
        self.pool_in_use.labels(pool).set(stats.in_use)
        self.pool_waiting.labels(pool).set(stats.waiting)
        self.pool_size.labels(pool).set(stats.size)
        self.pool_max.labels(pool).set(stats.max_size)

    def set_replica(self, status: ReplicaStatus | None) -> None:
        """The read replica as its last check found it (None: there is none)."""
        if status is None:
            self.replica_in_use.set(0)
            return
        self.set_pool("replica", status.pool)
        self.replica_in_use.set(1 if status.in_use else 0)
        self.replica_lag.set(float("nan") if status.lag is None else status.lag)

    def exposition(self) -> bytes:
        """Every metric in the Prometheus text format."""
        return generate_latest(self.registry)


async def refresh(metrics: Metrics, storage: Storage) -> None:
    """Read what the shared database knows into the gauges, just before a scrape.

    Events not yet fanned out are fanned out first, then three indexed counts, in one
    transaction. When the database does not answer, the gauges
    keep their last values and `accord_database_up` says 0; the process's own numbers are
    still served.
    """
    metrics.set_pool("primary", storage.pool_stats())
    metrics.set_replica(await storage.read_replica())
    try:
        async with storage.transaction() as tx:
            by_status = await tx.count_change_requests()
            # Events stored since the worker last ran hold deliveries still to make: count them.
            await tx.fan_out_events()
            pending = await tx.count_deliveries(PENDING)
            running = await tx.count_deliveries(RUNNING)
    except StorageUnavailableError:
        metrics.database_up.set(0)
        return
    metrics.database_up.set(1)
    for status in Status:
        metrics.change_requests.labels(status.value).set(by_status.get(status.value, 0))
    metrics.outbox.labels(PENDING).set(pending)
    metrics.outbox.labels(RUNNING).set(running)
