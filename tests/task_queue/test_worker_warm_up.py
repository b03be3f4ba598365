"""Each qcluster worker warms its own pools, those the flags send jobs to, when it starts."""

import subprocess
from collections.abc import Iterator

import pytest
import structlog
from django_q.signals import post_spawn

from interp_exec import receivers
from interp_exec.core import pool_planning
from interp_exec.core.adapters.pool import PoolAdapter
from interp_exec.ops import beat_thread
from interp_exec.routing.flag_policy import DEFAULT_FLAG, flag_name
from interp_exec.task_queue.job_claims import this_host
from tests.factories import job_record
from tests.flag_helpers import set_flag


@pytest.fixture(autouse=True)
def no_heartbeat() -> Iterator[None]:
    """The heartbeat's thread would outlive the test in this process: it is tested
    in workers of a real qcluster (tests/ops/test_workers_page.py)."""
    post_spawn.disconnect(dispatch_uid="heartbeat")
    yield
    post_spawn.connect(beat_thread.start_heartbeat, dispatch_uid="heartbeat")


def warmed_pools(proc_name: str) -> list[object]:
    with structlog.testing.capture_logs() as logs:
        post_spawn.send(sender="django_q", proc_name=proc_name)
    (entry,) = [e for e in logs if e["event"] == "cpu.worker_warmed_up"]
    assert entry["proc_name"] == proc_name
    pools: list[object] = entry["pools"]
    return pools


def test_a_starting_worker_warms_the_pool_its_flags_route_to_at_the_default_flags_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[tuple[str, int]] = []
    monkeypatch.setattr(
        PoolAdapter, "warm", lambda pool: started.append((pool.mode, pool.max_workers))
    )
    set_flag(DEFAULT_FLAG, max_workers=3)
    set_flag(flag_name("tests.echo"), everyone=True, mode="interpreters")

    assert warmed_pools("Process-1") == ["interpreters x 3"]
    assert started == [("interpreters", 3)]


def test_a_worker_whose_flags_route_nothing_to_a_pool_starts_none() -> None:
    assert warmed_pools("Process-3") == []


def test_a_failed_warm_up_is_logged_and_the_worker_carries_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken() -> None:
        raise RuntimeError("no interpreters today")

    monkeypatch.setattr(pool_planning, "warm_up", broken)

    with structlog.testing.capture_logs() as logs:
        responses = post_spawn.send(sender="django_q", proc_name="Process-2")

    # Every receiver ran and returned normally: the warm-up's failure did not escape.
    assert dict(responses)[receivers.warm_worker_pool] is None
    assert [response for _, response in responses] == [None] * len(responses)
    (failure,) = [entry for entry in logs if entry["event"] == "cpu.worker_warm_up_failed"]
    assert failure["log_level"] == "error"
    assert failure["proc_name"] == "Process-2"


def test_a_starting_worker_queues_again_what_a_dead_worker_of_this_host_held() -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    lost = job_record(status="running", attempts=1, claimed_by=f"{this_host()}{gone.pid}")

    warmed_pools("Process-4")

    lost.refresh_from_db()
    assert (lost.status, lost.error_type) == ("queued", "WorkerLost")
