"""What the dispatcher and the adapters exchange, and what the dispatcher needs of them.

A job is checked and encoded once (``prepare``) into a ``PreparedJob`` that any
adapter can run; an adapter answers each with a ``RunResult``; the dispatcher
turns results into ``JobOutcome`` values (``build_outcome``). The protocols are
the driven side of the port: the dispatcher is typed against them, never
against an adapter or the capability probe themselves.
"""

import json
import math
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from interp_exec.core.domain.errors import InterpExecError, InvalidJob, shown
from interp_exec.core.domain.jobs import CpuJob, JobOutcome, JobStatus, JsonPayload, SamplePayload
from interp_exec.core.domain.json_text import MAX_PAYLOAD_DEPTH, deeper_than
from interp_exec.core.domain.modes import ExecutorMode
from interp_exec.core.domain.policy import CapabilityVerdict
from interp_exec.core.domain.workload import Workload

# How a worker builds a sampled job's payload: (module, qualname, size, seed).
type SampleCall = tuple[str, str, int, int]


@dataclass(frozen=True, slots=True)
class PreparedJob:
    """A job checked and encoded once, ready for any adapter.

    A sampled job has no ``payload_json`` (and ``payload_bytes`` 0 until it ran):
    ``sample`` tells the worker how to build its payload.
    """

    dispatch_id: str
    job: CpuJob
    workload: Workload
    payload_json: str
    payload_bytes: int
    timeout_s: float | None
    sample: SampleCall | None = None


@dataclass(frozen=True, slots=True)
class RunResult:
    """What an adapter saw of one run, before routing facts are added."""

    status: JobStatus
    value: Any = None
    error_type: str = ""
    error_message: str = ""
    error_traceback: str = ""
    pid: int | None = None
    interpreter_id: int | None = None
    run_ms: float = 0.0
    total_ms: float = 0.0
    payload_bytes: int = 0
    # Set by an adapter whose subinterpreter refused to load a module the job
    # imported as it ran: that error, in one line. The dispatcher runs such a job
    # again where its policy falls back to.
    interpreter_refusal: str = ""


# The largest size a job may have: what ``DispatchLog.size`` (a BigIntegerField) stores.
MAX_SIZE = 2**63 - 1
# The longest workload name ``DispatchLog.workload`` stores; a refused job's longer
# or non-text name is logged shortened.
MAX_NAME_LENGTH = 100


def new_dispatch_id() -> str:
    """A dispatch's id: a time-ordered UUID (version 7), as 32 hex digits.

    Every dispatch's log row is keyed by it, under a unique index. Random ids
    (version 4) land anywhere in that index, so each insert touched pages the
    database no longer had cached: on SQLite a row cost 4.8 us into an empty
    table and 28 us at 220,000 rows. Ids that grow with time are written next to
    each other, and a row costs about the same at any size.
    """
    return uuid.uuid7().hex


def prepare(job: CpuJob, workload: Workload, dispatch_id: str | None = None) -> PreparedJob:
    """Check a job of ``workload`` and encode its payload; raise an ``InterpExecError``
    if it is bad."""
    if not is_storable_size(job.size):
        raise InvalidJob(
            f"size must be a whole number >= 0 and at most {MAX_SIZE}, got {shown(job.size)}"
        )
    if job.timeout_s is not None and not _is_positive_seconds(job.timeout_s):
        raise InvalidJob(f"timeout_s must be a number of seconds > 0, got {shown(job.timeout_s)}")
    dispatch_id = dispatch_id or new_dispatch_id()
    if isinstance(job.payload, JsonPayload):
        text = job.payload.text
        return PreparedJob(dispatch_id, job, workload, text, len(text.encode()), job.timeout_s)
    if isinstance(job.payload, SamplePayload):
        if workload.sample is None:
            workload.sample_payload(job.size, job.payload.seed)  # raises InvalidJob
        sample = _sample_call(workload, job.size, job.payload.seed)
        if sample is not None:
            return PreparedJob(dispatch_id, job, workload, "", 0, job.timeout_s, sample)
        payload: Any = workload.sample_payload(job.size, job.payload.seed)
    else:
        payload = job.payload
    payload_json = payload_to_json(payload)
    return PreparedJob(
        dispatch_id, job, workload, payload_json, len(payload_json.encode()), job.timeout_s
    )


def payload_to_json(payload: Any) -> str:
    """The payload as JSON text; ``InvalidJob`` saying why when it cannot be, or when it
    nests deeper than ``MAX_PAYLOAD_DEPTH``."""
    try:
        text = json.dumps(payload, allow_nan=False)
    except RecursionError:
        raise InvalidJob(
            "the payload is nested too deeply to encode as JSON (lists or objects inside "
            "each other deeper than the encoder can follow); flatten it"
        ) from None
    except (TypeError, ValueError) as exc:
        raise InvalidJob(f"payload is not JSON-compatible: {exc}") from None
    if depth := deeper_than(text, MAX_PAYLOAD_DEPTH):
        raise InvalidJob(
            f"the payload nests lists or objects {depth:,} deep, more than the "
            f"{MAX_PAYLOAD_DEPTH:,} a job may; flatten it"
        )
    return text


def is_storable_size(size: Any) -> bool:
    return isinstance(size, int) and not isinstance(size, bool) and 0 <= size <= MAX_SIZE


def _is_positive_seconds(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return value > 0 and math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _sample_call(workload: Workload, size: int, seed: int) -> SampleCall | None:
    """How a worker builds the sample itself; None if the function cannot be imported by
    path (a lambda or nested function): the host then builds it."""
    qualname = getattr(workload.sample, "__qualname__", "<lambda>")
    if "<" in qualname:
        return None
    return workload.sample.__module__, qualname, size, seed


def as_refusal(exc: Exception) -> InterpExecError:
    """What a job is refused with when checking it raised ``exc``: an error raised on
    purpose as it is, any other (a bug, a hostile value) as an ``InvalidJob`` naming
    it, so that one bad job is refused alone and never takes its neighbours down."""
    if isinstance(exc, InterpExecError):
        return exc
    return InvalidJob(f"the job could not be checked: {type(exc).__name__}: {shown(str(exc))}")


def refused_outcome(
    job: CpuJob, dispatch_id: str, error: InterpExecError, mode_requested: str
) -> JobOutcome:
    return JobOutcome(
        dispatch_id=dispatch_id,
        workload=_storable_name(job.workload),
        status=JobStatus.REFUSED,
        mode_requested=mode_requested,
        mode_used="",
        size=job.size if is_storable_size(job.size) else 0,
        error_type=type(error).__name__,
        error_message=str(error),
    )


def _storable_name(name: Any) -> str:
    if isinstance(name, str) and len(name) <= MAX_NAME_LENGTH:
        return name
    return shown(name)[:MAX_NAME_LENGTH]


def build_outcome(
    prepared: PreparedJob,
    result: RunResult,
    *,
    mode_requested: str,
    mode_used: str,
    fallback_reason: str = "",
) -> JobOutcome:
    return JobOutcome(
        dispatch_id=prepared.dispatch_id,
        workload=prepared.workload.name,
        status=result.status,
        mode_requested=mode_requested,
        mode_used=mode_used,
        size=prepared.job.size,
        payload_bytes=prepared.payload_bytes or result.payload_bytes,
        value=result.value,
        error_type=result.error_type,
        error_message=result.error_message,
        error_traceback=result.error_traceback,
        fallback_reason=fallback_reason,
        # Only a job that returned knows its run time; otherwise all of it is total_ms.
        wait_ms=round(max(result.total_ms - result.run_ms, 0.0), 3) if result.run_ms else 0.0,
        run_ms=round(result.run_ms, 3),
        total_ms=round(result.total_ms, 3),
        pid=result.pid,
        interpreter_id=result.interpreter_id,
    )


class ExecutionPort(Protocol):
    """One way of running prepared jobs (an adapter), as the dispatcher uses it."""

    @property
    def max_workers(self) -> int: ...

    def warm(self) -> None:
        """Start the workers, if not started yet, and return once they answer."""
        ...

    def execute_stream[K](
        self, source: Iterable[tuple[K, PreparedJob]]
    ) -> Iterator[list[tuple[K, RunResult]]]:
        """Run ``(key, job)`` pairs as the source gives them; yield ``(key, result)``
        pairs in batches as they finish. The source is read only when the adapter
        has room for a job (``CpuTaskPort.stream``)."""
        ...

    def execute_all(self, prepared: Sequence[PreparedJob]) -> list[RunResult]:
        """Run the jobs (concurrently where possible); results in input order."""
        ...


class AdapterSource(Protocol):
    """Where the dispatcher gets the adapter for a mode and pool size."""

    def adapter(self, mode: ExecutorMode, max_workers: int) -> ExecutionPort: ...


class CapabilityCheck(Protocol):
    """Whether a workload can run in a subinterpreter (the capability probe)."""

    def verdict(self, workload: Workload) -> CapabilityVerdict: ...

    def remember_unsafe(self, workload: Workload, reason: str) -> None: ...
