"""The broker fixes glibc's mmap threshold for itself and the workers it starts."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from broker.allocator import MMAP_THRESHOLD, return_large_buffers

ON_GLIBC = platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not ON_GLIBC, reason="mallopt is glibc's")
def test_the_threshold_is_set_here_and_passed_to_started_processes() -> None:
    environ: dict[str, str] = {"PATH": "/usr/bin"}
    assert return_large_buffers(environ) is True
    assert environ["MALLOC_MMAP_THRESHOLD_"] == str(MMAP_THRESHOLD)
    # A process started with that environment sees it (glibc reads it as it starts).
    seen = subprocess.run(
        [sys.executable, "-c", "import os; print(os.environ['MALLOC_MMAP_THRESHOLD_'])"],
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    assert seen.stdout.strip() == str(MMAP_THRESHOLD)


def test_an_operators_own_threshold_wins() -> None:
    environ = {"MALLOC_MMAP_THRESHOLD_": "65536"}
    assert return_large_buffers(environ) is False
    assert environ == {"MALLOC_MMAP_THRESHOLD_": "65536"}
