"""Fuzz the broker's own API with schemathesis for longer than the test suite does (#19).

    .venv/bin/python benchmarks/fuzz_api.py [--examples 50] [--seed 19]
        [--backend sqlite --backend postgresql] [--caller admin --caller read ...]

For each backend it starts `accord broker serve` on a fresh database (SQLite file, or a
throwaway PostgreSQL database) with an admin token, and for each caller (the admin token, and
a token of each other role: read, write, approver) runs one after the other on that broker,
so later callers meet what earlier ones created. A role's token is fuzzed on the operations
the role may not use (its 403s), or on all of them with `--all-operations`. Each run is
`tests/support/api_fuzz.py`'s: every operation of `/openapi.json` through schemathesis's
phases (examples, coverage, fuzzing, stateful links) with `--examples` examples per operation,
every refused write checked to have stored nothing. It prints, per backend and caller, the
requests sent, the time taken and every failure found; the suite's bounded run is
`tests/e2e/test_api_fuzz.py`. It exits non-zero when anything was found.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from foundation_writes import broker, postgres_database

from tests.support.api_fuzz import BROKER_ENV, CALLERS, Profile, fuzz_api, token_of


def run_backend(
    backend: str, callers: list[str], profile: Profile, workdir: Path, *, everything: bool
) -> bool:
    def go(database_url: str) -> bool:
        clean = True
        with broker(database_url, workdir, BROKER_ENV) as url:
            for caller in callers:
                refused_only = None if caller == "admin" or everything else caller
                token = token_of(url, caller)
                report = fuzz_api(url, token, database_url, profile, only_refused_to=refused_only)
                print(f"{backend} as {caller}: {report.summary()}", flush=True)
                clean = clean and report.clean
        return clean

    if backend == "sqlite":
        return go(f"sqlite:///{workdir / 'accord.db'}")
    with postgres_database() as url:
        return go(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=50, help="examples per operation")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--stateful-steps", type=int, default=10)
    parser.add_argument(
        "--backend", action="append", choices=["sqlite", "postgresql"], dest="backends"
    )
    parser.add_argument("--caller", action="append", choices=CALLERS, dest="callers")
    parser.add_argument(
        "--all-operations",
        action="store_true",
        help="fuzz every operation as each role (by default a role gets what it may not do)",
    )
    args = parser.parse_args()
    profile = Profile(examples=args.examples, seed=args.seed, stateful_steps=args.stateful_steps)
    clean = True
    for backend in args.backends or ["sqlite", "postgresql"]:
        with tempfile.TemporaryDirectory() as folder:
            callers = args.callers or list(CALLERS)
            everything = args.all_operations
            clean = (
                run_backend(backend, callers, profile, Path(folder), everything=everything)
                and clean
            )
    sys.exit(0 if clean else 1)


if __name__ == "__main__":
    main()
