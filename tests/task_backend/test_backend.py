"""The backend against Django's own expectations, in the shape of Django's tests for its
Immediate and Dummy backends; jobs run here through ``run_cpu_job`` (the django-q2
task) in this process. ``test_qcluster`` runs them in a real worker in every mode."""

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import transaction
from django.tasks import (
    TaskResult,
    TaskResultStatus,
    default_task_backend,
    task,
    task_backends,
)
from django.tasks.exceptions import InvalidTask, TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.test import override_settings
from django.utils import timezone

from episodic_site.workloads.transcript import readability
from interp_exec.core.domain import PayloadTooLarge
from interp_exec.models import CpuJobRecord, DispatchLog, ExecutorFlag
from interp_exec.routing.flag_policy import flag_name
from interp_exec.task_backend import CpuTaskBackend
from interp_exec.task_queue.drain import run_cpu_job
from interp_exec.task_queue.job_claims import claim, claim_queued, worker_name
from interp_exec.task_queue.sweep import sweep_expired_jobs
from tests.factories import job_record
from tests.flag_helpers import set_flag
from tests.task_backend import tasks

BACKEND = "interp_exec.task_backend.CpuTaskBackend"


def stored(result: TaskResult[..., Any]) -> CpuJobRecord:
    return CpuJobRecord.objects.get(pk=result.id)


def run(result: TaskResult[..., Any]) -> TaskResult[..., Any]:
    """What a worker does with the job's delivery, then the result as a caller reads it."""
    run_cpu_job(result.id)
    return default_task_backend.get_result(result.id)


@pytest.fixture
def enqueue(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> Callable[..., TaskResult[..., Any]]:
    """Enqueue in the test's transaction and run what waits for its commit, as a
    committed request would (the store, then the django-q2 task)."""

    def enqueue_now(task_: Any, *args: Any, **kwargs: Any) -> TaskResult[..., Any]:
        with django_capture_on_commit_callbacks(execute=True):
            result: TaskResult[..., Any] = task_.enqueue(*args, **kwargs)
        return default_task_backend.get_result(result.id)

    return enqueue_now


@pytest.fixture
def received() -> Iterator[list[tuple[str, TaskResult[..., Any]]]]:
    """Every task signal sent while the test runs, with its result."""
    seen: list[tuple[str, TaskResult[..., Any]]] = []
    receivers = {}
    for name, signal in (
        ("enqueued", task_enqueued),
        ("started", task_started),
        ("finished", task_finished),
    ):

        def receiver(
            sender: type, task_result: TaskResult[..., Any], _name: str = name, **_: Any
        ) -> None:
            assert sender is CpuTaskBackend
            seen.append((_name, task_result))

        receivers[signal] = receiver
        signal.connect(receiver)
    yield seen
    for signal, receiver in receivers.items():
        signal.disconnect(receiver)


def test_the_site_uses_this_backend_with_what_it_supports() -> None:
    backend = task_backends["default"]

    assert isinstance(backend, CpuTaskBackend)
    assert default_task_backend.alias == "default"
    assert (backend.supports_defer, backend.supports_get_result, backend.supports_priority) == (
        True,
        True,
        True,
    )
    assert backend.supports_async_task is False
    assert backend.enqueue_on_commit is True


def test_enqueue_stores_a_task_job_and_its_flag(
    enqueue: Callable[..., TaskResult[..., Any]],
) -> None:
    result = enqueue(tasks.add, 2, b=3)

    record = stored(result)
    assert result.status == TaskResultStatus.READY
    assert (result.args, result.kwargs, result.task, result.backend) == (
        [2],
        {"b": 3},
        tasks.add,
        "default",
    )
    assert (result.started_at, result.finished_at, result.errors, result.worker_ids) == (
        None,
        None,
        [],
        [],
    )
    assert result.enqueued_at == record.created_at
    with pytest.raises(ValueError, match="Task has not finished yet"):
        result.return_value  # noqa: B018
    assert (record.workload, record.task_backend, record.task_queue, record.status) == (
        "tests.task_backend.tasks.add",
        "default",
        "default",
        "queued",
    )
    assert record.payload == {"args": [2], "kwargs": {"b": 3}}
    assert record.size == len('{"args": [2], "kwargs": {"b": 3}}')
    assert record.task_id, "its django-q2 task was not sent"
    # Inactive (created on first use, or after a migrate once registered): its jobs
    # run inline until an admin turns it on.
    flag = ExecutorFlag.objects.get(name="cpu.tests.task_backend.tasks.add")
    assert (flag.everyone, flag.superusers) == (None, False)


def test_a_task_runs_and_its_result_is_read_back(
    enqueue: Callable[..., TaskResult[..., Any]],
) -> None:
    result = run(enqueue(tasks.add, 6, b=7))

    record = stored(result)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"sum": 13, "product": 42}
    assert result.is_finished
    assert result.worker_ids == [worker_name()]
    assert result.attempts == record.attempts == 1
    assert result.started_at == result.last_attempted_at == record.started_at
    assert result.finished_at == record.finished_at
    assert result.enqueued_at is not None
    assert result.started_at is not None
    assert result.finished_at is not None
    assert result.enqueued_at <= result.started_at <= result.finished_at
    assert record.mode_used == "inline"


def test_get_result_and_aget_result_and_refresh(
    enqueue: Callable[..., TaskResult[..., Any]],
) -> None:
    result = enqueue(tasks.word_lengths, ["a", "bb", "ccc"], minimum=2)
    run_cpu_job(result.id)

    again = default_task_backend.get_result(result.id)
    asynchronously = async_to_sync(default_task_backend.aget_result)(result.id)
    by_task = tasks.word_lengths.get_result(result.id)

    assert result.status == TaskResultStatus.READY
    result.refresh()
    for read in (result, again, asynchronously, by_task):
        assert (read.status, read.return_value) == (TaskResultStatus.SUCCESSFUL, [2, 3])
        assert read.task.priority == 10  # the decorator's priority, read back
    assert again.task == tasks.word_lengths


def test_a_missing_result_does_not_exist(enqueue: Callable[..., TaskResult[..., Any]]) -> None:
    workload_job = job_record()

    for missing in (str(uuid.uuid4()), "123", str(workload_job.pk)):
        with pytest.raises(TaskResultDoesNotExist):
            default_task_backend.get_result(missing)
        with pytest.raises(TaskResultDoesNotExist):
            async_to_sync(default_task_backend.aget_result)(missing)


def test_a_task_that_raises_fails_with_its_error_type_and_traceback(
    enqueue: Callable[..., TaskResult[..., Any]],
) -> None:
    result = run(enqueue(tasks.fail, "no luck"))

    assert result.status == TaskResultStatus.FAILED
    with pytest.raises(ValueError, match="Task failed"):
        result.return_value  # noqa: B018
    [error] = result.errors
    assert error.exception_class_path == "tests.task_backend.tasks.TaskFailure"
    assert error.exception_class is tasks.TaskFailure
    assert "raise TaskFailure(message)" in error.traceback
    assert error.traceback.rstrip().endswith("TaskFailure: no luck")


def test_a_task_that_returns_what_json_cannot_hold_fails_saying_so(
    enqueue: Callable[..., TaskResult[..., Any]],
) -> None:
    result = run(enqueue(tasks.returns_a_set))

    record = stored(result)
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class is TypeError
    assert record.error_message.startswith(
        "returns_a_set.func returned a value that is not JSON serializable as a result"
    )
    assert "Object of type set" in record.error_message


def test_a_task_whose_code_is_gone_fails_saying_why(
    enqueue: Callable[..., TaskResult[..., Any]],
) -> None:
    result = enqueue(tasks.add, 1)
    CpuJobRecord.objects.filter(pk=result.id).update(workload="tests.task_backend.tasks.gone")

    assert run_cpu_job(result.id) == "failed"

    record = stored(result)
    assert (record.status, record.error_type) == ("failed", "ImportError")
    assert "tests.task_backend.tasks.gone" in record.error_message


def test_signals_are_sent_as_the_task_is_stored_started_and_finished(
    enqueue: Callable[..., TaskResult[..., Any]], received: list[tuple[str, TaskResult[..., Any]]]
) -> None:
    result = run(enqueue(tasks.add, 1, b=1))

    assert [name for name, _ in received] == ["enqueued", "started", "finished"]
    assert {r.id for _, r in received} == {result.id}
    enqueued, started, finished = (r for _, r in received)
    assert enqueued.status == TaskResultStatus.READY
    assert started.status == TaskResultStatus.RUNNING
    assert (finished.status, finished.return_value) == (
        TaskResultStatus.SUCCESSFUL,
        result.return_value,
    )


def test_a_deferred_task_waits_for_its_time_and_the_sweep_sends_it(
    enqueue: Callable[..., TaskResult[..., Any]],
) -> None:
    run_after = timezone.now() + timedelta(hours=1)
    result = enqueue(tasks.add.using(run_after=run_after), 4)

    record = stored(result)
    assert (record.run_after, record.queued_at, record.task_id) == (run_after, run_after, "")
    assert result.task.run_after == run_after
    # A delivery before its time (a resend) does not run it; nor does the sweep send it.
    assert run_cpu_job(result.id) == "not run: the job is queued"
    assert sweep_expired_jobs().due == []

    CpuJobRecord.objects.filter(pk=result.id).update(
        run_after=timezone.now() - timedelta(seconds=1)
    )
    report = sweep_expired_jobs()

    assert report.due == [result.id]
    assert stored(result).task_id, "the sweep did not send its task"
    assert sweep_expired_jobs().due == []  # sent once
    assert run(result).return_value == {"sum": 4, "product": 0}


@pytest.mark.django_db(transaction=True)
def test_enqueue_waits_for_the_commit_by_default(
    received: list[tuple[str, TaskResult[..., Any]]],
) -> None:
    with transaction.atomic():
        result = tasks.add.enqueue(1)
        assert result.enqueued_at is None
        assert not CpuJobRecord.objects.exists()
        assert received == []

    assert stored(result).task_id
    assert [name for name, _ in received] == ["enqueued"]
    result.refresh()
    assert result.enqueued_at is not None

    with transaction.atomic():
        tasks.add.enqueue(2)
        transaction.set_rollback(True)
    assert CpuJobRecord.objects.count() == 1, "a rolled-back enqueue stored a job"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": BACKEND, "ENQUEUE_ON_COMMIT": False}})
def test_without_enqueue_on_commit_it_is_stored_at_once_and_sent_after_commit() -> None:
    backend = task_backends["default"]
    assert isinstance(backend, CpuTaskBackend)
    assert backend.enqueue_on_commit is False
    with transaction.atomic():
        result = tasks.add.enqueue(1)
        assert result.enqueued_at is not None
        assert default_task_backend.get_result(result.id).status == TaskResultStatus.READY
        # Its worker must find the record: the django-q2 task waits for the commit.
        assert stored(result).task_id == ""

    assert stored(result).task_id


@override_settings(
    TASKS={
        "default": {"BACKEND": BACKEND, "OPTIONS": {"MODES": {tasks.add.module_path: "processes"}}}
    }
)
def test_a_mode_in_the_settings_seeds_the_flag_made_on_first_use(
    enqueue: Callable[..., TaskResult[..., Any]],
) -> None:
    # Flags of registered workloads may exist already (made after each migrate).
    ExecutorFlag.objects.filter(name__startswith="cpu.tests.task_backend.").delete()
    enqueue(tasks.add, 1)
    enqueue(tasks.word_lengths, ["x"])

    added = ExecutorFlag.objects.get(name="cpu.tests.task_backend.tasks.add")
    other = ExecutorFlag.objects.get(name="cpu.tests.task_backend.tasks.word_lengths")
    assert (added.everyone, added.mode) == (True, "processes")
    assert other.everyone is None


def plain_function(value: int) -> int:
    return value


async def coroutine_function() -> None:
    return None


def context_function(context: Any) -> None:
    return None


def refusals() -> list[tuple[str, Callable[[], Any]]]:
    """What cannot run, each a call that must raise Django's ``InvalidTask``."""

    def nested() -> None:
        return None

    return [
        ("must be defined at a module level", lambda: task(nested)),
        ("not a lambda", lambda: task(LAMBDA)),
        ("does not support async", lambda: task(coroutine_function)),
        ("TaskContext cannot go", lambda: task(takes_context=True)(context_function)),
        ("priority must be a whole number", lambda: tasks.add.using(priority=101)),
        (
            "run_after must be an aware datetime",
            lambda: tasks.add.using(run_after=datetime(2030, 1, 1)),
        ),
        ("Queue 'elsewhere' is not valid", lambda: tasks.add.using(queue_name="elsewhere")),
        (
            "is a function, not a django.tasks Task",
            lambda: default_task_backend.enqueue(
                default_task_backend.task_class(func=plain_function), [1], {}
            ),
        ),
    ]


LAMBDA = lambda: None  # noqa: E731 - the refused kind of task function


@pytest.mark.parametrize(("message", "attempt"), refusals(), ids=[m for m, _ in refusals()])
def test_what_cannot_run_is_refused_with_invalid_task_and_nothing_is_stored(
    message: str, attempt: Callable[[], Any]
) -> None:
    with pytest.raises(InvalidTask, match=message):
        attempt()

    assert not CpuJobRecord.objects.exists()


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((object(),), TypeError, "Unsupported type"),
        ((float("nan"),), ValueError, "not JSON-compatible"),
        ((b"\xff",), ValueError, "Unsupported value"),
    ],
)
def test_arguments_json_cannot_hold_are_refused_and_nothing_is_stored(
    enqueue: Callable[..., TaskResult[..., Any]],
    args: tuple[Any, ...],
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        enqueue(tasks.add, *args)

    assert not CpuJobRecord.objects.exists()


def test_arguments_over_the_payload_limit_are_refused(
    enqueue: Callable[..., TaskResult[..., Any]],
) -> None:
    set_flag("cpu.tests.task_backend.tasks.add", max_payload_bytes=100)

    with pytest.raises(PayloadTooLarge, match="over the limit of 100"):
        enqueue(tasks.add, "x" * 200)

    assert not CpuJobRecord.objects.exists()


def test_the_demo_site_task_runs(enqueue: Callable[..., TaskResult[..., Any]]) -> None:
    from episodic_site.tasks import transcript_readability

    text = "The cat sat on the mat. It was a sunny day."
    result = run(enqueue(transcript_readability, text))

    assert result.return_value == readability({"text": text})
    assert result.return_value["words"] == 11


def test_a_task_below_its_flags_threshold_runs_inline_saying_why(
    enqueue: Callable[..., TaskResult[..., Any]],
) -> None:
    """A task job's size is the JSON bytes of its arguments, compared with min_task_size."""
    set_flag(
        flag_name(tasks.add.module_path), everyone=True, mode="interpreters", min_task_size=10_000
    )

    result = run(enqueue(tasks.add, 1, b=2))

    record = stored(result)
    assert result.return_value == {"sum": 3, "product": 2}
    assert (record.mode_requested, record.mode_used) == ("interpreters", "inline")
    assert record.fallback_reason.startswith(f"size {record.size} is below min_task_size 10000")
    log = DispatchLog.objects.get(dispatch_id=record.dispatch_id)
    assert log.fallback_reason == record.fallback_reason


def test_higher_priority_task_jobs_are_claimed_first_and_none_before_its_time(
    enqueue: Callable[..., TaskResult[..., Any]],
) -> None:
    later = enqueue(tasks.add.using(run_after=timezone.now() + timedelta(hours=1)), 0)
    low = enqueue(tasks.add.using(priority=-5), 1)
    high = enqueue(tasks.add.using(priority=50), 2)
    usual = enqueue(tasks.add, 3)

    claimed = claim_queued({tasks.add.module_path: [(0, None)]}, limit=10)

    assert [job.pk for job in claimed] == [uuid.UUID(r.id) for r in (high, usual, low)]
    assert all(job.is_task for job in claimed)
    assert default_task_backend.get_result(later.id).status == TaskResultStatus.READY


def test_each_attempt_adds_its_worker(enqueue: Callable[..., TaskResult[..., Any]]) -> None:
    result = enqueue(tasks.add, 1)
    first = claim(result.id)
    # Its worker died: the lease ran out, and another delivery takes the job over.
    CpuJobRecord.objects.filter(pk=result.id).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    second = claim(result.id)

    result.refresh()
    assert (first is not None, second is not None) == (True, True)
    assert result.worker_ids == [worker_name(), worker_name()]
    assert result.attempts == stored(result).attempts == 2
    assert result.status == TaskResultStatus.RUNNING


def test_aenqueue_stores_the_task_too(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = async_to_sync(tasks.add.aenqueue)(8, b=1)

    assert stored(result).workload == tasks.add.module_path
    assert async_to_sync(tasks.add.aget_result)(result.id).args == [8]


def test_a_receiver_that_raises_does_not_fail_the_task(
    enqueue: Callable[..., TaskResult[..., Any]], received: list[tuple[str, TaskResult[..., Any]]]
) -> None:
    def broken(**_: Any) -> None:
        raise RuntimeError("a receiver's own bug")

    task_finished.connect(broken)
    try:
        result = run(enqueue(tasks.add, 2, b=2))
    finally:
        task_finished.disconnect(broken)

    assert result.status == TaskResultStatus.SUCCESSFUL
    assert [name for name, _ in received] == ["enqueued", "started", "finished"]


def test_a_task_whose_workers_keep_dying_fails_and_finished_is_sent(
    enqueue: Callable[..., TaskResult[..., Any]], received: list[tuple[str, TaskResult[..., Any]]]
) -> None:
    result = enqueue(tasks.add, 1)
    CpuJobRecord.objects.filter(pk=result.id).update(
        status="running",
        attempts=3,
        claimed_by="elsewhere:1",
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )

    assert sweep_expired_jobs().failed == [result.id]

    name, finished = received[-1]
    assert (name, finished.status) == ("finished", TaskResultStatus.FAILED)
    [error] = finished.errors
    assert error.exception_class_path == "interp_exec.task_backend.results.TaskJobFailed"
    assert "died 3 times" in error.traceback
