"""This process's pool load and memory, for the Workers page and the metrics alike.

The core reports pool load to the observers in
``interp_exec.core.adapters.pool_observers`` (it imports no Django);
``InterpExecConfig.ready`` registers ``POOL_LOAD`` there. The heartbeat
(``interp_exec.ops.worker_heartbeat``) and the Prometheus gauges
(``interp_exec.contrib.metrics``) read it.

Memory is read with psutil, which the ``metrics`` extra installs; without it
``read_memory`` says None and the Workers page shows no memory.
"""

import importlib.util
import threading


class ProcessPoolLoad:
    """A ``PoolObserver`` that keeps this process's pools' load per mode.

    A resized pool is replaced while its last jobs still run: a mode's load adds up
    its pools, and a pool leaves the sum once shut down and idle.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pools: dict[int, tuple[str, int, int]] = {}  # pool id -> mode, size, busy

    def pool_load(self, pool_id: int, mode: str, size: int, busy: int) -> None:
        with self._lock:
            if size or busy:
                self._pools[pool_id] = (mode, size, busy)
            else:
                self._pools.pop(pool_id, None)

    def abandoned_interpreters(self, running: int) -> None:
        """Not kept here: only the metrics report it."""

    def loads(self) -> dict[str, tuple[int, int]]:
        """Workers and busy workers of this process's pools, per mode."""
        by_mode: dict[str, tuple[int, int]] = {}
        with self._lock:
            for mode, size, busy in self._pools.values():
                total_size, total_busy = by_mode.get(mode, (0, 0))
                by_mode[mode] = (total_size + size, total_busy + busy)
        return by_mode


POOL_LOAD = ProcessPoolLoad()

_HAS_PSUTIL = importlib.util.find_spec("psutil") is not None


def read_memory() -> tuple[int, int | None] | None:
    """This process's RSS and PSS in bytes (PSS, its fair share of the pages shared
    with other processes, is Linux's alone: None elsewhere); None if unreadable or
    psutil is not installed."""
    if not _HAS_PSUTIL:
        return None
    import psutil

    try:
        memory = psutil.Process().memory_full_info()
    except psutil.Error:
        return None
    return memory.rss, getattr(memory, "pss", None)
