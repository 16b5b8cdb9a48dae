"""Latency of can-i-deploy, the matrix and pacts-for-verification over a large history.

    .venv/bin/python benchmarks/matrix_queries.py [--scale 5] [--no-baseline] [--requests 1000]
        [--backend sqlite --backend postgresql] [--enterprise] [--client plain|httpx]

For each backend it loads `history.py`'s history (at scale 1.0: 50 pacticipants, 200,000
versions, ~1,000,000 verification results, ~20,000 deployments) into a fresh database per scale,
starts `accord broker serve` on each, and sends, one at a time, `--requests` of each query,
rotating over the pacticipants, after five untimed passes over each rotation (a running
broker's caches are warm, PostgreSQL's plans of its prepared statements settled):

- can-i-deploy: `GET /matrix` as `pact-broker can-i-deploy --version V --to-environment
  production` sends it, for the newest main-branch version of a service that both consumes and
  provides;
- matrix of one integration: `GET /matrix` with the two pacticipants' latest main versions
  (`q[][pacticipant]=C&q[][branch]=main&q[][latest]=true&q[][pacticipant]=P…`);
- pacts for verification: `POST /pacts/provider/P/for-verification` with the selectors
  pact-python users send (mainBranch, deployedOrReleased, matchingBranch), pending status for
  the provider's main branch and WIP pacts since 60 days before the end of the history (the
  heads of several hundred consumer branches), then the same without WIP pacts.

The requests go through the standard library's `http.client` on one kept-alive connection, as
a lean client (curl, the Rust and Ruby CLIs) would send them; `--client httpx` sends them
through httpx, as runs before 2026-12-06 did, whose own work added about 0.3 ms to each
request timed.

It prints p50 and p99 latency in milliseconds of each, per backend, and the PostgreSQL/SQLite
ratio of the p50s. The p99 of 1,000 requests is the tenth slowest (of 300, it was the third:
one scheduling hiccup on a shared machine moved it). Scale 1 is always measured too, as the
baseline (`--no-baseline` leaves it out), and `--scale` may be given several times: `--scale
5` (1,000,000 versions) loads scale 1 and scale 5 on each backend, each into a fresh database,
and prints the figures side by side with the ratio of the last scale's p99 to the first's, so
growth with history shows. It prints how long each generation and load took.

The scales of a backend are measured at once, their requests interleaved (request i of a query
goes to each scale's broker in turn): a p99 is set by a few slow requests, and on a shared
machine those come in bursts, which used to land on whichever scale was measured at that
minute. Measured apart, the same database's can-i-deploy p99 ranged from 2.2 to 4.4 ms across
four runs of 1,000 requests within minutes, more than any difference between the scales.

With `--enterprise` it measures each backend twice on the same database:
as loaded (every pacticipant in greenfield mode), then with `ACCORD_DEFAULT_MODE=
brownfield-enterprise` and every loaded content approved (what migrating an existing broker
gives), where can-i-deploy and pacts-for-verification also ask governance; it prints the
enterprise/greenfield ratio of the p50s.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple, Protocol
from urllib.parse import urlencode, urlsplit

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from foundation_writes import broker, postgres_database
from history import Simulation, build, name_of

# Services that both consume and provide: the interesting ones to deploy.
SERVICES = [name_of(i) for i in range(10, 40)]
PROVIDERS = [name_of(i) for i in range(10, 50)]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Answer(NamedTuple):
    status_code: int
    content: bytes
    url: str

    @property
    def text(self) -> str:
        """The body as text, decoded only when asked for (on an error)."""
        return self.content.decode(errors="replace")


class PlainClient:
    """One kept-alive HTTP/1.1 connection through the standard library's `http.client`.

    The latency timed is the client's as well as the broker's: httpx spent about 330 µs more of
    its own CPU than `http.client` on each request (486 against 154 µs, measured on can-i-deploy),
    which the timings counted as the broker's. The pact-broker CLIs (Ruby, Rust) and curl have
    lean clients too. `--client httpx` measures through httpx, as runs before 2026-12-06 did.
    """

    def __init__(self, base_url: str) -> None:
        address = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(
            address.hostname or "127.0.0.1", address.port, timeout=60
        )

    def _send(self, method: str, path: str, body: bytes | None) -> Answer:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        try:
            return self._exchange(method, path, body, headers)
        except (ConnectionResetError, BrokenPipeError):
            # The broker (uvicorn) closes a connection kept alive past 5 s idle, as while the
            # other scale's broker warms up; like curl or httpx, open a new one and send again
            # (every request measured reads, so sending it twice changes nothing).
            self.connection.close()
            return self._exchange(method, path, body, headers)

    def _exchange(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> Answer:
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        return Answer(response.status, response.read(), path)

    def get(self, path: str) -> Answer:
        return self._send("GET", path, None)

    def post(self, path: str, *, json: object) -> Answer:
        return self._send("POST", path, dumps(json))

    def close(self) -> None:
        self.connection.close()


class HttpxClient:
    """The same through httpx (`--client httpx`)."""

    def __init__(self, base_url: str) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=60)

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path)

    def post(self, path: str, *, json: object) -> httpx.Response:
        return self.client.post(path, json=json)

    def close(self) -> None:
        self.client.close()


def dumps(body: object) -> bytes:
    return json.dumps(body).encode()


Client = PlainClient | HttpxClient
CLIENTS: dict[str, Callable[[str], Client]] = {"plain": PlainClient, "httpx": HttpxClient}
CLIENT_NAMES = {"plain": "http.client (one kept-alive connection)", "httpx": "httpx"}


class Reply(Protocol):
    """What `timed_once` reads of an answer (an `Answer`, or an httpx response)."""

    @property
    def status_code(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def url(self) -> object: ...


Send = Callable[[int], Reply]


def timed_once(send: Send, i: int) -> float:
    """Milliseconds `send(i)` took; stops the benchmark on anything but a 200."""
    started = time.perf_counter()
    response = send(i)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{response.url} answered {response.status_code}: {response.text}")
    return elapsed


def timed(requests: int, send: Send) -> list[float]:
    """Milliseconds each of `send(0)` … `send(requests - 1)` took."""
    return [timed_once(send, i) for i in range(requests)]


class Rotation(NamedTuple):
    """What the requests rotate over, taken from a loaded history (which can then be freed)."""

    heads: dict[str, str]  # each service's newest main-branch version number
    integrations: list[tuple[str, str]]  # (consumer, provider)
    wip_since: str

    @classmethod
    def of(cls, history: Simulation) -> Rotation:
        pairs = history.providers_map().items()
        return cls(
            heads={name: history.main_head_number(name) for name in SERVICES},
            integrations=[(name_of(c), name_of(p)) for c, providers in pairs for p in providers],
            wip_since=(history.end() - timedelta(days=60)).isoformat(),
        )


WARM_UP_PASSES = 5

SELECTORS = [{"mainBranch": True}, {"deployedOrReleased": True}, {"matchingBranch": True}]


def senders(client: Client, rotation: Rotation) -> dict[str, tuple[Send, int]]:
    """Each query's request as the i-th of its rotation, and the rotation's length."""

    def can_i_deploy(i: int) -> Reply:
        name = SERVICES[i % len(SERVICES)]
        return client.get("/matrix?" + urlencode(can_i_deploy_query(name, rotation.heads[name])))

    def integration(i: int) -> Reply:
        consumer, provider = rotation.integrations[i % len(rotation.integrations)]
        return client.get(
            "/matrix?"
            + urlencode(
                [
                    ("q[][pacticipant]", consumer),
                    ("q[][branch]", "main"),
                    ("q[][latest]", "true"),
                    ("q[][pacticipant]", provider),
                    ("q[][branch]", "main"),
                    ("q[][latest]", "true"),
                    ("latestby", "cvpv"),
                ]
            ),
        )

    def for_verification_of(*, wip: bool) -> Send:
        def send(i: int) -> Reply:
            provider = PROVIDERS[i % len(PROVIDERS)]
            body: dict[str, object] = {
                "consumerVersionSelectors": SELECTORS,
                "providerVersionBranch": "main",
                "includePendingStatus": True,
            }
            if wip:
                body["includeWipPactsSince"] = rotation.wip_since
            return client.post(f"/pacts/provider/{provider}/for-verification", json=body)

        return send

    return {
        "can-i-deploy": (can_i_deploy, len(SERVICES)),
        "matrix of one integration": (integration, len(rotation.integrations)),
        "pacts for verification": (for_verification_of(wip=True), len(PROVIDERS)),
        "  the same without WIP": (for_verification_of(wip=False), len(PROVIDERS)),
    }


def measure(
    urls: list[str], requests: int, rotations: list[Rotation], client: str = "plain"
) -> list[dict[str, list[float]]]:
    """The latencies of each query on each broker, the brokers' requests interleaved.

    Request i goes to every broker in turn before request i + 1, so that the scales compared
    share the same moments of the machine: a burst of interference on a shared machine (a
    few slow requests in a row) lands on each alike instead of on whichever was measured then.
    """
    with ExitStack() as stack:
        clients = [CLIENTS[client](url) for url in urls]
        for opened in clients:
            stack.callback(opened.close)
        queries = [senders(c, r) for c, r in zip(clients, rotations, strict=True)]
        # Warm up with untimed passes over each query's rotation: the first request of each
        # pays for imports, the statement caches and the pages a fresh load left on disk, and
        # a rotation is 3-4 % of the requests, which would set the p99 of a running broker's
        # answers by its first minute. Five passes, because PostgreSQL's default plans a
        # prepared statement afresh at each of its first five runs before it settles on a plan
        # (after one pass, a third of the slow requests of the next 3,000 came in their first
        # second). The broker now asks for one plan from the first run (`_plan_once` in
        # storage/postgres.py); the five passes stay so that older brokers compare alike.
        for sent in queries:
            for send, rotation in sent.values():
                for i in range(WARM_UP_PASSES * rotation):
                    timed_once(send, i)
        found: list[dict[str, list[float]]] = [{} for _ in urls]
        for query in queries[0]:
            for samples in found:
                samples[query] = []
            for i in range(requests):
                for sent, samples in zip(queries, found, strict=True):
                    samples[query].append(timed_once(sent[query][0], i))
        return found


def can_i_deploy_query(name: str, version: str) -> list[tuple[str, str]]:
    return [
        ("q[][pacticipant]", name),
        ("q[][version]", version),
        ("latestby", "cvpv"),
        ("environment", "production"),
    ]


# What migration 0010 does for content published before governance: it is all in effect.
APPROVE_EVERYTHING = [
    "INSERT INTO approved_contents SELECT 'pact', c.name, p.name, v.sha, NULL, v.created_at"
    " FROM pact_versions v JOIN pacticipants c ON c.id = v.consumer_id"
    " JOIN pacticipants p ON p.id = v.provider_id ON CONFLICT DO NOTHING",
    "INSERT INTO approved_contents SELECT 'provider-contract', p.name, '', v.sha, NULL,"
    " v.created_at FROM provider_contract_versions v JOIN pacticipants p ON p.id = v.provider_id"
    " ON CONFLICT DO NOTHING",
]
ENTERPRISE = {"ACCORD_DEFAULT_MODE": "brownfield-enterprise"}


async def approve_everything(database_url: str) -> None:
    if database_url.startswith("sqlite:///"):
        connection = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        with connection:
            for statement in APPROVE_EVERYTHING:
                connection.execute(statement)
        connection.close()
        return
    pg = await asyncpg.connect(database_url)
    try:
        for statement in APPROVE_EVERYTHING:
            await pg.execute(statement)
        await pg.execute("ANALYZE approved_contents")  # as migration 0010 does
    finally:
        await pg.close()


def run_backend(
    backend: str,
    scales: list[float],
    requests: int,
    workdir: Path,
    *,
    enterprise: bool,
    client: str = "plain",
) -> dict[float, dict[str, dict[str, list[float]]]]:
    """Load each scale into its own fresh database, then measure them all at once."""
    with ExitStack() as stack:
        urls: list[str] = []
        rotations: list[Rotation] = []
        for scale in scales:
            if backend == "sqlite":
                path = workdir / f"history-{scale:g}.db"
                stack.callback(_remove, workdir, path.name)
                url = f"sqlite:///{path}"
            else:
                url = stack.enter_context(postgres_database())
            history = asyncio.run(build(url, scale))
            counts = history.counts()
            print(
                f"{backend} scale {scale:g}: {counts['versions']:,} versions,"
                f" {counts['verifications']:,} verification results,"
                f" {counts['deployed_versions']:,} deployments;"
                f" generated in {history.timings['generate']:.0f} s,"
                f" loaded in {history.timings['load']:.0f} s",
                flush=True,
            )
            urls.append(url)
            rotations.append(Rotation.of(history))
            del history
        modes = {"greenfield": None, **({"enterprise": ENTERPRISE} if enterprise else {})}
        found: dict[float, dict[str, dict[str, list[float]]]] = {s: {} for s in scales}
        for mode, settings in modes.items():
            if settings is not None:
                for url in urls:
                    asyncio.run(approve_everything(url))
            with ExitStack() as running:
                served = [running.enter_context(broker(u, workdir, settings)) for u in urls]
                for scale, samples in zip(
                    scales, measure(served, requests, rotations, client), strict=True
                ):
                    found[scale][mode] = samples
        return found


def _remove(workdir: Path, name: str) -> None:
    for leftover in workdir.glob(f"{name}*"):
        leftover.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, action="append")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--enterprise", action="store_true")
    parser.add_argument("--client", choices=sorted(CLIENTS), default="plain")
    args = parser.parse_args()
    backends = args.backend or ["sqlite", "postgresql"]
    scales = sorted(set(args.scale or []) | (set() if args.no_baseline else {1.0})) or [1.0]
    # results[backend][scale][mode][query]: latencies in ms
    results: dict[str, dict[float, dict[str, dict[str, list[float]]]]] = {}
    with tempfile.TemporaryDirectory() as directory:
        for backend in backends:
            results[backend] = run_backend(
                backend,
                scales,
                args.requests,
                Path(directory),
                enterprise=args.enterprise,
                client=args.client,
            )
    print(f"\nmeasured through {CLIENT_NAMES[args.client]}")
    head = "".join(f" {'p50 @' + format(s, 'g'):>9} {'p99 @' + format(s, 'g'):>9}" for s in scales)
    growth = f" {'p99 x':>6}" if len(scales) > 1 else ""
    print(f"{'query':<28} {'backend':<11} {'mode':<11}{head}{growth}")
    first = next(iter(next(iter(results.values())).values()))["greenfield"]
    for query in first:
        for backend, by_scale in results.items():
            modes = by_scale[scales[0]]
            for mode in modes:
                figures = ""
                for scale in scales:
                    samples = by_scale[scale][mode][query]
                    figures += (
                        f" {statistics.median(samples):>9.2f} {percentile(samples, 0.99):>9.2f}"
                    )
                if len(scales) > 1:
                    ratio = percentile(by_scale[scales[-1]][mode][query], 0.99) / percentile(
                        by_scale[scales[0]][mode][query], 0.99
                    )
                    figures += f" {ratio:>6.2f}"
                print(f"{query:<28} {backend:<11} {mode:<11}{figures}")
            if "enterprise" in modes:
                ratio = statistics.median(modes["enterprise"][query]) / statistics.median(
                    modes["greenfield"][query]
                )
                print(f"{'':<28} {backend:<11} {'ent/green':<11} {ratio:>9.2f}")
        if len(results) == 2:
            ratio = statistics.median(
                results["postgresql"][scales[0]]["greenfield"][query]
            ) / statistics.median(results["sqlite"][scales[0]]["greenfield"][query])
            print(f"{'':<28} {'PG/SQLite':<11} {'greenfield':<11} {ratio:>9.2f}")


if __name__ == "__main__":
    main()
