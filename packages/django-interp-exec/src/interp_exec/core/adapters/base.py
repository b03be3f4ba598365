"""What every adapter shares: reading a worker's reply, and the port written once.

An adapter implements only ``execute_stream`` (how prepared jobs run, as they
come, and how their errors are read); ``execute_all``, ``run``, ``map`` and
``stream`` are written once here, so a bare adapter is a ``CpuTaskPort`` too (the
benchmark uses them that way).
"""

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import ClassVar

from interp_exec.core.adapters.worker import JobAborted, WorkerReply
from interp_exec.core.domain import (
    CpuJob,
    ExecutorMode,
    JobOutcome,
    JobStatus,
    PreparedJob,
    RunResult,
    as_refusal,
    build_outcome,
    new_dispatch_id,
    prepare,
    refused_outcome,
)
from interp_exec.core.workloads import get_workload

type ModuleList = Callable[[], Sequence[str]]


def ok_result(reply: WorkerReply, total_ms: float) -> RunResult:
    result_json, pid, interpreter_id, run_ms, payload_bytes = reply
    return RunResult(
        status=JobStatus.OK,
        value=json.loads(result_json),
        pid=pid,
        interpreter_id=interpreter_id,
        run_ms=run_ms,
        total_ms=total_ms,
        payload_bytes=payload_bytes,
    )


def error_identity(exc: BaseException) -> tuple[str, str]:
    """The type name and message a failed outcome shows: a job that tried to end its
    worker is reported as what it raised (``SystemExit``), not as ``JobAborted``."""
    if isinstance(exc, JobAborted):
        return exc.type_name, exc.message
    return type(exc).__name__, str(exc)


def timed_out_result(timeout_s: float, total_ms: float, where: str) -> RunResult:
    return RunResult(
        status=JobStatus.TIMED_OUT,
        error_type="TimeoutError",
        error_message=f"the job ran longer than its timeout of {timeout_s:g} s; {where}",
        total_ms=total_ms,
    )


class ExecutionAdapter(ABC):
    """One way of running prepared jobs; also a ``CpuTaskPort`` on its own."""

    mode: ClassVar[ExecutorMode]
    # The mode's traits, declared here by each adapter: the code around adapters asks
    # them rather than naming a mode, so a new mode is one new adapter module.
    # Jobs run in the calling thread (one at a time), not on a pool of workers.
    runs_in_caller: ClassVar[bool] = False
    # Only workloads the capability probe passed may run here; its workers import
    # those as they start.
    needs_interpreter_safe: ClassVar[bool] = False
    # Its workers are started by multiprocessing's forkserver.
    uses_forkserver: ClassVar[bool] = False

    def __init__(self, max_workers: int = 1, preload_modules: ModuleList = tuple) -> None:
        """``preload_modules`` names the modules each worker imports as it starts (a pool's
        workers; inline, the host has them already). One signature for every adapter,
        so each is built the same way from ``by_mode.ADAPTER_CLASSES``."""
        if max_workers < 1:
            raise ValueError("max_workers must be >= 1")
        self.max_workers = max_workers
        self._preload_modules = preload_modules

    @abstractmethod
    def execute_stream[K](
        self, source: Iterable[tuple[K, PreparedJob]]
    ) -> Iterator[list[tuple[K, RunResult]]]:
        """Run ``(key, job)`` pairs as the source gives them, concurrently where possible;
        yield ``(key, result)`` pairs in batches as they finish. The source is read
        only when the adapter has room for a job (``CpuTaskPort.stream``)."""

    def execute_all(self, prepared: Sequence[PreparedJob]) -> list[RunResult]:
        """Run the jobs (concurrently where possible); results in input order."""
        results: list[RunResult | None] = [None] * len(prepared)
        for finished in self.execute_stream(enumerate(prepared)):
            for index, result in finished:
                results[index] = result
        return [r for r in results if r is not None]

    def warm(self) -> None:  # noqa: B027 - nothing to start for an adapter without workers
        """Start the workers now, so the first real job does not pay for it."""

    def shutdown(self, *, wait: bool = True) -> None:  # noqa: B027 - likewise
        """Release workers; a later job starts new ones."""

    def run(self, job: CpuJob) -> JobOutcome:
        return self.map([job])[0]

    def map(self, jobs: Sequence[CpuJob]) -> list[JobOutcome]:
        outcomes: list[JobOutcome | None] = [None] * len(jobs)
        for finished in self.stream(enumerate(jobs)):
            for index, outcome in finished:
                outcomes[index] = outcome
        return [o for o in outcomes if o is not None]

    def stream[K](self, jobs: Iterable[tuple[K, CpuJob]]) -> Iterator[list[tuple[K, JobOutcome]]]:
        refused: list[tuple[K, JobOutcome]] = []

        def accepted() -> Iterator[tuple[tuple[K, PreparedJob], PreparedJob]]:
            for key, job in jobs:
                dispatch_id = new_dispatch_id()
                try:
                    prepared = prepare(job, get_workload(job.workload), dispatch_id)
                except Exception as exc:
                    refusal = as_refusal(exc)
                    refused.append(
                        (key, refused_outcome(job, dispatch_id, refusal, self.mode.value))
                    )
                else:
                    yield (key, prepared), prepared

        mode = self.mode.value
        for finished in self.execute_stream(accepted()):
            outcomes = refused + [
                (key, build_outcome(prepared, result, mode_requested=mode, mode_used=mode))
                for (key, prepared), result in finished
            ]
            refused.clear()
            yield outcomes
        if refused:
            yield refused

    def __enter__(self) -> ExecutionAdapter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()
