"""Latency of the web pages (#15) over a large history: home, network and pacticipant.

    .venv/bin/python benchmarks/web_pages.py [--scale 1.0] [--requests 200]
        [--backend sqlite --backend postgresql] [--loaded DATABASE_URL ...]

For each backend it loads `history.py`'s history (at scale 1.0: 50 pacticipants, 120
integrations, 200,000 versions, ~1,000,000 verification results, ~20,000 deployments) into a
fresh database, starts `accord broker serve` on it (no credentials: pages are open, as the API
is), and requests each page `--requests` times, one at a time, as a browser does (`Accept:
text/html`):

- home: `/ui`, every integration with its latest pact, verification and deployments;
- network: `/ui/network`, the graph; skipped, with a message, when the broker has no such page
  (it answers 404);
- pacticipant: `/ui/pacticipants/{name}`, rotating over the services that both consume and
  provide: the first page of versions, branches, deployments and can-i-deploy of the latest
  version to each environment.

`--loaded URL` (repeatable) measures a database `history.py` already loaded instead (its
backend is read from the URL), so a run can be repeated without loading again.

It prints p50 and p99 latency in milliseconds per page and backend, and whether the p99 is
under the issue's target (150 ms). Nothing here asserts a time: machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from foundation_writes import broker, postgres_database
from history import build, name_of
from matrix_queries import percentile

TARGET_P99_MS = 150.0
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
SERVICES = [name_of(i) for i in range(10, 40)]


def timed(requests: int, send: Callable[[int], httpx.Response]) -> list[float]:
    """Milliseconds per request; stops the run on any answer but a page."""
    samples = []
    for i in range(requests):
        started = time.perf_counter()
        response = send(i)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200 or "text/html" not in response.headers["content-type"]:
            url = response.request.url
            raise SystemExit(f"{url} answered {response.status_code}: {response.text[:500]}")
    return samples


def measure(url: str, requests: int) -> dict[str, list[float]]:
    """Each page's latencies; a page the broker does not serve is left out, with a message."""
    pages: dict[str, Callable[[int], str]] = {
        "home": lambda _: "/ui",
        "network": lambda _: "/ui/network",
        "pacticipant": lambda i: f"/ui/pacticipants/{SERVICES[i % len(SERVICES)]}",
    }
    found: dict[str, list[float]] = {}
    with httpx.Client(base_url=url, timeout=60, headers=BROWSER) as client:
        for page, path_of in pages.items():
            first = client.get(path_of(0))  # warm up: imports, templates, caches
            if first.status_code == 404:
                print(f"  {page}: {path_of(0)} answers 404 on this broker: skipped", flush=True)
                continue
            for i in range(1, 4):
                client.get(path_of(i))

            def send(i: int, path_of: Callable[[int], str] = path_of) -> httpx.Response:
                return client.get(path_of(i))

            found[page] = timed(requests, send)
            print(f"  {page}: {requests} requests measured", flush=True)
    return found


def run_backend(backend: str, scale: float, requests: int, workdir: Path) -> dict[str, list[float]]:
    def go(database_url: str) -> dict[str, list[float]]:
        started = time.perf_counter()
        history = asyncio.run(build(database_url, scale))
        counts = history.counts()
        print(
            f"{backend}: loaded {counts['versions']:,} versions,"
            f" {counts['verifications']:,} verification results,"
            f" {counts['deployed_versions']:,} deployments"
            f" in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        with broker(database_url, workdir) as url:
            return measure(url, requests)

    if backend == "sqlite":
        return go(f"sqlite:///{workdir / 'history.db'}")
    with postgres_database() as database_url:
        return go(database_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--loaded", action="append", default=[], metavar="DATABASE_URL")
    args = parser.parse_args()
    backends = args.backend or ["sqlite", "postgresql"]
    results: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as directory:
        for url in args.loaded:
            backend = "sqlite" if url.startswith("sqlite") else "postgresql"
            print(f"{backend}: measuring the history loaded in {url}", flush=True)
            with broker(url, Path(directory)) as served:
                results[backend] = measure(served, args.requests)
        for backend in [] if args.loaded else backends:
            results[backend] = run_backend(backend, args.scale, args.requests, Path(directory))
    print()
    print(f"{'page':<14} {'backend':<11} {'p50 ms':>8} {'p99 ms':>8}  p99 < {TARGET_P99_MS:.0f} ms")
    pages = sorted({page for figures in results.values() for page in figures})
    for page in pages:
        for backend, figures in results.items():
            samples = figures.get(page)
            if samples is None:
                continue
            p99 = percentile(samples, 0.99)
            verdict = "yes" if p99 < TARGET_P99_MS else "NO"
            print(
                f"{page:<14} {backend:<11} {statistics.median(samples):>8.2f} {p99:>8.2f}"
                f"  {verdict}"
            )


if __name__ == "__main__":
    main()
