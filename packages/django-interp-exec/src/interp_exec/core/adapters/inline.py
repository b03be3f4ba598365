"""The baseline: jobs run one after another in the calling thread.

A running Python function cannot be pre-empted from its own thread, so a timeout
here is reported after the fact: the job finishes, its value is discarded and
its outcome is ``timed_out``. Use a pool when a caller must not wait past it.
"""

import time
import traceback
from collections.abc import Iterable, Iterator

from interp_exec.core.adapters.base import (
    ExecutionAdapter,
    error_identity,
    ok_result,
    timed_out_result,
)
from interp_exec.core.adapters.worker import execute
from interp_exec.core.domain import ExecutorMode, JobStatus, PreparedJob, RunResult


class InlineAdapter(ExecutionAdapter):
    mode = ExecutorMode.INLINE
    runs_in_caller = True

    def execute_stream[K](
        self, source: Iterable[tuple[K, PreparedJob]]
    ) -> Iterator[list[tuple[K, RunResult]]]:
        for key, job in source:
            yield [(key, self._execute(job))]

    def _execute(self, prepared: PreparedJob) -> RunResult:
        started = time.perf_counter()
        try:
            reply = execute(
                prepared.workload.module,
                prepared.workload.qualname,
                prepared.payload_json,
                prepared.sample,
                prepared.workload.call_with_arguments,
            )
        except Exception as exc:
            # Any BaseException of the job's own arrives here as a JobAborted (see
            # worker.execute); the host's own stops (HOST_STOPS) pass through.
            error_type, message = error_identity(exc)
            return RunResult(
                status=JobStatus.FAILED,
                error_type=error_type,
                error_message=message,
                error_traceback="".join(traceback.format_exception(exc)),
                total_ms=(time.perf_counter() - started) * 1000,
            )
        total_ms = (time.perf_counter() - started) * 1000
        if prepared.timeout_s is not None and total_ms > prepared.timeout_s * 1000:
            return timed_out_result(
                prepared.timeout_s, total_ms, "inline jobs cannot be stopped early, so it finished"
            )
        return ok_result(reply, total_ms)
