"""glibc's allocator, told to hand large buffers back to the system when they are freed.

glibc serves an allocation of 128 KiB or more with a mapping of its own and unmaps it when it
is freed, but each such free raises that threshold (up to 32 MiB). After one big request,
multi-megabyte buffers (a 5 MB pact's body, its base64 text, the JSON a read encodes) come from
the heap instead, and what they free stays resident among live objects. Measured with
`benchmarks/memory.py`: three 5 MB publishes left the server at 153 MB; with the threshold
fixed, 90 MB, and reading that pact back peaked at 140 MB instead of 193.

Setting the threshold (`mallopt(M_MMAP_THRESHOLD, …)`) turns the adjustment off. The processes
the broker starts (its document workers) get the same setting through `MALLOC_MMAP_THRESHOLD_`,
which glibc reads as a process starts. An operator's own `MALLOC_MMAP_THRESHOLD_` wins; on other C
libraries (musl, macOS) nothing changes.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import MutableMapping

MMAP_THRESHOLD = 256 * 1024
"""Allocations of this many bytes or more get their own mapping, returned when freed."""

_M_MMAP_THRESHOLD = -3  # glibc's malloc.h
_VARIABLE = "MALLOC_MMAP_THRESHOLD_"


def return_large_buffers(environ: MutableMapping[str, str] = os.environ) -> bool:
    """Fix glibc's mmap threshold for this process and the ones it starts.

    Returns:
        Whether this process's allocator took the setting (False off glibc, or when the
        operator set `MALLOC_MMAP_THRESHOLD_`, which glibc applied already).
    """
    if _VARIABLE in environ:
        return False
    environ[_VARIABLE] = str(MMAP_THRESHOLD)
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
