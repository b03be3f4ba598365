"""Jobs queued in the subinterpreter pool behind busy workers (``queued_per_worker``).

A worker that ends a job takes the next at once, so a job may wait in the pool's
queue before it starts: its timeout still runs from its start, a job waiting
behind a stuck one runs on the pool that replaces it, a finished job goes back to
the caller before the stream takes more while the worker is busy, and a stream
stopped early leaves no waiting job to run for nobody.
"""

from collections.abc import Generator, Iterator
from pathlib import Path
from typing import cast

import pytest

from interp_exec import CpuJob, JobStatus
from interp_exec.core.adapters import abandoned
from interp_exec.core.adapters.interpreters import InterpreterPoolAdapter
from interp_exec.core.domain import JobOutcome
from tests.contract.test_abandoned_interpreters import wait_until_none_abandoned

# Each test races a worker against the host thread: repeated, so a flaky one shows.
ROUNDS = 3


@pytest.fixture
def one_worker() -> Iterator[InterpreterPoolAdapter]:
    """A pool of one worker, so the second job of a batch always waits for the first."""
    adapter = InterpreterPoolAdapter(max_workers=1)
    adapter.warm()
    yield adapter
    wait_until_none_abandoned()
    adapter.shutdown()


def echo(timeout_s: float | None = None, **payload: object) -> CpuJob:
    return CpuJob("tests.echo", payload, size=1, timeout_s=timeout_s)


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_waiting_job_is_timed_from_its_start_not_its_submission(
    one_worker: InterpreterPoolAdapter, round_: int
) -> None:
    # The second job waits about 0.6 s for the worker, longer than its timeout.
    first, second = one_worker.map([echo(spin_s=0.6, i=1), echo(timeout_s=0.4, spin_s=0.02, i=2)])
    assert (first.status, second.status) == (JobStatus.OK, JobStatus.OK)
    assert (first.value["i"], second.value["i"]) == (1, 2)
    assert second.wait_ms > 400  # it did wait for the worker, in the pool's queue


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_stuck_job_waiting_for_a_worker_is_stopped_once_it_started(
    one_worker: InterpreterPoolAdapter, round_: int
) -> None:
    # Nothing else in flight has a timeout: the stream must still wake for this one.
    first, stuck = one_worker.map([echo(spin_s=0.3, i=1), echo(timeout_s=0.2, spin_s=1.5)])
    assert first.status is JobStatus.OK
    assert stuck.status is JobStatus.TIMED_OUT
    assert "was left to finish in the background" in stuck.error_message


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_job_waiting_behind_a_stuck_one_runs_on_the_pool_that_replaces_it(
    one_worker: InterpreterPoolAdapter, round_: int
) -> None:
    stuck, behind = one_worker.map([echo(timeout_s=0.2, spin_s=1.5), echo(i=2)])
    assert stuck.status is JobStatus.TIMED_OUT
    assert (behind.status, behind.value) == (JobStatus.OK, {"i": 2})
    assert abandoned.still_running() == 1  # the stuck job, still spinning on its own


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_finished_job_is_handed_back_before_more_are_taken_while_the_worker_is_busy(
    one_worker: InterpreterPoolAdapter, round_: int
) -> None:
    pulled: list[int] = []

    def jobs() -> Iterator[tuple[int, CpuJob]]:
        for key, spin_s in ((1, 0.05), (2, 0.3), (3, 0.0), (4, 0.0)):
            pulled.append(key)
            yield key, echo(spin_s=spin_s, i=key)

    stream = one_worker.stream(jobs())
    assert [key for key, _ in next(stream)] == [1]
    # Job 2 has the worker: the caller's store (and the claim it makes) comes before
    # the stream reads job 3.
    assert pulled == [1, 2]
    assert [key for batch in stream for key, _ in batch] == [2, 3, 4]


def test_a_stream_stopped_early_leaves_no_waiting_job_to_run(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    jobs = [
        (1, echo(spin_s=0.05)),
        (2, echo(spin_s=0.5)),
        (3, echo(spin_s=0.5)),
        (4, CpuJob("tests.note_run", {"runs": str(runs)}, size=1)),
    ]
    two_workers = InterpreterPoolAdapter(max_workers=2)
    two_workers.warm()
    try:
        stream = cast(Generator[list[tuple[int, JobOutcome]]], two_workers.stream(jobs))
        # Jobs 2 and 3 have the workers, 4 waits for one.
        assert [key for key, _ in next(stream)] == [1]
        stream.close()
        # The pool takes jobs in order: had job 4 been left queued, it would run first.
        assert two_workers.run(echo(i=5)).value == {"i": 5}
        assert not runs.exists()
    finally:
        wait_until_none_abandoned()
        two_workers.shutdown()
