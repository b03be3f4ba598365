"""The cap on subinterpreter jobs abandoned after their timeout (MAX_ABANDONED_INTERPRETERS).

A stuck subinterpreter cannot be stopped; at the cap, this process sends new jobs
elsewhere until the abandoned ones end, so stuck jobs cannot take every core.
"""

import time
from collections.abc import Iterator
from typing import Any

import pytest
import structlog.testing

from interp_exec import CpuJob, JobStatus, get_cpu_port
from interp_exec.core.adapters import abandoned
from interp_exec.core.adapters.interpreters import InterpreterPoolAdapter

STUCK_S = 1.5


def wait_until_none_abandoned() -> None:
    deadline = time.monotonic() + 10
    while abandoned.still_running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert abandoned.still_running() == 0


@pytest.fixture
def cap_of_one(settings: Any) -> Iterator[None]:
    wait_until_none_abandoned()
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "MAX_ABANDONED_INTERPRETERS": 1}
    yield
    wait_until_none_abandoned()


def abandon_one_stuck_job() -> None:
    outcome = get_cpu_port("interpreters").run(
        CpuJob("tests.echo", {"spin_s": STUCK_S}, size=1, timeout_s=0.1)
    )
    assert outcome.status is JobStatus.TIMED_OUT


@pytest.mark.usefixtures("cap_of_one")
@pytest.mark.parametrize("round_", range(2))
def test_at_the_cap_new_jobs_go_to_the_fallback_and_come_back_once_it_clears(
    round_: int,
) -> None:
    with structlog.testing.capture_logs() as logs:
        abandon_one_stuck_job()

    warnings = [e for e in logs if e["event"] == "cpu.interpreters_abandoned"]
    assert [(w["log_level"], w["count"], w["limit"]) for w in warnings] == [("warning", 1, 1)]

    moved = get_cpu_port("interpreters").run(CpuJob("tests.echo", {"i": 1}, size=1))
    assert (moved.status, moved.mode_used) == (JobStatus.OK, "processes")
    assert moved.fallback_reason.startswith("subinterpreters unavailable: 1 subinterpreter job")
    assert "MAX_ABANDONED_INTERPRETERS is 1" in moved.fallback_reason

    wait_until_none_abandoned()
    back = get_cpu_port("interpreters").run(CpuJob("tests.echo", {"i": 2}, size=1))
    assert (back.status, back.mode_used) == (JobStatus.OK, "interpreters")


@pytest.mark.usefixtures("cap_of_one")
def test_at_the_cap_the_bare_interpreters_adapter_refuses_with_the_reason() -> None:
    abandon_one_stuck_job()
    with InterpreterPoolAdapter(max_workers=1) as adapter:
        outcome = adapter.run(CpuJob("tests.echo", {"i": 1}, size=1))
    assert outcome.status is JobStatus.REFUSED
    assert outcome.error_type == "WorkersUnavailable"
    assert "still running in this process" in outcome.error_message


def test_below_the_cap_a_timed_out_job_changes_nothing(settings: Any) -> None:
    wait_until_none_abandoned()
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "MAX_ABANDONED_INTERPRETERS": 2}
    with structlog.testing.capture_logs() as logs:
        abandon_one_stuck_job()
    assert not [e for e in logs if e["event"] == "cpu.interpreters_abandoned"]
    after = get_cpu_port("interpreters").run(CpuJob("tests.echo", {"i": 1}, size=1))
    assert after.mode_used == "interpreters"
    wait_until_none_abandoned()
