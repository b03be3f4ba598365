"""Each q2 worker's heartbeat: its pools, its memory and when it last spoke.

The admin's Workers page runs in a web process, often on another host than the
workers, so it cannot ask them. Each worker process writes what it is doing to
the site's cache every ``HEARTBEAT_S`` from a daemon thread of its own, which
beats while a long job runs and while the worker idles alike. The entry expires
after ``MISSED_BEATS`` beats without news, so a worker that died leaves the page
by itself. A beat costs one cache write; the memory it carries is the process's
last reading (``process_load.read_memory``), at most ``MEMORY_REFRESH_S`` old.
``beat_thread`` beats, and looks for work lost with dead workers after each beat.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass

import structlog
from django.core.cache import cache

from interp_exec.task_queue.job_claims import worker_name
from interp_exec.telemetry.process_load import POOL_LOAD, read_memory

# A worker silent for MISSED_BEATS beats counts as gone: its entry expires, and the
# jobs it held are queued again (``lost_work``) within seconds of its death.
HEARTBEAT_S = 2.0
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
    pools = tuple(
        PoolLoad(mode, size, busy) for mode, (size, busy) in sorted(POOL_LOAD.loads().items())
    )
    heartbeat = Heartbeat(
        at=time.time(),
        pools=pools,
        rss_bytes=memory.rss if memory else None,
        pss_bytes=memory.pss if memory else None,
    )
    cache.set(_key(worker_name()), heartbeat, timeout=HEARTBEAT_S * MISSED_BEATS)


def read_heartbeats(workers: Iterable[str]) -> dict[str, Heartbeat]:
    """The last heartbeat of each of ``workers`` (``host:pid``) that beat lately, in one
    cache read."""
    keys = {_key(worker): worker for worker in workers}
    found = cache.get_many(list(keys))
    # A deploy may leave an entry of another shape for one expiry: it is skipped.
    return {keys[key]: beat for key, beat in found.items() if isinstance(beat, Heartbeat)}


def _key(worker: str) -> str:
    return _KEY_PREFIX + worker
