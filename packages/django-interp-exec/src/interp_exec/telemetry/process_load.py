"""This process's pool load and memory, for the Workers page and the metrics alike.

The core reports pool load to the observers in
``interp_exec.core.adapters.pool_observers`` (it imports no Django);
``InterpExecConfig.ready`` registers ``POOL_LOAD`` there. The heartbeat
(``interp_exec.ops.worker_heartbeat``) and the Prometheus gauges
(``interp_exec.contrib.metrics``) read it.

Memory is read with psutil, which the ``metrics`` extra installs; without it
``read_memory`` says None and the Workers page shows no memory. Reading PSS walks
the process's page tables: 1.2-3.7 ms of CPU in a process with a pool of two
subinterpreters and 125-217 MiB resident (2026-12-07), taken from the cores its
jobs run on. So one reading serves the heartbeat and the gauges alike for
``MEMORY_REFRESH_S``: they asked 1.5 times a second between them, 0.02-0.06 ms a
job at 100 jobs/s.
"""

import importlib.util
import os
import threading
import time
from typing import NamedTuple


class ProcessPoolLoad:
    """A ``PoolObserver`` that keeps this process's pools' load per mode.

    A resized pool is replaced while its last jobs still run: a mode's load adds up
    its pools, and a pool leaves the sum once shut down and idle.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pools: dict[int, tuple[str, int, int]] = {}  # pool id -> mode, size, busy
        self._by_mode: dict[str, tuple[int, int]] = {}  # mode -> size, busy of its pools

    def pool_load(self, pool_id: int, mode: str, size: int, busy: int) -> None:
        # Kept as running totals: it is told at every job's start and end.
        with self._lock:
            _, old_size, old_busy = self._pools.get(pool_id, (mode, 0, 0))
            if size or busy:
                self._pools[pool_id] = (mode, size, busy)
            else:
                self._pools.pop(pool_id, None)
            total_size, total_busy = self._by_mode.get(mode, (0, 0))
            self._by_mode[mode] = (total_size + size - old_size, total_busy + busy - old_busy)

    def abandoned_interpreters(self, running: int) -> None:
        """Not kept here: only the metrics report it."""

    def loads(self) -> dict[str, tuple[int, int]]:
        """Workers and busy workers of this process's pools, per mode with any."""
        with self._lock:
            return {mode: load for mode, load in self._by_mode.items() if load != (0, 0)}

    def mode_load(self, mode: str) -> tuple[int, int]:
        """Workers and busy workers of this process's pools of ``mode``."""
        return self._by_mode.get(mode, (0, 0))


POOL_LOAD = ProcessPoolLoad()

_HAS_PSUTIL = importlib.util.find_spec("psutil") is not None

MEMORY_REFRESH_S = 10.0


class MemoryReading(NamedTuple):
    """Process ``pid``'s RSS and PSS in bytes (PSS, its fair share of the pages shared
    with other processes, is Linux's alone: None elsewhere), read at ``read_at``
    (``time.monotonic()``)."""

    rss: int
    pss: int | None
    read_at: float
    pid: int


_last_reading: MemoryReading | None = None


def read_memory() -> MemoryReading | None:
    """This process's memory as read less than ``MEMORY_REFRESH_S`` ago, read now if
    not; None if unreadable or psutil is not installed. A forked worker reads its own
    (its parent's reading came with the fork). Two threads asking as the reading
    expires may both read; each gets a whole reading."""
    global _last_reading
    last = _last_reading
    if (
        last is not None
        and last.pid == os.getpid()
        and time.monotonic() - last.read_at < MEMORY_REFRESH_S
    ):
        return last
    if not _HAS_PSUTIL:
        return None
    import psutil

    try:
        memory = psutil.Process().memory_full_info()
    except psutil.Error:
        return None
    _last_reading = MemoryReading(
        memory.rss, getattr(memory, "pss", None), time.monotonic(), os.getpid()
    )
    return _last_reading
