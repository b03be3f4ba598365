"""Through the queue: a job that tries to end its worker is recorded failed on its first
run, by what it raised, and the worker goes on to the next job; a job whose worker was
lost runs again only in processes, where it can end nothing but its own child."""

import pytest
from django_q.exceptions import TimeoutException

from interp_exec.models import CpuJobRecord
from interp_exec.routing.flag_policy import flag_name
from interp_exec.task_queue.drain import run_cpu_job
from tests.factories import job_record
from tests.flag_helpers import set_flag

MODES = ["inline", "interpreters", "processes"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("workload", "error_type"),
    [
        ("tests.exit", "SystemExit"),
        ("tests.interrupt", "KeyboardInterrupt"),
        ("tests.generator_exit", "GeneratorExit"),
    ],
)
def test_a_job_that_tries_to_end_its_worker_fails_once_and_the_next_job_runs(
    mode: str, workload: str, error_type: str
) -> None:
    set_flag(flag_name(workload), mode=mode, everyone=True, min_task_size=0)
    hostile = job_record(workload, size=1, seed=3)

    assert run_cpu_job(str(hostile.pk)) == "failed"

    hostile.refresh_from_db()
    assert (hostile.status, hostile.attempts, hostile.error_type) == ("failed", 1, error_type)
    assert "exit 3" in hostile.error_message or "interrupt 3" in hostile.error_message
    assert hostile.mode_used == mode
    normal = job_record("tests.echo", size=1, seed=4)
    assert run_cpu_job(str(normal.pk)) == "ok"


def test_the_task_queues_own_timeout_still_stops_an_inline_job() -> None:
    """django-q2's TimeoutException is a SystemExit: it must reach the drain, not be
    taken for the job's own failure."""
    record = job_record("tests.host_stop", size=1, seed=1)

    with pytest.raises(TimeoutException):
        run_cpu_job(str(record.pk))

    record.refresh_from_db()
    assert (record.status, record.error_type) == ("timed_out", "TimeoutException")
    assert CpuJobRecord.objects.filter(status="running").count() == 0


def test_a_job_whose_worker_was_lost_runs_again_only_in_processes() -> None:
    """Its flag says interpreters, where os._exit ends the whole worker; its first run's
    worker is gone (the sweep queued it again, attempts 1), so this run is isolated."""
    set_flag(flag_name("tests.exit_process"), mode="interpreters", everyone=True, min_task_size=0)
    record = job_record("tests.exit_process", size=1, seed=1, attempts=1)

    assert run_cpu_job(str(record.pk)) == "failed"

    record.refresh_from_db()
    assert (record.attempts, record.mode_requested, record.mode_used) == (
        2,
        "interpreters",
        "processes",
    )
    assert record.fallback_reason.startswith("isolated: ")
    assert "while running this job alone; it was not run again" in record.error_message
    normal = job_record("tests.echo", size=1, seed=4)
    assert run_cpu_job(str(normal.pk)) == "ok"
