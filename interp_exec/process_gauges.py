"""This process's pool load, abandoned interpreters and memory, as Prometheus gauges.

The core reports pool load and abandoned interpreters to the observers in
``interp_exec.core.adapters.pool_observers`` (it imports neither Django nor
Prometheus); ``InterpExecConfig.ready`` registers ``GAUGE_OBSERVER`` there.

A process's memory cannot be read at scrape time from the web process (the
workers may be on other hosts), so each q2 worker records its own after a task
or a drained batch, at most once per ``MEMORY_REFRESH_S``: reading PSS costs
about 50 us, too much for every job of a drain.

``interp_exec.metrics`` is imported on first use, not with this module: the app
registers the observer as Django starts, and a metric made then would open its
file before a test run has pointed ``PROMETHEUS_MULTIPROC_DIR`` elsewhere.
"""

import threading
import time

import psutil

MEMORY_REFRESH_S = 1.0


class _GaugeObserver:
    """A ``PoolObserver`` that sets this process's gauges.

    A resized pool is replaced while its last jobs still run: the gauges of a
    mode add up its pools, and a pool leaves the sum once shut down and idle.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pools: dict[int, tuple[str, int, int]] = {}  # pool id -> mode, size, busy

    def pool_load(self, pool_id: int, mode: str, size: int, busy: int) -> None:
        from interp_exec import metrics

        with self._lock:
            if size or busy:
                self._pools[pool_id] = (mode, size, busy)
            else:
                self._pools.pop(pool_id, None)
            loads = [(s, b) for m, s, b in self._pools.values() if m == mode]
        metrics.POOL_WORKERS.labels(mode).set(sum(s for s, _ in loads))
        metrics.POOL_BUSY_WORKERS.labels(mode).set(sum(b for _, b in loads))

    def loads(self) -> dict[str, tuple[int, int]]:
        """Workers and busy workers of this process's pools, per mode."""
        by_mode: dict[str, tuple[int, int]] = {}
        with self._lock:
            for mode, size, busy in self._pools.values():
                total_size, total_busy = by_mode.get(mode, (0, 0))
                by_mode[mode] = (total_size + size, total_busy + busy)
        return by_mode

    def abandoned_interpreters(self, running: int) -> None:
        from interp_exec import metrics

        metrics.ABANDONED_INTERPRETERS.set(running)


GAUGE_OBSERVER = _GaugeObserver()

_memory_read_at = float("-inf")


def record_worker_memory(**signal_kwargs: object) -> None:
    """Set this process's RSS and PSS gauges, unless done less than a second ago.

    Takes a signal's keyword arguments so django-q2's ``post_execute`` can call it.
    """
    global _memory_read_at
    now = time.monotonic()
    if now - _memory_read_at < MEMORY_REFRESH_S:
        return
    _memory_read_at = now
    memory = read_memory()
    if memory is None:
        return
    from interp_exec import metrics

    rss, pss = memory
    metrics.WORKER_MEMORY.labels("rss").set(rss)
    if pss is not None:
        metrics.WORKER_MEMORY.labels("pss").set(pss)


def read_memory() -> tuple[int, int | None] | None:
    """This process's RSS and PSS in bytes (PSS, its fair share of the pages shared
    with other processes, is Linux's alone: None elsewhere); None if unreadable."""
    try:
        memory = psutil.Process().memory_full_info()
    except psutil.Error:
        return None
    return memory.rss, getattr(memory, "pss", None)
