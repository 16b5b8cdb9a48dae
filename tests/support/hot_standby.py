"""A PostgreSQL primary and its streaming hot standby, of a test's own, in a temporary directory.

The server binaries of the installed PostgreSQL (`/usr/lib/postgresql/*/bin`) build them:
`initdb` a primary on a free port (`wal_level = replica`, replication from 127.0.0.1 trusted),
`pg_basebackup -R` a standby from it (which writes `standby.signal` and `primary_conninfo`), and
start both with `pg_ctl`. `initdb` and `postgres` refuse to run as root, so when the tests run
as root both run as the `postgres` user (`runuser`), in a directory it owns.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


_AS_ROOT = os.geteuid() == 0
_RUN_AS = ["runuser", "-u", "postgres", "--"] if _AS_ROOT else []


def server_binaries() -> Path | None:
    """The newest installed PostgreSQL's server binaries (initdb, pg_ctl, pg_basebackup)."""
    installed = Path("/usr/lib/postgresql").glob("*/bin")
    by_version = sorted(installed, key=lambda bin_: float(bin_.parent.name), reverse=True)
    for found in by_version:
        if all(os.access(found / tool, os.X_OK) for tool in ("initdb", "pg_ctl", "pg_basebackup")):
            return found
    return None


def missing_reason() -> str | None:
    """Why a primary and standby cannot be built here, or None when they can."""
    if server_binaries() is None:
        return "the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) are not installed"
    if _AS_ROOT and shutil.which("runuser") is None:
        return "running as root, and runuser (to run PostgreSQL as postgres) is missing"
    return None


@dataclass(frozen=True)
class Cluster:
    """One running PostgreSQL server of the pair."""

    data: Path
    port: int
    log: Path

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"


@dataclass(frozen=True)
class Pair:
    """The primary and its hot standby; `stop_standby` stops the standby (fast shutdown)."""

    primary: Cluster
    standby: Cluster
    bin: Path

    def stop_standby(self) -> None:
        _pg_ctl(self.bin, self.standby, "stop", "-m", "fast")


def _run(command: list[str], timeout: float = 120) -> None:
    done = subprocess.run(
        [*_RUN_AS, *command], capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")


def _pg_ctl(bin_: Path, cluster: Cluster, *action: str) -> None:
    _run([str(bin_ / "pg_ctl"), "-D", str(cluster.data), "-l", str(cluster.log), "-w", *action])


@contextmanager
def primary_and_standby() -> Iterator[Pair]:
    """A running primary and a hot standby streaming from it; both stopped and removed after."""
    bin_ = server_binaries()
    assert bin_ is not None, missing_reason()
    folder = Path(tempfile.mkdtemp(prefix="accord-standby-"))
    folder.chmod(0o755)
    if _AS_ROOT:
        shutil.chown(folder, "postgres", "postgres")
    primary = Cluster(folder / "primary", free_port(), folder / "primary.log")
    standby = Cluster(folder / "standby", free_port(), folder / "standby.log")
    with ExitStack() as stops:
        stops.callback(shutil.rmtree, folder, ignore_errors=True)
        _run([str(bin_ / "initdb"), "-D", str(primary.data), "-U", "postgres", "-A", "trust",
              "--no-sync"])  # fmt: skip
        settings = (
            f"port = {primary.port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{folder}'\n"
            "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            "shared_buffers = 16MB\nmax_connections = 60\n"
        )
        _append(primary.data / "postgresql.conf", settings)
        _append(primary.data / "pg_hba.conf", "host replication all 127.0.0.1/32 trust\n")
        _pg_ctl(bin_, primary, "start")
        stops.callback(_stop_quietly, bin_, primary)
        _run([str(bin_ / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port),
              "-U", "postgres", "-D", str(standby.data), "-R", "-X", "stream",
              "--no-sync"])  # fmt: skip
        _append(standby.data / "postgresql.conf", f"port = {standby.port}\n")
        _pg_ctl(bin_, standby, "start")
        stops.callback(_stop_quietly, bin_, standby)
        yield Pair(primary, standby, bin_)


def _append(path: Path, text: str) -> None:
    """Append to a file the postgres user owns (written by root, so its owner is kept)."""
    with path.open("a") as config:
        config.write(text)


def _stop_quietly(bin_: Path, cluster: Cluster) -> None:
    subprocess.run(
        [*_RUN_AS, str(bin_ / "pg_ctl"), "-D", str(cluster.data), "-m", "immediate", "-w",
         "stop"],
        capture_output=True, timeout=60, check=False,
    )  # fmt: skip
