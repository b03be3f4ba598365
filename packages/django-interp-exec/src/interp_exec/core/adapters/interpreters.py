"""Subinterpreters: ``InterpreterPool``, each worker with its own GIL.

Workers import the workload modules that passed the capability probe when the
pool starts, so a warm pool's first job pays no import cost. A running
subinterpreter cannot be interrupted: a stuck job's pool is shut down without
waiting and replaced, and the job's thread is left to finish on its own; past
``MAX_ABANDONED_INTERPRETERS`` such threads the adapter refuses new jobs
(``abandoned``).

A job's error comes back as ``ExecutionFailed`` (``interpreter_pool``): the
exception stays in the subinterpreter, and its snapshot's type name and message
are what the outcome reports.
"""

from concurrent.futures import Executor, Future
from concurrent.interpreters import ExecutionFailed
from typing import Any

from interp_exec.core.adapters import abandoned
from interp_exec.core.adapters.capability import is_subinterpreter_refusal, refusal_summary
from interp_exec.core.adapters.interpreter_pool import InterpreterPool, SlotFuture
from interp_exec.core.adapters.pool import InFlight, PoolAdapter
from interp_exec.core.adapters.worker import JobAborted, WorkerReply, prepare_worker
from interp_exec.core.domain import ExecutorMode


class InterpreterPoolAdapter(PoolAdapter):
    mode = ExecutorMode.INTERPRETERS
    needs_interpreter_safe = True
    queued_per_worker = 1
    abandon_note = (
        "a running subinterpreter cannot be stopped, so its pool was replaced and the job "
        "was left to finish in the background"
    )

    def _new_executor(self, initargs: tuple[tuple[str, ...], tuple[str, ...]]) -> Executor:
        return InterpreterPool(
            self.max_workers,
            thread_name_prefix="interp-exec",
            initializer=prepare_worker,
            initargs=initargs,
        )

    def _stop_stuck(self, executor: Executor, stuck: Future[WorkerReply]) -> None:
        executor.shutdown(wait=False, cancel_futures=True)
        abandoned.abandon(stuck)

    def _unavailable(self) -> str:
        return abandoned.saturation()

    def _started(self, entry: InFlight[Any]) -> float | None:
        assert isinstance(entry.future, SlotFuture)
        return entry.future.started

    def _remote_traceback(self, exc: BaseException) -> str:
        if isinstance(exc, ExecutionFailed):
            return str(exc.excinfo.errdisplay or exc.excinfo.formatted)
        return ""

    def _refusal(self, error_type: str, message: str, traceback: str) -> str:
        if is_subinterpreter_refusal(error_type, message, traceback):
            return f"{error_type}: {refusal_summary(message)}"
        return ""

    def _error_identity(self, exc: BaseException) -> tuple[str, str]:
        if not isinstance(exc, ExecutionFailed):
            return super()._error_identity(exc)
        error_type, message = exc.excinfo.type, str(exc.excinfo.msg)
        if (error_type.__module__, error_type.__qualname__) == _JOB_ABORTED:
            # Reported as what the job raised (``error_identity``): a JobAborted's
            # text is "<type name>: <message>", and a type name has no ": ".
            type_name, _, message = message.partition(": ")
            return type_name, message
        return error_type.__name__, message


_JOB_ABORTED = (JobAborted.__module__, JobAborted.__qualname__)
