"""Subinterpreters: ``InterpreterPoolExecutor``, each worker with its own GIL.

Workers import the workload modules that passed the capability probe when the
pool starts, so a warm pool's first job pays no import cost. A running
subinterpreter cannot be interrupted: a stuck job's pool is shut down without
waiting and replaced, and the job's thread is left to finish on its own; past
``MAX_ABANDONED_INTERPRETERS`` such threads the adapter refuses new jobs
(``abandoned``).
"""

from concurrent.futures import Executor, Future, InterpreterPoolExecutor
from concurrent.interpreters import ExecutionFailed

from interp_exec.core.adapters import abandoned
from interp_exec.core.adapters.capability import is_subinterpreter_refusal, refusal_summary
from interp_exec.core.adapters.pool import PoolAdapter
from interp_exec.core.adapters.worker import WorkerReply, prepare_worker
from interp_exec.core.domain import ExecutorMode


class InterpreterPoolAdapter(PoolAdapter):
    mode = ExecutorMode.INTERPRETERS
    needs_interpreter_safe = True
    abandon_note = (
        "a running subinterpreter cannot be stopped, so its pool was replaced and the job "
        "was left to finish in the background"
    )

    def _new_executor(self, initargs: tuple[tuple[str, ...], tuple[str, ...]]) -> Executor:
        return InterpreterPoolExecutor(
            max_workers=self.max_workers,
            thread_name_prefix="interp-exec",
            initializer=prepare_worker,
            initargs=initargs,
        )

    def _stop_stuck(self, executor: Executor, stuck: Future[WorkerReply]) -> None:
        executor.shutdown(wait=False, cancel_futures=True)
        abandoned.abandon(stuck)

    def _unavailable(self) -> str:
        return abandoned.saturation()

    def _remote_traceback(self, exc: BaseException) -> str:
        failure = exc if isinstance(exc, ExecutionFailed) else exc.__cause__
        if isinstance(failure, ExecutionFailed):
            return str(failure.excinfo.errdisplay or failure.excinfo.formatted)
        return ""

    def _refusal(self, error_type: str, message: str, traceback: str) -> str:
        if is_subinterpreter_refusal(error_type, message, traceback):
            return f"{error_type}: {refusal_summary(message)}"
        return ""

    def _error_identity(self, exc: BaseException) -> tuple[str, str]:
        # An exception that cannot be pickled back arrives as a bare ExecutionFailed;
        # its snapshot still names the original type and message.
        if isinstance(exc, ExecutionFailed):
            return exc.excinfo.type.__name__, str(exc.excinfo.msg)
        return super()._error_identity(exc)
