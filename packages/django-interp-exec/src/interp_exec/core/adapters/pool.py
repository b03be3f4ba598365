"""The shared machinery of the executor-backed adapters.

Data flow of ``execute_stream`` (``execute_all`` is the same over a list)::

    source of jobs --pulled only when there is room--> executor.submit(execute_job, ...)
        -> each future, once done, onto the stream's queue (a done callback)
        -> wait on that queue (timeout=nearest deadline), take what else is there
        -> done: reply or error -> RunResult; overdue: timed_out, the executor is
           abandoned and a fresh one takes its place
        -> broken pool: the jobs it ran are run again one at a time on a fresh one
        -> the finished batch yielded, then free places refilled from the source
           (refilled first while a worker is idle: the batch's bookkeeping then
           overlaps its work)

At most ``max_workers`` jobs are in flight, plus ``queued_per_worker`` jobs a
worker waiting behind them in an executor that says when each job starts (the
subinterpreter pool's ``SlotFuture``): a worker that finishes a job starts the next
at once instead of idling until the host has collected the result and submitted
another (tiny jobs through the port: +75 us over the bare executor, median of 10
runs, where they were +110). A job's timeout runs from its start either way, so it
measures the job and not the queue ahead of it.
Pulling the source lazily lets a caller claim queued work only as the pool can
start it. With tiny jobs the stream's own round trip is what the pool costs: a
done callback onto a ``SimpleQueue`` is cheaper than ``concurrent.futures.wait``,
which sets up a waiter on every future in flight each time it is called.

A pool is made lazily, once per process (a pool inherited through ``fork`` is not
usable), and replaced when it breaks or when a stuck job had to be abandoned; a
broken or abandoned pool is never reused.

The number of jobs in flight is reported to the pool observers
(``pool_observers``) with the pool's size, so the site can show busy workers:
once a round (jobs collected, free workers refilled), as the net change, and for
a stream stopped early as each of its jobs left running ends. A pool that takes
no jobs (the health check's) sets ``reports_load`` False.

``warm`` starts every worker and waits for each to answer, once per executor: the
dispatcher calls it before it starts a batch's clock, so no job's figures (which
auto mode learns from) include a pool's start-up.
"""

import os
import sys
import threading
import time
from abc import abstractmethod
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import BrokenExecutor, Executor, Future
from dataclasses import dataclass
from queue import Empty, SimpleQueue
from typing import Any, ClassVar

from interp_exec.core.adapters.base import (
    ExecutionAdapter,
    ModuleList,
    error_identity,
    ok_result,
    timed_out_result,
)
from interp_exec.core.adapters.pool_observers import report_pool_load
from interp_exec.core.adapters.worker import WorkerReply, execute_job, ping
from interp_exec.core.domain import JobStatus, PreparedJob, RunResult

# A job whose pool broke under it (a worker crashed, or was killed to stop another,
# stuck job) may be innocent: it runs again on a fresh pool, alone, this many times
# at most. A job that was the only one running on a pool when it broke, not stopped
# by us, is what broke it (it called os._exit, or crashed): it fails and is not run
# again. So a job that kills its process runs once if it ran alone, else twice.
_MAX_RESUBMITS = 1


@dataclass(slots=True)
class InFlight[K]:
    """A job handed to an executor and not collected yet (running, or waiting for a
    worker); ``submitted`` is ``time.perf_counter`` at the hand-over."""

    future: Future[WorkerReply]
    key: K
    prepared: PreparedJob
    executor: Executor
    submitted: float
    attempts: int


def _has_suspect(in_flight: dict[Any, InFlight[Any]]) -> bool:
    return any(entry.attempts for entry in in_flight.values())


def _broke(future: Future[Any]) -> bool:
    """Whether a finished job's executor broke under it."""
    return not future.cancelled() and isinstance(future.exception(), BrokenExecutor)


def _take_done[T](done: SimpleQueue[T], timeout: float | None) -> list[T]:
    """What is on ``done``: waits up to ``timeout`` for the first (None: for ever),
    then takes the rest without waiting; empty if nothing came in time."""
    try:
        taken = [done.get(timeout=timeout)]
    except Empty:
        return []
    while True:
        try:
            taken.append(done.get_nowait())
        except Empty:
            return taken


class PoolAdapter(ExecutionAdapter):
    """An adapter over a ``concurrent.futures`` executor made by a subclass."""

    abandon_note: str = "its worker was abandoned and replaced"
    # Jobs a worker may have waiting behind the one it runs; only for an executor
    # whose futures say when their job started (``_started``).
    queued_per_worker: ClassVar[int] = 0
    # Whether the pool observers hear of this pool: False for a pool that serves no
    # job, which would otherwise count as idle workers in the site's pool gauges.
    reports_load: ClassVar[bool] = True

    def __init__(self, max_workers: int = 1, preload_modules: ModuleList = tuple) -> None:
        super().__init__(max_workers, preload_modules)
        self._lock = threading.Lock()
        self._executor: Executor | None = None
        self._warm_executor: Executor | None = None  # the executor warm() last readied
        self._owner_pid: int | None = None
        self._busy = 0  # jobs in flight in this process, over every stream
        self._shut_down = False

    @abstractmethod
    def _new_executor(self, initargs: tuple[tuple[str, ...], tuple[str, ...]]) -> Executor:
        """Make the executor; it must call ``prepare_worker(*initargs)`` in each worker."""

    @abstractmethod
    def _stop_stuck(self, executor: Executor, stuck: Future[WorkerReply]) -> None:
        """Get rid of an executor whose job ``stuck`` is past its timeout."""

    @abstractmethod
    def _remote_traceback(self, exc: BaseException) -> str:
        """The traceback text of an error raised in a worker."""

    def _error_identity(self, exc: BaseException) -> tuple[str, str]:
        return error_identity(exc)

    def _unavailable(self) -> str:
        """Why this adapter takes no new job in this process now; empty while it does."""
        return ""

    def _started(self, entry: InFlight[Any]) -> float | None:
        """When the job started on a worker (``time.perf_counter``), None while it waits.
        Without jobs queued ahead, a job is submitted only when a worker is free for it."""
        return entry.submitted

    def _deadline(self, entry: InFlight[Any]) -> float | None:
        """When the job is overdue: its timeout after its start; None without a timeout
        or while it waits."""
        timeout_s = entry.prepared.timeout_s
        if timeout_s is None or (started := self._started(entry)) is None:
            return None
        return started + timeout_s

    def _refusal(self, error_type: str, message: str, traceback: str) -> str:
        """A failure that says the worker cannot run such a job at all, in one line
        (see ``RunResult.interpreter_refusal``); empty for any other failure."""
        return ""

    def executor(self) -> Executor:
        with self._lock:
            if self._executor is not None and self._owner_pid == os.getpid():
                return self._executor
            if self._owner_pid != os.getpid():
                self._busy = 0  # the parent's jobs in flight are not this process's
            # Tuples of str: initializer arguments must be shareable with a subinterpreter.
            initargs = (tuple(sys.path), tuple(self._preload_modules()))
            executor = self._executor = self._new_executor(initargs)
            self._owner_pid = os.getpid()
            self._shut_down = False
        self._add_busy(0)
        return executor

    def _add_busy(self, change: int) -> None:
        with self._lock:
            self._busy += change
            busy = self._busy
            size = 0 if self._shut_down else self.max_workers
        if self.reports_load:
            report_pool_load(id(self), self.mode.value, size, busy)

    def warm(self) -> None:
        executor = self.executor()
        if executor is not self._warm_executor:
            self.ping_workers()
            self._warm_executor = executor

    def ping_workers(self) -> None:
        """Send each worker a ping (no workload) and wait for the answers; starts the
        pool first if it is not running."""
        executor = self.executor()
        for future in [executor.submit(ping) for _ in range(self.max_workers)]:
            future.result()

    def shutdown(self, *, wait: bool = True) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
            owned = self._owner_pid == os.getpid()
            self._shut_down = True
        self._add_busy(0)
        if executor is not None and owned:
            executor.shutdown(wait=wait, cancel_futures=not wait)

    def _replace(
        self, executor: Executor, *, stuck: bool, stuck_future: Future[WorkerReply] | None = None
    ) -> None:
        """Retire ``executor`` if it is still the current one; the next job gets a new one."""
        with self._lock:
            if self._executor is executor:
                self._executor = None
        if stuck:
            assert stuck_future is not None
            self._stop_stuck(executor, stuck_future)
        else:
            executor.shutdown(wait=False, cancel_futures=True)

    def execute_stream[K](
        self, source: Iterable[tuple[K, PreparedJob]]
    ) -> Iterator[list[tuple[K, RunResult]]]:
        in_flight: dict[Future[WorkerReply], InFlight[K]] = {}
        try:
            yield from self._run_stream(iter(source), in_flight)
        finally:
            # A caller that stops early leaves jobs running: each counts until it ends
            # (``_run_stream`` has cancelled those that had not started).
            for future in in_flight:
                future.add_done_callback(self._one_less_busy)

    def _one_less_busy(self, _: Future[WorkerReply]) -> None:
        self._add_busy(-1)

    def _run_stream[K](
        self,
        jobs: Iterator[tuple[K, PreparedJob]],
        in_flight: dict[Future[WorkerReply], InFlight[K]],
    ) -> Iterator[list[tuple[K, RunResult]]]:
        """``execute_stream``'s loop; ``in_flight`` is the caller's, to count what is left."""
        resubmits: deque[tuple[K, PreparedJob, int]] = deque()
        # Jobs that were waiting in an executor replaced to stop a stuck job: they never
        # started, so they go again as they were, before the source's next.
        requeued: deque[tuple[K, PreparedJob, int]] = deque()
        finished: list[tuple[K, RunResult]] = []
        stopped: set[Executor] = set()  # replaced by us to stop a stuck job
        done: SimpleQueue[Future[WorkerReply]] = SimpleQueue()  # futures as they end
        capacity = self.max_workers * (1 + self.queued_per_worker)
        reported = 0  # jobs in flight as last reported to the pool observers
        exhausted = False
        try:
            while True:
                # Every worker busy (jobs waiting behind them): finished results go back
                # first, so the caller's bookkeeping (a store that claims the next jobs
                # with it) comes before the refill it provides for, and no worker idles.
                if finished and len(in_flight) >= self.max_workers:
                    yield finished
                    finished = []
                # Else refill the free workers before handing finished results back: the
                # caller's bookkeeping then overlaps the work instead of idling the pool.
                # A job run again after its pool broke runs alone: if it breaks the pool
                # again, it is the one that did, and it is not run a third time.
                while len(in_flight) < capacity and not _has_suspect(in_flight):
                    if resubmits:
                        if in_flight:
                            break
                        key, job, attempts = resubmits.popleft()
                    elif requeued:
                        key, job, attempts = requeued.popleft()
                    elif exhausted or (item := next(jobs, None)) is None:
                        exhausted = True
                        break
                    else:
                        (key, job), attempts = item, 0
                    submitted = self._submit(key, job, attempts)
                    if isinstance(submitted, InFlight):
                        in_flight[submitted.future] = submitted
                        submitted.future.add_done_callback(done.put)
                    else:
                        finished.append((key, submitted))
                # Jobs waiting behind the workers are not busy workers.
                if (busy := min(len(in_flight), self.max_workers)) != reported:
                    self._add_busy(busy - reported)
                    reported = busy
                if finished:
                    yield finished
                    finished = []
                if not in_flight:
                    if exhausted and not resubmits and not requeued:
                        return
                    continue
                ended = _take_done(done, self._wait_s(in_flight.values()))
                now = time.perf_counter()
                # Which jobs ran alone on their executor matters only when one broke.
                running_on = (
                    self._running_on(in_flight.values()) if any(map(_broke, ended)) else Counter()
                )
                for future in ended:
                    entry = in_flight.pop(future, None)
                    if entry is None:
                        continue  # a job given up on after its timeout: already reported
                    if future.cancelled():
                        requeued.append((entry.key, entry.prepared, entry.attempts))
                        continue
                    ran_alone = running_on[entry.executor] == 1 and entry.executor not in stopped
                    result = self._collect(future, entry, now, ran_alone=ran_alone)
                    if result is None:
                        resubmits.append((entry.key, entry.prepared, entry.attempts + 1))
                    else:
                        finished.append((entry.key, result))
                for future, entry in list(in_flight.items()):
                    deadline = self._deadline(entry)
                    if deadline is not None and now >= deadline:
                        del in_flight[future]
                        future.cancel()
                        timeout_s = entry.prepared.timeout_s or 0.0
                        finished.append(
                            (
                                entry.key,
                                timed_out_result(
                                    timeout_s, (now - entry.submitted) * 1000, self.abandon_note
                                ),
                            )
                        )
                        stopped.add(entry.executor)
                        self._replace(entry.executor, stuck=True, stuck_future=future)
        finally:
            # Whatever left the loop: jobs that had not started never will, and the count
            # reported is the jobs still running, which the caller then counts down as
            # each ends.
            for future in [f for f in in_flight if f.cancel()]:
                del in_flight[future]
            if len(in_flight) != reported:
                self._add_busy(len(in_flight) - reported)

    def _wait_s(self, in_flight: Iterable[InFlight[Any]]) -> float | None:
        """How long the stream may wait for a job to end before one of them is overdue
        (None: no job has a timeout). A job still waiting for a worker is due no sooner
        than its timeout from now, so waiting that long never misses its deadline."""
        now = time.perf_counter()
        soonest: float | None = None
        for entry in in_flight:
            if (timeout_s := entry.prepared.timeout_s) is None:
                continue
            due = self._deadline(entry)
            if due is None:
                due = now + timeout_s
            soonest = due if soonest is None else min(soonest, due)
        return None if soonest is None else max(soonest - now, 0.0)

    def _running_on(self, entries: Iterable[InFlight[Any]]) -> Counter[Executor]:
        """The jobs running (not waiting) on each executor."""
        return Counter(entry.executor for entry in entries if self._started(entry) is not None)

    def _submit[K](self, key: K, job: PreparedJob, attempts: int) -> InFlight[K] | RunResult:
        if unavailable := self._unavailable():
            return RunResult(
                status=JobStatus.REFUSED, error_type="WorkersUnavailable", error_message=unavailable
            )
        executor = self.executor()
        started = time.perf_counter()
        try:
            future = executor.submit(
                execute_job,
                job.workload.module,
                job.workload.qualname,
                job.payload_json,
                job.sample,
                job.workload.call_with_arguments,
            )
        except (BrokenExecutor, RuntimeError) as exc:
            # The pool broke or was shut down between two jobs: retire it and try a
            # fresh one once; a pool that cannot even be started is a failure.
            self._replace(executor, stuck=False)
            if attempts >= _MAX_RESUBMITS:
                return self._failure(exc, started)
            return self._submit(key, job, attempts + 1)
        return InFlight(future, key, job, executor, started, attempts)

    def _collect(
        self, future: Future[WorkerReply], entry: InFlight[Any], now: float, *, ran_alone: bool
    ) -> RunResult | None:
        """The result of a finished future; None if the job must run again on a fresh pool.

        The error is read with ``exception()``, not re-raised: whatever a worker sent
        back, even a ``BaseException``, is the job's failure and never the host's.
        """
        total_ms = (now - entry.submitted) * 1000
        error = future.exception()
        if isinstance(error, BrokenExecutor):
            self._replace(entry.executor, stuck=False)
            if not ran_alone and entry.attempts < _MAX_RESUBMITS:
                return None
            return self._failure(error, entry.submitted, note=self._broken_note(ran_alone))
        if error is not None:
            return self._failure(error, entry.submitted)
        if (deadline := self._deadline(entry)) is not None and now > deadline:
            return timed_out_result(entry.prepared.timeout_s or 0.0, total_ms, "it finished late")
        reply = future.result()
        if reply is None:
            # ``execute`` always answers or raises: the worker lost the job's error
            # on the way back (CPython drops some in ``Interpreter.call``).
            return self._failure(
                RuntimeError("the worker returned neither a result nor the job's error"),
                entry.submitted,
            )
        return ok_result(reply, total_ms)

    def _broken_note(self, ran_alone: bool) -> str:
        if ran_alone:
            return (
                "the worker died abruptly (os._exit, a crash, or killed) while running this "
                "job alone; it was not run again, and the pool was replaced"
            )
        return (
            "a worker died abruptly (killed, or crashed) while running this job or one "
            "beside it; the pool was replaced"
        )

    def _failure(self, exc: BaseException, started: float, note: str = "") -> RunResult:
        error_type, message = self._error_identity(exc)
        traceback = self._remote_traceback(exc)
        return RunResult(
            status=JobStatus.FAILED,
            error_type=error_type,
            error_message=f"{message} ({note})" if note else message,
            error_traceback=traceback,
            total_ms=(time.perf_counter() - started) * 1000,
            interpreter_refusal=self._refusal(error_type, message, traceback),
        )
