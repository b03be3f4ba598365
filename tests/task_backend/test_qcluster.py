"""Tasks enqueued here run in a real qcluster, in every mode, and end the same."""

import time
from datetime import timedelta
from typing import Any

import pytest
from django.tasks import TaskResult, TaskResultStatus
from django.utils import timezone

from interp_exec.models import CpuJobRecord, DispatchLog
from interp_exec.routing.flag_policy import flag_name
from interp_exec.task_queue.sweep import sweep_expired_jobs
from tests.flag_helpers import set_flag
from tests.qcluster import QCluster, wait_out_flag_refresh
from tests.task_backend import tasks, unsafe_tasks

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

MODES = ("inline", "interpreters", "processes")
FINISH_WITHIN_S = 60


def route(task: Any, mode: str) -> None:
    set_flag(flag_name(task.module_path), everyone=True, mode=mode, min_task_size=0)


def wait_until_finished(result: TaskResult[..., Any], cluster: QCluster) -> TaskResult[..., Any]:
    deadline = time.monotonic() + FINISH_WITHIN_S
    while not result.is_finished:
        cluster.assert_alive()
        if time.monotonic() > deadline:
            pytest.fail(f"task {result.id} still {result.status}; qcluster log:\n{cluster.log()}")
        time.sleep(0.2)
        result.refresh()
    return result


def ending(result: TaskResult[..., Any]) -> tuple[Any, ...]:
    """What a caller sees of a finished task, with no time, pid or frame in it."""
    value = result.return_value if result.status == TaskResultStatus.SUCCESSFUL else None
    errors = [(e.exception_class_path, e.traceback.strip().splitlines()[-1]) for e in result.errors]
    return result.status, value, errors, result.attempts


def test_tasks_end_the_same_in_every_mode_run_once_and_logged(qcluster: QCluster) -> None:
    endings: dict[str, list[tuple[Any, ...]]] = {}
    for mode in MODES:
        for task in (tasks.add, tasks.word_lengths, tasks.fail, tasks.returns_a_set):
            route(task, mode)
        wait_out_flag_refresh()
        results: list[TaskResult[..., Any]] = [
            tasks.add.enqueue(3, b=4),
            tasks.word_lengths.enqueue(["aa", "b", "ccc"], minimum=2),
            tasks.fail.enqueue("no luck"),
            tasks.returns_a_set.enqueue(),
        ]
        finished = [wait_until_finished(result, qcluster) for result in results]
        for result in finished:
            record = CpuJobRecord.objects.get(pk=result.id)
            assert (record.mode_requested, record.mode_used, record.fallback_reason) == (
                mode,
                mode,
                "",
            )
            [log] = DispatchLog.objects.filter(dispatch_id=record.dispatch_id)
            assert (log.workload, log.mode_used, log.status) == (
                record.workload,
                mode,
                record.status,
            )
            assert result.worker_ids == [record.claimed_by]
        endings[mode] = [ending(result) for result in finished]

    assert endings["interpreters"] == endings["inline"] == endings["processes"]
    added, lengths, failed, unreturnable = endings["inline"]
    assert added == (TaskResultStatus.SUCCESSFUL, {"sum": 7, "product": 12}, [], 1)
    assert lengths == (TaskResultStatus.SUCCESSFUL, [2, 3], [], 1)
    assert failed == (
        TaskResultStatus.FAILED,
        None,
        [("tests.task_backend.tasks.TaskFailure", "tests.task_backend.tasks.TaskFailure: no luck")],
        1,
    )
    assert unreturnable[0] == TaskResultStatus.FAILED
    [(error_class, message)] = unreturnable[2]
    assert error_class == "builtins.TypeError"
    assert "returned a value that is not JSON serializable as a result" in message


def test_a_task_whose_module_cannot_load_in_a_subinterpreter_runs_in_processes_saying_why(
    qcluster: QCluster,
) -> None:
    route(unsafe_tasks.mean, "interpreters")
    wait_out_flag_refresh()

    result = wait_until_finished(unsafe_tasks.mean.enqueue([1.0, 2.0, 6.0]), qcluster)

    record = CpuJobRecord.objects.get(pk=result.id)
    assert (result.status, result.return_value) == (TaskResultStatus.SUCCESSFUL, 3.0)
    assert (record.mode_requested, record.mode_used) == ("interpreters", "processes")
    assert "import tests.task_backend.unsafe_tasks fails in a subinterpreter" in (
        record.fallback_reason
    )
    assert "numpy" in record.fallback_reason
    log = DispatchLog.objects.get(dispatch_id=record.dispatch_id)
    assert (log.mode_used, log.fallback_reason) == ("processes", record.fallback_reason)


def test_a_deferred_task_runs_after_its_time_once_the_sweep_sends_it(qcluster: QCluster) -> None:
    route(tasks.add, "interpreters")
    run_after = timezone.now() + timedelta(seconds=1)

    result = tasks.add.using(run_after=run_after).enqueue(5, b=5)

    assert sweep_expired_jobs().due == []
    while timezone.now() <= run_after:
        time.sleep(0.05)
    assert sweep_expired_jobs().due == [result.id]
    wait_until_finished(result, qcluster)
    assert result.return_value == {"sum": 10, "product": 25}
    assert result.started_at is not None
    assert result.started_at > run_after
