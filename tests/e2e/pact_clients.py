"""The real Pact clients, installed by `../shared/clients/install.sh` into a cached folder."""

from __future__ import annotations

import fcntl
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("ACCORD_SHARED_DIR", REPO.parent / "shared"))
SCENARIOS = SHARED / "clients"
CLIENTS_DIR = Path(
    os.environ.get("CLIENTS_DIR", Path.home() / ".cache" / "accord" / "pact-clients")
)
MARKER = CLIENTS_DIR / ".accord-installed"


# The installer ends by printing versions; `pact-verifier --version | head -1` there can make
# the Rust binary panic on the closed pipe (about one run in two), failing an install that
# succeeded. Those binaries are then checked here, each on its own.
_INSTALLED = ("rust/node_modules/.bin/pact-broker", "rust/node_modules/.bin/pact-verifier")
_ATTEMPTS = 3


def _installed_apart_from_the_version_banner(stdout: str) -> bool:
    if "== versions" not in stdout:
        return False
    for relative in _INSTALLED:
        probe = subprocess.run(
            [str(CLIENTS_DIR / relative), "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if probe.returncode != 0:
            return False
    return (CLIENTS_DIR / "ruby" / "node_modules" / ".bin" / "pact-broker").exists()


def ensure_installed() -> Path:
    """Install the clients once (about 20 s); later runs reuse the cached folder.

    A lock file keeps two processes (xdist workers, or two test runs) from installing at once:
    the second waits, then finds the marker the first wrote.
    """
    if MARKER.exists():
        return CLIENTS_DIR
    if not (SCENARIOS / "install.sh").exists():
        pytest.fail(f"the client scenarios are missing: {SCENARIOS}", pytrace=False)
    CLIENTS_DIR.mkdir(parents=True, exist_ok=True)
    with (CLIENTS_DIR.parent / f"{CLIENTS_DIR.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if MARKER.exists():
                return CLIENTS_DIR
            return _install()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _install() -> Path:
    result: subprocess.CompletedProcess[str] | None = None
    for _ in range(_ATTEMPTS):
        result = subprocess.run(
            ["bash", str(SCENARIOS / "install.sh"), str(CLIENTS_DIR)],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if result.returncode == 0 or _installed_apart_from_the_version_banner(result.stdout):
            MARKER.write_text(result.stdout)
            return CLIENTS_DIR
    assert result is not None
    pytest.fail(
        f"installing the Pact clients failed:\n{result.stdout}\n{result.stderr}", pytrace=False
    )


def pact_broker(flavour: str) -> Path:
    """The `pact-broker` executable of a flavour (`rust` or `ruby`)."""
    return ensure_installed() / flavour / "node_modules" / ".bin" / "pact-broker"


def run_scenario(
    script: str, broker_url: str, flavour: str, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run one of the shared scenario scripts against the broker."""
    ensure_installed()
    return subprocess.run(
        ["bash", str(SCENARIOS / script)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={
            **os.environ,
            "BROKER_URL": broker_url,
            "CLIENTS_DIR": str(CLIENTS_DIR),
            "PACT_FLAVOUR": flavour,
            "PACT_DO_NOT_TRACK": "true",
            **env,
        },
    )


def run_cli(
    flavour: str, broker_url: str, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run `pact-broker ARGS… --broker-base-url URL` of a flavour, `env` added (credentials)."""
    return subprocess.run(
        [str(pact_broker(flavour)), *args, "--broker-base-url", broker_url],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PACT_DO_NOT_TRACK": "true", "PACT_BROKER_HTTP_RETRIES": "0", **env},
    )
