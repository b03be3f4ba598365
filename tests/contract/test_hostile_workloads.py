"""Hostile workloads cannot take a worker down, in any mode, through any entry point.

Each hostile job must end as an outcome that names what it did, and the next
normal job on the same port must run: the worker (the host itself inline, a pool's
thread or process) is still there.
"""

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django_q.exceptions import TimeoutException

from interp_exec import CpuJob, ExecutorMode, JobOutcome, JobStatus, get_cpu_port
from interp_exec.core.adapters import abandoned
from interp_exec.core.adapters.by_mode import ADAPTER_CLASSES
from interp_exec.core.domain import CpuTaskPort

MODES = list(ExecutorMode)

# workload -> the type name and message its outcome must show
ENDS_ITS_WORKER = {
    "tests.exit": ("SystemExit", "exit 7"),
    "tests.interrupt": ("KeyboardInterrupt", "interrupt 7"),
    "tests.generator_exit": ("GeneratorExit", "generator exit 7"),
}


def run_one(port: CpuTaskPort, job: CpuJob) -> JobOutcome:
    return port.run(job)


def map_one(port: CpuTaskPort, job: CpuJob) -> JobOutcome:
    return port.map([job])[0]


def stream_one(port: CpuTaskPort, job: CpuJob) -> JobOutcome:
    outcomes = [outcome for batch in port.stream([("only", job)]) for _, outcome in batch]
    assert len(outcomes) == 1
    return outcomes[0]


ENTRY_POINTS: dict[str, Callable[[CpuTaskPort, CpuJob], JobOutcome]] = {
    "run": run_one,
    "map": map_one,
    "stream": stream_one,
}


@pytest.fixture(autouse=True)
def no_abandoned_interpreters_left() -> Iterator[None]:
    """A stuck subinterpreter job spins on after its test; later tests must not count it."""
    yield
    deadline = time.monotonic() + 10
    while abandoned.still_running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert abandoned.still_running() == 0


def assert_the_port_still_works(port: CpuTaskPort) -> None:
    after = port.map([CpuJob("tests.echo", {"i": i}, size=1) for i in range(3)])
    assert [(o.status, o.value) for o in after] == [(JobStatus.OK, {"i": i}) for i in range(3)]


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
@pytest.mark.parametrize("workload", list(ENDS_ITS_WORKER))
@pytest.mark.parametrize("mode", MODES, ids=str)
def test_a_job_that_tries_to_end_its_worker_fails_by_its_real_type(
    mode: ExecutorMode, workload: str, entry: str
) -> None:
    port = get_cpu_port(mode)
    outcome = ENTRY_POINTS[entry](port, CpuJob(workload, {"seed": 7}, size=1))

    error_type, message = ENDS_ITS_WORKER[workload]
    assert outcome.status is JobStatus.FAILED
    assert outcome.mode_used == mode.value
    assert outcome.error_type == error_type
    assert message in outcome.error_message
    assert "a job cannot end its worker" in outcome.error_message
    assert error_type in outcome.error_traceback
    assert_the_port_still_works(port)


@pytest.mark.parametrize("adapter_mode", list(ADAPTER_CLASSES))
def test_a_bare_adapter_keeps_good_neighbours_of_a_job_that_exits(
    adapter_mode: ExecutorMode,
) -> None:
    with ADAPTER_CLASSES[adapter_mode](max_workers=2) as adapter:
        outcomes = adapter.map(
            [
                CpuJob("tests.echo", {"i": 0}, size=1),
                CpuJob("tests.exit", {"seed": 1}, size=1),
                CpuJob("tests.interrupt", {"seed": 2}, size=1),
                CpuJob("tests.echo", {"i": 3}, size=1),
            ]
        )
        assert [o.error_type for o in outcomes] == ["", "SystemExit", "KeyboardInterrupt", ""]
        assert [outcomes[0].value, outcomes[3].value] == [{"i": 0}, {"i": 3}]


def test_django_q2s_own_timeout_passes_through_an_inline_job() -> None:
    """The drain must see it: the task queue is stopping the task, not the job failing."""
    with pytest.raises(TimeoutException, match="task queue timeout"):
        get_cpu_port("inline").run(CpuJob("tests.host_stop", {"seed": 1}, size=1))
    assert_the_port_still_works(get_cpu_port("inline"))


def test_django_q2s_timeout_raised_in_a_worker_process_is_the_jobs_failure() -> None:
    port = get_cpu_port("processes")
    outcome = port.run(CpuJob("tests.host_stop", {"seed": 1}, size=1))
    assert outcome.status is JobStatus.FAILED
    assert outcome.error_type == "TimeoutException"
    assert_the_port_still_works(port)


@pytest.mark.parametrize("round_", range(3))
def test_a_job_that_kills_its_process_alone_fails_and_is_not_run_twice(
    tmp_path: Path, round_: int
) -> None:
    runs = tmp_path / "runs"
    port = get_cpu_port("processes")

    outcome = port.run(CpuJob("tests.crash_once", {"runs": str(runs)}, size=1))

    assert outcome.status is JobStatus.FAILED
    assert outcome.error_type == "BrokenProcessPool"
    assert "while running this job alone; it was not run again" in outcome.error_message
    assert runs.read_text().splitlines() == ["ran"]
    assert_the_port_still_works(port)


def test_innocent_neighbours_of_a_job_that_kills_its_process_still_finish(
    tmp_path: Path,
) -> None:
    port = get_cpu_port("processes")
    outcomes = port.map(
        [
            CpuJob("tests.echo", {"i": 0, "spin_s": 0.3}, size=1),
            CpuJob("tests.crash_once", {"runs": str(tmp_path / "runs")}, size=1),
            CpuJob("tests.echo", {"i": 2}, size=1),
        ]
    )
    assert [o.status for o in outcomes] == [JobStatus.OK, JobStatus.FAILED, JobStatus.OK]
    assert [outcomes[0].value["i"], outcomes[2].value["i"]] == [0, 2]
    assert_the_port_still_works(port)


@pytest.mark.parametrize("mode", MODES, ids=str)
def test_a_stuck_job_times_out_and_the_next_job_runs(mode: ExecutorMode) -> None:
    port = get_cpu_port(mode)
    stuck = port.run(CpuJob("tests.echo", {"spin_s": 0.8}, size=1, timeout_s=0.2))
    assert stuck.status is JobStatus.TIMED_OUT
    assert_the_port_still_works(port)


@pytest.mark.parametrize("mode", MODES, ids=str)
def test_a_result_that_is_not_json_fails_and_the_next_job_runs(mode: ExecutorMode) -> None:
    port = get_cpu_port(mode)
    outcome = port.run(CpuJob("tests.not_json_result", {"seed": 1}, size=1))
    assert (outcome.status, outcome.error_type) == (JobStatus.FAILED, "TypeError")
    assert_the_port_still_works(port)


@pytest.mark.parametrize("mode", MODES, ids=str)
def test_a_job_that_runs_out_of_memory_fails_and_the_next_job_runs(mode: ExecutorMode) -> None:
    port = get_cpu_port(mode)

    hog = port.run(CpuJob("tests.memory_hog", {"mib": 64}, size=1))
    after = port.run(CpuJob("tests.echo", {"after": "the hog"}, size=1))

    assert (hog.status, hog.error_type, hog.mode_used) == ("failed", "MemoryError", mode.value)
    assert (after.status, after.value) == ("ok", {"after": "the hog"})
