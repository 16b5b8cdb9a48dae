"""Accord's verifier against pact-python 4.2's `Verifier` (the Rust core), in one run.

    .venv/bin/python benchmarks/verifier_vs_pact_python.py [--interactions 200] [--rounds 5]
                                                           [--bugs 7] [--concurrency 32]

One V3 pact of `--interactions` interactions (`GET /items/{n}`, each with the provider state
"an item exists" and matching rules on the body) is verified against the provider app of the
tests (`tests/support/provider_app.py`, its own process, bearer auth, state-change URL), twice:
answering at once, and taking 10 ms per request (state changes included) as real services do.
Both verifiers use the same state-change URL and custom header; each run's time is the
`verify` call alone. The two take turns for `--rounds` rounds (so both meet the same load on a
shared machine), and the medians and bests are printed. Accord runs `--concurrency` workers
(the library and `accord verify` default to 8); pact-python verifies one interaction at a
time. Then both verify a provider with `--bugs` seeded bugs (a price that comes back as a
string) and must fail the same interactions.
pact-python comes from the clients `../shared/clients/install.sh` installs
(`~/.cache/accord/pact-clients/venv`, `CLIENTS_DIR` overrides); this file runs itself in that
interpreter with `--pact-python-worker`, importing only the standard library and `pact` there.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from statistics import median
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CLIENTS_DIR = Path(
    os.environ.get("CLIENTS_DIR") or Path.home() / ".cache" / "accord" / "pact-clients"
)
PACT_PYTHON = CLIENTS_DIR / "venv" / "bin" / "python"
TOKEN = "provider-secret"  # tests/support/provider_app.py's
PROVIDER = "Items"


def make_pact(count: int) -> dict[str, Any]:
    interactions = [
        {
            "description": f"a request for item {n}",
            "providerStates": [{"name": "an item exists", "params": {"id": n}}],
            "request": {"method": "GET", "path": f"/items/{n}"},
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": {"id": n, "name": f"item {n}", "price": 1.5},
                "matchingRules": {
                    "body": {
                        "$.id": {"matchers": [{"match": "integer"}]},
                        "$.name": {"matchers": [{"match": "type"}]},
                        "$.price": {"matchers": [{"match": "type"}]},
                    }
                },
            },
        }
        for n in range(1, count + 1)
    ]
    return {
        "consumer": {"name": "Shop"},
        "provider": {"name": PROVIDER},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def provider(delay_ms: float, bugs: list[int]) -> Iterator[str]:
    """The provider app in its own process; its base URL."""
    port = free_port()
    command = [
        sys.executable, "-m", "tests.support.provider_app",
        "--port", str(port), "--delay-ms", str(delay_ms),
        "--bugs", ",".join(str(bug) for bug in bugs),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=REPO, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("the provider app did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def run_accord(pact: Path, url: str, concurrency: int = 32) -> tuple[float, set[str]]:
    """Accord's verify call: its seconds and the descriptions of failed interactions."""
    # Imported here: pact-python's interpreter runs this file too, without Accord.
    from verifier import PactFile, Provider, Verifier  # noqa: PLC0415

    verifier = Verifier(
        Provider(
            name=PROVIDER,
            base_url=url,
            state_change_url=f"{url}/_pact/provider-states",
            custom_headers={"Authorization": f"Bearer {TOKEN}"},
        ),
        concurrency=concurrency,
    )
    started = time.perf_counter()
    result = asyncio.run(verifier.verify([PactFile(pact)]))
    elapsed = time.perf_counter() - started
    failed = {item.description for p in result.pacts for item in p.interactions if not item.is_ok}
    return elapsed, failed


def run_pact_python(pact: Path, url: str) -> tuple[float, set[str]]:
    """pact-python's verify call, run by this file in pact-python's interpreter."""
    done = subprocess.run(
        [str(PACT_PYTHON), __file__, "--pact-python-worker", str(pact), url],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if done.returncode != 0:
        raise SystemExit(f"the pact-python worker failed:\n{done.stdout}\n{done.stderr}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["seconds"], set(report["failed"])


def pact_python_worker(pact: str, url: str) -> None:
    """Verify with pact-python and print {seconds, failed} (runs in pact-python's venv)."""
    from pact import Verifier  # noqa: PLC0415 - installed in pact-python's venv only

    verifier = (
        Verifier(PROVIDER, host="127.0.0.1")
        .add_transport(url=url)
        .add_source(pact)
        .state_handler(f"{url}/_pact/provider-states", teardown=False, body=True)
        .add_custom_header("Authorization", f"Bearer {TOKEN}")
    )
    started = time.perf_counter()
    with contextlib.suppress(RuntimeError):  # a failed verification raises; read below
        verifier.verify()
    elapsed = time.perf_counter() - started
    document = json.loads(Path(pact).read_text())
    descriptions = {item["description"] for item in document["interactions"]}
    output = verifier.output(strip_ansi=True)
    failures_text = output.split("Failures:", 1)[1] if "Failures:" in output else ""
    failed = sorted(
        description
        for description in descriptions
        if f"{description} " in failures_text or f"{description}\n" in failures_text
    )
    print(json.dumps({"seconds": elapsed, "failed": failed}))


def alternating(
    rounds: int, runs: dict[str, Any], pact: Path, url: str
) -> dict[str, tuple[list[float], set[str]]]:
    """Each run `rounds` times, taking turns, so both see the same load on a shared machine."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    failed: dict[str, set[str]] = {name: set() for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            seconds, failed[name] = run(pact, url)
            times[name].append(seconds)
    return {name: (times[name], failed[name]) for name in runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interactions", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--bugs", type=int, default=7, help="how many items break")
    parser.add_argument("--concurrency", type=int, default=32, help="Accord's workers")
    args = parser.parse_args()
    accord_run = functools.partial(run_accord, concurrency=args.concurrency)
    if not PACT_PYTHON.exists():
        raise SystemExit(f"pact-python is not installed in {CLIENTS_DIR} (../shared/clients)")
    with tempfile.TemporaryDirectory() as folder:
        pact = Path(folder) / "Shop-Items.json"
        pact.write_text(json.dumps(make_pact(args.interactions)))
        print(
            f"{args.interactions} interactions, each with a provider state; median and best of "
            f"{args.rounds} rounds, the two verifiers taking turns"
        )
        for delay_ms in (0.0, 10.0):
            with provider(delay_ms, []) as url:
                runs = alternating(
                    args.rounds, {"accord": accord_run, "pact-python": run_pact_python}, pact, url
                )
            (accord, accord_failed), (rust, rust_failed) = runs["accord"], runs["pact-python"]
            assert not accord_failed and not rust_failed, (accord_failed, rust_failed)
            label = "instant provider" if not delay_ms else f"{delay_ms:g} ms per request"
            print(
                f"{label:>22}: accord {median(accord):6.3f} s (best {min(accord):.3f})   "
                f"pact-python {median(rust):6.3f} s (best {min(rust):.3f})   "
                f"accord is {median(rust) / median(accord):5.1f}x faster (medians)"
            )
        step = max(1, args.interactions // max(1, args.bugs))
        bugs = list(range(step, args.interactions + 1, step))[: args.bugs]
        with provider(0.0, bugs) as url:
            _, accord_failed = accord_run(pact, url)
            _, rust_failed = run_pact_python(pact, url)
        expected = {f"a request for item {bug}" for bug in bugs}
        same = accord_failed == rust_failed == expected
        print(
            f"{'seeded bugs':>22}: {len(bugs)} broken items; accord failed {len(accord_failed)}, "
            f"pact-python failed {len(rust_failed)}; same verdicts: {'yes' if same else 'NO'}"
        )
        if not same:
            print(f"  accord only: {sorted(accord_failed - rust_failed)}")
            print(f"  pact-python only: {sorted(rust_failed - accord_failed)}")
            raise SystemExit(1)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--pact-python-worker"]:
        pact_python_worker(sys.argv[2], sys.argv[3])
    else:
        main()
