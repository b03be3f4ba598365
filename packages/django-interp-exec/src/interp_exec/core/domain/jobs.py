"""Value types for one job and what came of it."""

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class JobStatus(StrEnum):
    OK = "ok"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class SamplePayload:
    """A payload given as the workload's own sample for the job's size and ``seed``.

    The worker that runs the job builds it (``sample(size, seed)`` is
    deterministic), so the host neither builds nor copies a payload it never reads.
    """

    seed: int = 0


@dataclass(frozen=True, slots=True)
class JsonPayload:
    """A payload given as JSON text, as it was stored: sent to the worker as it is.

    A queued job's payload was checked when it was stored; decoding it in the
    host only to encode it again would cost a copy of every payload.
    """

    text: str


@dataclass(frozen=True, slots=True)
class CpuJob:
    """A request to run a registered workload on a JSON-compatible payload.

    ``size`` is the job's work in the workload's own units (words, samples,
    paragraphs); routing compares it with ``min_task_size``. ``rollout_key`` makes
    percent rollouts deterministic: the same key always gets the same answer (by
    default the job's workload, size and payload decide it). ``user_id`` lets a
    flag's user/group rules apply to jobs submitted by a person. ``payload`` may be
    a ``SamplePayload`` or a ``JsonPayload`` instead of the data itself.
    ``isolated``: run it only in processes, whatever its policy says, as an
    untrusted workload's jobs run; the queue sets it on a job whose earlier run
    lost its worker, since the job itself may be what killed it.
    """

    workload: str
    payload: Any
    size: int = 0
    timeout_s: float | None = None
    rollout_key: str | None = None
    user_id: int | None = None
    isolated: bool = False


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """What happened to one job; JSON-compatible through ``as_dict``.

    ``mode_used`` says where the job really ran and ``fallback_reason`` why that differs
    from ``mode_requested``; when that is ``"auto"``, it starts with auto's reason for
    its choice ("auto: interpreters, 1.8x inline at size ..."). ``run_ms`` is measured
    inside the worker, ``wait_ms`` is everything else (queueing, transfer, pool
    start-up); a job that did not return (failed, timed out) has only ``total_ms``.
    """

    dispatch_id: str
    workload: str
    status: JobStatus
    mode_requested: str
    mode_used: str
    size: int = 0
    payload_bytes: int = 0
    value: Any = None
    error_type: str = ""
    error_message: str = ""
    error_traceback: str = ""
    fallback_reason: str = ""
    wait_ms: float = 0.0
    run_ms: float = 0.0
    total_ms: float = 0.0
    pid: int | None = None
    interpreter_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status is JobStatus.OK

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        return data
