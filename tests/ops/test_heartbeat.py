"""A worker's heartbeat carries its pools' load and its memory to the Workers page."""

import os
import time

import pytest

from interp_exec.core.adapters.pool_observers import report_pool_load
from interp_exec.ops.worker_heartbeat import PoolLoad, beat, read_heartbeats
from interp_exec.task_queue.job_claims import worker_name
from interp_exec.telemetry import process_load
from interp_exec.telemetry.process_load import POOL_LOAD

POOL_ID = -1  # no real pool has a negative id()


def test_a_beat_says_how_busy_each_pool_is_and_how_much_memory_the_worker_holds() -> None:
    # Pools other tests left in this process count too: the beat adds up a mode's pools.
    size, busy = POOL_LOAD.loads().get("interpreters", (0, 0))
    report_pool_load(POOL_ID, "interpreters", 4, 3)
    try:
        beat()
    finally:
        report_pool_load(POOL_ID, "interpreters", 0, 0)

    heartbeat = read_heartbeats([worker_name(), "elsewhere:1"])[worker_name()]
    assert PoolLoad("interpreters", size + 4, busy + 3) in heartbeat.pools
    assert heartbeat.rss_bytes is not None
    assert heartbeat.rss_bytes > 0
    assert heartbeat.age_s < 5


def test_a_beat_carries_the_memory_reading_the_gauges_share(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Reading PSS costs milliseconds: a beat reuses a reading younger than
    ``MEMORY_REFRESH_S`` instead of reading again."""
    recent = process_load.MemoryReading(123 * 2**20, 45 * 2**20, time.monotonic(), os.getpid())
    monkeypatch.setattr(process_load, "_last_reading", recent)
    beat()

    heartbeat = read_heartbeats([worker_name()])[worker_name()]
    assert (heartbeat.rss_bytes, heartbeat.pss_bytes) == (123 * 2**20, 45 * 2**20)


def test_a_forked_worker_does_not_report_its_parents_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parents = process_load.MemoryReading(123 * 2**20, 45 * 2**20, time.monotonic(), os.getppid())
    monkeypatch.setattr(process_load, "_last_reading", parents)
    beat()

    own = process_load.read_memory()  # the reading the beat took, still fresh
    assert own is not None
    assert own.pid == os.getpid()
    heartbeat = read_heartbeats([worker_name()])[worker_name()]
    assert heartbeat.rss_bytes == own.rss != parents.rss


def test_a_worker_that_never_beat_is_not_listed() -> None:
    assert read_heartbeats(["elsewhere:1"]) == {}
