"""Resident memory of the broker under the benchmarks' load, and of the verifier on a large pact.

    .venv/bin/python benchmarks/memory.py [--scale 1.0] [--requests 100] [--publishes 200]
        [--backend sqlite --backend postgresql] [--interactions 5000] [--skip-broker]
        [--skip-verifier]

Issue #19 bounds both: the broker under 200 MB per process after the load, the verifier under
150 MB on a 5,000-interaction pact. Memory is read from /proc (`VmRSS`, resident now;
`VmHWM`, the most the process ever held resident) and printed in MB (10^6 bytes).

Broker, for each backend: loads `history.py`'s history at `--scale` into a fresh database
(SQLite file, or a throwaway PostgreSQL database on 127.0.0.1:5432), starts `accord broker
serve` on it with its default settings, and drives, one after another, the load of
`matrix_queries.py` (`--requests` of each of can-i-deploy, the matrix of one integration,
pacts for verification with and without WIP pacts) and of `publish.py` (a 5 MB pact of 5,000
interactions published three times, then `--publishes` small pacts from 16 clients). Every
process of the broker (the server and the processes it starts) is watched while the load
runs; each one's `VmRSS` after the load and its `VmHWM` are printed.

Verifier: `accord verify`, as a child process with the default concurrency (8) and with
`--concurrency 1`, verifies `verifier_vs_pact_python.py`'s pact at `--interactions` against
the test provider app answering at once; the peak is the child's `ru_maxrss` (`wait4`), and
its verdict must be a pass.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from foundation_writes import broker, postgres_database
from history import build
from matrix_queries import Rotation, measure
from publish import big_publishes, sustained
from replica_sizing import broker_pid
from verifier_vs_pact_python import PROVIDER, TOKEN, make_pact, provider

REPO = Path(__file__).resolve().parents[1]
BROKER_BOUND_MB = 200
VERIFIER_BOUND_MB = 150


@dataclass
class Watched:
    """One process: what it runs, its resident memory now, and the most it ever held."""

    command: str
    rss_mb: float = 0.0
    hwm_mb: float = 0.0


def status_mb(pid: int) -> tuple[float, float] | None:
    """(VmRSS, VmHWM) of a live process in MB, or None once it is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    try:
        rss, hwm = (int(fields[key].split()[0]) * 1024 / 1e6 for key in ("VmRSS", "VmHWM"))
    except (KeyError, ValueError, IndexError):
        return None
    return rss, hwm


def descendants(root: int) -> list[int]:
    """The process and everything it started, found through /proc's parent links."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return found


class Watcher:
    """Samples the memory of a process tree every `interval` seconds, in a thread."""

    def __init__(self, root: int, interval: float = 0.25) -> None:
        self.root = root
        self.interval = interval
        self.seen: dict[int, Watched] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        for pid in descendants(self.root):
            measured = status_mb(pid)
            if measured is None:
                continue
            if pid not in self.seen:
                try:
                    raw = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                except OSError:
                    continue
                command = " ".join(part.decode(errors="replace") for part in raw if part)
                self.seen[pid] = Watched(command=command)
            watched = self.seen[pid]
            watched.rss_mb, watched.hwm_mb = measured[0], max(watched.hwm_mb, measured[1])


def broker_memory(backend: str, scale: float, requests: int, publishes: int) -> bool:
    """Load a history, drive the load, print each broker process's memory; within the bound?"""
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)

        def run(database_url: str) -> bool:
            started = time.perf_counter()
            history = asyncio.run(build(database_url, scale))
            print(
                f"{backend}: loaded {history.counts()['versions']:,} versions in "
                f"{time.perf_counter() - started:.0f} s",
                flush=True,
            )
            with broker(database_url, workdir) as url:
                root = broker_pid(int(url.rsplit(":", 1)[1]))
                with Watcher(root) as watcher:
                    watcher.sample()
                    idle = {pid: item.rss_mb for pid, item in watcher.seen.items()}
                    started = time.perf_counter()
                    measure([url], requests, [Rotation.of(history)])
                    big_publishes(url, 5000)
                    asyncio.run(sustained(url, publishes))
                    elapsed = time.perf_counter() - started
            print(f"  load: matrix queries, 3 big pacts, {publishes} small ones in {elapsed:.0f} s")
            within = True
            for pid, item in sorted(watcher.seen.items()):
                role = "server" if pid == root else "started by it"
                before = f"idle {idle[pid]:6.1f}, " if pid in idle else ""
                print(
                    f"  pid {pid} ({role}): {before}after the load {item.rss_mb:6.1f} MB, "
                    f"peak {item.hwm_mb:6.1f} MB   [{item.command[:60]}]"
                )
                within = within and item.rss_mb < BROKER_BOUND_MB
            print(f"  every process under {BROKER_BOUND_MB} MB after the load: {within}")
            return within

        if backend == "sqlite":
            return run(f"sqlite:///{workdir / 'history.db'}")
        with postgres_database() as database_url:
            return run(database_url)


def verifier_memory(interactions: int) -> bool:
    """Verify a generated pact with `accord verify` in a child; print its peak memory."""
    with tempfile.TemporaryDirectory() as folder:
        pact = Path(folder) / "Shop-Items.json"
        pact.write_text(json.dumps(make_pact(interactions)))
        size = pact.stat().st_size / 1e6
        within = True
        with provider(0.0, []) as url:
            for extra in ([], ["--concurrency", "1"]):
                command = [
                    str(REPO / ".venv" / "bin" / "accord"), "verify",
                    "--provider", PROVIDER, "--provider-base-url", url,
                    "--provider-states-setup-url", f"{url}/_pact/provider-states",
                    "--custom-header", f"Authorization: Bearer {TOKEN}",
                    *extra, str(pact),
                ]  # fmt: skip
                started = time.perf_counter()
                process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL)
                _, status, usage = os.wait4(process.pid, 0)
                process.returncode = os.waitstatus_to_exitcode(status)
                peak = usage.ru_maxrss * 1024 / 1e6
                label = " ".join(extra) or "--concurrency 8 (default)"
                print(
                    f"verifier, {interactions:,} interactions ({size:.1f} MB pact), {label}: "
                    f"peak {peak:.1f} MB in {time.perf_counter() - started:.1f} s, "
                    f"exit {process.returncode}"
                )
                within = within and peak < VERIFIER_BOUND_MB and process.returncode == 0
    print(f"verifier under {VERIFIER_BOUND_MB} MB with a passing verdict: {within}")
    return within


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--publishes", type=int, default=200)
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    parser.add_argument("--interactions", type=int, default=5000)
    parser.add_argument("--skip-broker", action="store_true")
    parser.add_argument("--skip-verifier", action="store_true")
    args = parser.parse_args()
    results = []
    if not args.skip_verifier:
        results.append(verifier_memory(args.interactions))
    if not args.skip_broker:
        for backend in args.backend or ["sqlite", "postgresql"]:
            results.append(broker_memory(backend, args.scale, args.requests, args.publishes))
    print(f"({os.cpu_count()} cores, shared with the database and the load's clients)")
    if not all(results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
