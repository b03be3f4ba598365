"""Per-process gauges: pool size and busy workers, abandoned interpreters, worker memory.

Each is read as the scraper reads it, from ``/metrics/``, as this process's
series (labelled with its pid by prometheus_client's ``liveall`` mode).
"""

import os
import threading
import time
from collections.abc import Generator
from pathlib import Path
from typing import cast

import pytest
from django.test import Client
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from interp_exec import CpuJob, get_cpu_port
from interp_exec.contrib.metrics import process_gauges
from interp_exec.core.wiring import policy_for
from interp_exec.telemetry import process_load
from tests.ops.conftest import scrape, value

pytestmark = pytest.mark.usefixtures("metrics_token")

LARGE = 1_000_000  # far above any threshold: the fixed mode is kept
PID = str(os.getpid())


def interpreters_pool_size() -> int:
    return policy_for(CpuJob("tests.echo", None, size=LARGE), "interpreters").max_workers


def busy_in_files() -> float:
    """This process's busy interpreter workers, read from the metric files (no database:
    it runs in a thread beside the jobs)."""
    registry = CollectorRegistry()
    directory = str(Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]))
    MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    for family in text_string_to_metric_families(generate_latest(registry).decode()):
        for sample in family.samples:
            if sample.name == "interp_exec_pool_busy_workers" and sample.labels == {
                "mode": "interpreters",
                "pid": PID,
            }:
                return sample.value
    return 0.0


def busy(client: Client) -> float:
    return value(scrape(client), "interp_exec_pool_busy_workers", mode="interpreters", pid=PID)


def wait_until_idle(client: Client) -> None:
    deadline = time.monotonic() + 10
    while busy(client) != 0:
        assert time.monotonic() < deadline, "the pool's jobs ended but still count as busy"
        time.sleep(0.05)


def test_busy_workers_count_the_running_jobs_and_return_to_zero(client: Client) -> None:
    wait_until_idle(client)
    size = interpreters_pool_size()
    port = get_cpu_port("interpreters")
    port.run(CpuJob("tests.echo", {}, size=LARGE))  # a warm pool: the jobs start together
    seen: list[float] = []
    reader = threading.Timer(0.5, lambda: seen.append(busy_in_files()))
    reader.start()

    outcomes = port.map([CpuJob("tests.echo", {"spin_s": 1.5}, size=LARGE) for _ in range(size)])
    reader.join()

    assert {o.mode_used for o in outcomes} == {"interpreters"}
    assert seen == [size]
    series = scrape(client)
    labels = {"mode": "interpreters", "pid": PID}
    assert value(series, "interp_exec_pool_busy_workers", **labels) == 0
    assert value(series, "interp_exec_pool_workers", **labels) == size


def test_jobs_a_stream_left_behind_count_until_they_end(client: Client) -> None:
    wait_until_idle(client)
    size = interpreters_pool_size()
    spins = [0.1] + [1.0] * (2 * size - 1)
    jobs = [(i, CpuJob("tests.echo", {"spin_s": s}, size=LARGE)) for i, s in enumerate(spins)]
    stream = cast(Generator[object], get_cpu_port("interpreters").stream(jobs))
    next(stream)  # the short first job ended and its worker took the next one
    stream.close()

    assert busy(client) == size
    wait_until_idle(client)


def test_abandoned_interpreters_are_counted_until_they_end(client: Client) -> None:
    wait_until_idle(client)  # else the job could time out queued, never started
    stuck = CpuJob("tests.echo", {"spin_s": 1.5}, size=LARGE, timeout_s=0.2)
    outcome = get_cpu_port("interpreters").run(stuck)
    assert outcome.status.value == "timed_out"
    assert value(scrape(client), "interp_exec_abandoned_interpreters", pid=PID) == 1

    deadline = time.monotonic() + 10
    while value(scrape(client), "interp_exec_abandoned_interpreters", pid=PID) != 0:
        assert time.monotonic() < deadline, "the abandoned job ended but is still counted"
        time.sleep(0.1)


def test_worker_memory_is_a_reading_refreshed_every_memory_refresh_s(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(process_load, "_last_reading", None)
    process_gauges.record_worker_memory()
    first = value(scrape(client), "interp_exec_worker_memory_bytes", kind="rss", pid=PID)
    assert first > 10 * 2**20
    assert value(scrape(client), "interp_exec_worker_memory_bytes", kind="pss", pid=PID) > 0
    reading = process_load.read_memory()
    assert reading is not None
    assert reading.rss == first

    big = b"x" * (64 * 2**20)  # every page written: RSS grows by 64 MiB
    process_gauges.record_worker_memory()
    assert value(scrape(client), "interp_exec_worker_memory_bytes", kind="rss", pid=PID) == first
    assert process_load.read_memory() is reading  # the heartbeat's too, until it expires
    expired = reading._replace(read_at=reading.read_at - process_load.MEMORY_REFRESH_S)
    monkeypatch.setattr(process_load, "_last_reading", expired)
    process_gauges.record_worker_memory()
    grown = value(scrape(client), "interp_exec_worker_memory_bytes", kind="rss", pid=PID)
    assert grown >= first + 60 * 2**20
    del big
