"""Latency of the network and matrix pages over a large history, and of the layout alone.

    .venv/bin/python benchmarks/network_matrix_pages.py [--scale 1.0] [--requests 100]
        [--backend sqlite --backend postgresql]

First the network layout alone (no I/O): best-of and median time of
`broker.web.network_layout.layout` on the 50-pacticipant, 120-integration network of
`tests/support/network_graph.py`, and on the largest graphs the layout accepts.

Then, for each backend, it loads `history.py`'s history into a fresh database, starts
`accord broker serve` on it (no credentials: pages are open) and sends, one at a time, as a
browser (`Accept: text/html`), `--requests` of each:

- `/ui/network`: every integration of the history, drawn;
- `/ui/network?name=…`: the integrations of one pacticipant;
- `/ui/matrix?…`: can-i-deploy of a service's newest main version to production, as
  `pact-broker can-i-deploy --to-environment production` asks it.

It prints p50 and p99 in milliseconds, per backend, and the PostgreSQL/SQLite ratio of p50s.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support

from foundation_writes import broker, postgres_database
from history import Simulation, build, name_of
from matrix_queries import SERVICES, can_i_deploy_query, percentile, timed

from broker.web.network_layout import MAX_NODES, TooLargeError, layout
from tests.support.network_graph import network

HTML = {"Accept": "text/html"}


def layout_times() -> None:
    names, edges = network()
    samples = []
    for _ in range(30):
        started = time.perf_counter()
        layout(names, edges)
        samples.append((time.perf_counter() - started) * 1000)
    print(
        f"layout of 50 pacticipants / 120 integrations: best {min(samples):.1f} ms,"
        f" median {statistics.median(samples):.1f} ms"
    )
    worst = 0.0
    refused = 0
    for seed in range(20):
        rng = random.Random(seed)
        count = rng.choice([100, 200, MAX_NODES])
        everyone = [f"pacticipant-{i}" for i in range(count)]
        pairs = {tuple(rng.sample(everyone, 2)) for _ in range(rng.choice([150, 300, 600]))}
        started = time.perf_counter()
        try:
            layout(everyone, [(a, b) for a, b in pairs])
        except TooLargeError:
            refused += 1
        worst = max(worst, (time.perf_counter() - started) * 1000)
    print(f"layout of 20 random graphs up to the caps: worst {worst:.0f} ms ({refused} refused)")


def measure(url: str, requests: int, history: Simulation) -> dict[str, list[float]]:
    heads = {name: history.main_head_number(name) for name in SERVICES}
    with httpx.Client(base_url=url, timeout=60, headers=HTML) as client:
        client.get("/ui/network")  # warm up

        def whole(i: int) -> httpx.Response:
            return client.get("/ui/network")

        def one(i: int) -> httpx.Response:
            return client.get("/ui/network?" + urlencode({"name": SERVICES[i % len(SERVICES)]}))

        def matrix(i: int) -> httpx.Response:
            name = SERVICES[i % len(SERVICES)]
            return client.get("/ui/matrix?" + urlencode(can_i_deploy_query(name, heads[name])))

        return {
            "network, all": timed(requests, whole),
            "network of one": timed(requests, one),
            "matrix (can-i-deploy)": timed(requests, matrix),
        }


def run_backend(backend: str, scale: float, requests: int, workdir: Path) -> dict[str, list[float]]:
    def go(database_url: str) -> dict[str, list[float]]:
        started = time.perf_counter()
        history = asyncio.run(build(database_url, scale))
        counts = history.counts()
        print(
            f"{backend}: loaded {counts['versions']:,} versions of {name_of(0)}… in"
            f" {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        with broker(database_url, workdir) as url:
            return measure(url, requests, history)

    if backend == "sqlite":
        return go(f"sqlite:///{workdir / 'history.db'}")
    with postgres_database() as database_url:
        return go(database_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    layout_times()
    results: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as directory:
        for backend in args.backend or ["sqlite", "postgresql"]:
            results[backend] = run_backend(backend, args.scale, args.requests, Path(directory))
    print()
    print(f"{'page':<24} {'backend':<11} {'p50 ms':>8} {'p99 ms':>8}")
    for page in next(iter(results.values())):
        for backend, figures in results.items():
            samples = figures[page]
            print(
                f"{page:<24} {backend:<11} {statistics.median(samples):>8.2f}"
                f" {percentile(samples, 0.99):>8.2f}"
            )
        if len(results) == 2:
            ratio = statistics.median(results["postgresql"][page]) / statistics.median(
                results["sqlite"][page]
            )
            print(f"{'':<24} {'PG/SQLite':<11} {ratio:>8.2f}")


if __name__ == "__main__":
    main()
