"""What the metrics and request ids cost: publish throughput with them, and without.

    .venv/bin/python benchmarks/metrics_overhead.py [--without main] [--publishes 400] [--rounds 3]

"Without" is the broker of another git revision (default `main`, before `/metrics`), exported
into a temporary folder and run with the same interpreter and dependencies. For SQLite and
PostgreSQL the two brokers take turns, `--rounds` times each, sustaining `--publishes` small
pacts from 16 concurrent clients (benchmarks/publish.py's load), so that a busy machine slows
both alike. Prints each round's contracts per second and the ratio of the medians
(with / without: 1.00 means free).
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from foundation_writes import broker, postgres_database
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--without", default="main", help="git revision without the metrics")
    parser.add_argument("--publishes", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with exported(args.without) as base, tempfile.TemporaryDirectory() as tmp:
        for backend in ("sqlite", "postgres"):
            rates: dict[str, list[float]] = {"with": [], "without": []}
            for round_ in range(args.rounds):
                for kind, folder in (("with", None), ("without", base)):
                    with postgres_database() as pg_url, on_path(folder):
                        workdir = Path(tmp) / f"{backend}-{kind}-{round_}"
                        workdir.mkdir()
                        url = f"sqlite:///{workdir / 'p.db'}" if backend == "sqlite" else pg_url
                        with broker(url, workdir) as base_url:
                            rate = asyncio.run(sustained(base_url, args.publishes))
                    rates[kind].append(rate)
                    print(f"{backend:8} round {round_ + 1} {kind:7}: {rate:6.1f} contracts/s")
            with_, without = statistics.median(rates["with"]), statistics.median(rates["without"])
            print(
                f"{backend:8} median with metrics {with_:.1f}, without {without:.1f} contracts/s:"
                f" ratio {with_ / without:.3f}"
            )


if __name__ == "__main__":
    main()
