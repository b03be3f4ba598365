"""Job records as the tests need them: queued, or in whatever state a test sets."""

from typing import Any

from interp_exec.models import CpuJobPayload, CpuJobRecord
from interp_exec.task_queue.stored_payloads import storable_json


def job_record(
    workload: str = "tests.echo", *, size: int = 3, seed: int | None = 7, **fields: Any
) -> CpuJobRecord:
    """A job record (queued unless ``fields`` say otherwise), run on its sample for ``seed``."""
    return CpuJobRecord.objects.create(workload=workload, size=size, seed=seed, **fields)


def job_records(count: int, workload: str = "tests.echo", *, size: int = 1) -> list[CpuJobRecord]:
    """``count`` queued jobs, oldest first, seeds 0 to count - 1."""
    return [job_record(workload, size=size, seed=seed) for seed in range(count)]


def job_with_payload(payload: Any, workload: str = "tests.echo", *, size: int = 1) -> CpuJobRecord:
    """A queued job that carries its own payload, as ``queue_cpu_job`` stores it."""
    record = job_record(workload, size=size, seed=None)
    CpuJobPayload.objects.create(job=record, json_text=storable_json(payload))
    return record
