"""Each q2 worker's heartbeat: its pools, its memory and when it last spoke.

The admin's Workers page runs in a web process, often on another host than the
workers, so it cannot ask them. Each worker process writes what it is doing to
the site's cache every ``HEARTBEAT_S`` from a daemon thread of its own, which
beats while a long job runs and while the worker idles alike. The entry expires
after ``MISSED_BEATS`` beats without news, so a worker that died leaves the page
by itself. A beat costs one cache write and one memory read (~50 us).
"""

import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import structlog
from django.core.cache import cache

from interp_exec.task_queue.job_claims import worker_name
from interp_exec.telemetry.process_load import POOL_LOAD, read_memory

HEARTBEAT_S = 5.0
MISSED_BEATS = 3
_KEY_PREFIX = "interp_exec:heartbeat:"

_logger = structlog.get_logger(__name__)


@dataclass(frozen=True)
class PoolLoad:
    mode: str
    size: int
    busy: int


@dataclass(frozen=True)
class Heartbeat:
    """What a worker said at its last beat (``at``: seconds since the epoch)."""

    at: float
    pools: tuple[PoolLoad, ...]
    rss_bytes: int | None
    pss_bytes: int | None

    @property
    def age_s(self) -> float:
        return max(time.time() - self.at, 0.0)


def beat() -> None:
    """Write this process's heartbeat now."""
    memory = read_memory()
    rss, pss = memory if memory is not None else (None, None)
    pools = tuple(
        PoolLoad(mode, size, busy) for mode, (size, busy) in sorted(POOL_LOAD.loads().items())
    )
    heartbeat = Heartbeat(at=time.time(), pools=pools, rss_bytes=rss, pss_bytes=pss)
    cache.set(_key(worker_name()), heartbeat, timeout=HEARTBEAT_S * MISSED_BEATS)


def read_heartbeats(workers: Iterable[str]) -> dict[str, Heartbeat]:
    """The last heartbeat of each of ``workers`` (``host:pid``) that beat lately, in one
    cache read."""
    keys = {_key(worker): worker for worker in workers}
    found = cache.get_many(list(keys))
    # A deploy may leave an entry of another shape for one expiry: it is skipped.
    return {keys[key]: beat for key, beat in found.items() if isinstance(beat, Heartbeat)}


_started_in_pid: int | None = None
_start_lock = threading.Lock()


def start_heartbeat(**signal_kwargs: object) -> None:
    """Beat at once, then every ``HEARTBEAT_S`` until the process ends.

    Takes a signal's keyword arguments so django-q2's ``post_spawn`` can call it;
    starts one thread per process, whatever the number of calls.
    """
    global _started_in_pid
    with _start_lock:
        # A forked child inherits the flag but not the thread: compare pids.
        if _started_in_pid == os.getpid():
            return
        _started_in_pid = os.getpid()
    threading.Thread(target=_beat_forever, name="interp-exec-heartbeat", daemon=True).start()


def _beat_forever() -> None:
    failing = False
    while True:
        try:
            beat()
        except Exception:
            # An unreachable cache hides this worker from the page; the worker
            # itself goes on serving. Said once per outage, not every beat.
            if not failing:
                _logger.exception("cpu.heartbeat_failed", worker=worker_name())
            failing = True
        else:
            failing = False
        time.sleep(HEARTBEAT_S)


def _key(worker: str) -> str:
    return _KEY_PREFIX + worker
