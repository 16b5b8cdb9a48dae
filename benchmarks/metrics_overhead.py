"""What the metrics and request ids cost: publish throughput with them, and without.

    .venv/bin/python benchmarks/metrics_overhead.py [--without REV] [--publishes 400] [--rounds 3]

"Without" is the broker of another git revision (default: where this branch left `main`, the
same code without `/metrics`), exported
into a temporary folder and run with the same interpreter and dependencies. For SQLite and
PostgreSQL the two brokers take turns, `--rounds` times each, sustaining `--publishes` small
pacts from 16 concurrent clients (benchmarks/publish.py's load), so that a busy machine slows
both alike. Prints each round's contracts per second and the broker's CPU time per contract
(its process and its worker processes, from /proc: what other load on the machine changes
least), and the ratios of the medians (with / without: 1.00 means free).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from foundation_writes import free_port, postgres_database
from publish import sustained

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def exported(revision: str) -> Iterator[Path]:
    """The `broker` package of `revision`, in a temporary folder."""
    archive = subprocess.run(
        ["git", "archive", revision, "broker"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        yield Path(folder)


@contextmanager
def on_path(folder: Path | None) -> Iterator[None]:
    """Brokers started in the block import `broker` from `folder` (None: this checkout)."""
    saved = os.environ.get("PYTHONPATH")
    if folder is not None:
        os.environ["PYTHONPATH"] = str(folder)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved


_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(root: int) -> float:
    """User and system CPU seconds of process `root` and its descendants, now (Linux /proc)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / _TICKS
    family, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    return sum(times.get(pid, 0.0) for pid in family)


@contextmanager
def serving(database_url: str, workdir: Path) -> Iterator[tuple[str, int]]:
    """`accord broker serve` on a free port: its URL and process id."""
    port = free_port()
    environment = {**os.environ, "ACCORD_DATABASE_URL": database_url, "ACCORD_LOG_LEVEL": "warning"}
    with subprocess.Popen(
        [sys.executable, "-m", "broker", "serve", "--port", str(port)],
        cwd=workdir,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as process:
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(2400):
                try:
                    httpx.get(url + "/diagnostic/status/heartbeat", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            yield url, process.pid
        finally:
            process.terminate()
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--without",
        default=subprocess.run(
            ["git", "merge-base", "HEAD", "main"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip(),
        help="git revision without the metrics (default: the merge base with main)",
    )
    parser.add_argument("--publishes", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with exported(args.without) as base, tempfile.TemporaryDirectory() as tmp:
        for backend in ("sqlite", "postgres"):
            rates: dict[str, list[float]] = {"with": [], "without": []}
            costs: dict[str, list[float]] = {"with": [], "without": []}
            for round_ in range(args.rounds):
                for kind, folder in (("with", None), ("without", base)):
                    with postgres_database() as pg_url, on_path(folder):
                        workdir = Path(tmp) / f"{backend}-{kind}-{round_}"
                        workdir.mkdir()
                        url = f"sqlite:///{workdir / 'p.db'}" if backend == "sqlite" else pg_url
                        with serving(url, workdir) as (base_url, pid):
                            asyncio.run(sustained(base_url, 16))  # warm up
                            before = cpu_seconds(pid)
                            rate = asyncio.run(sustained(base_url, args.publishes))
                            cost = (cpu_seconds(pid) - before) / args.publishes * 1000
                    rates[kind].append(rate)
                    costs[kind].append(cost)
                    print(
                        f"{backend:8} round {round_ + 1} {kind:7}: {rate:6.1f} contracts/s,"
                        f" {cost:5.2f} ms CPU per contract"
                    )
            with_, without = statistics.median(rates["with"]), statistics.median(rates["without"])
            cpu_with = statistics.median(costs["with"])
            cpu_without = statistics.median(costs["without"])
            print(
                f"{backend:8} medians with/without metrics: {with_:.1f}/{without:.1f} contracts/s"
                f" (ratio {with_ / without:.3f}), {cpu_with:.2f}/{cpu_without:.2f} ms CPU per"
                f" contract (ratio {cpu_with / cpu_without:.3f})"
            )


if __name__ == "__main__":
    main()
