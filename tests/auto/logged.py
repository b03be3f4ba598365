"""Dispatch-log rows made up for auto mode's tests: what the log would hold after jobs ran."""

import uuid

from interp_exec.models import DispatchLog


def logged(
    workload: str,
    mode: str,
    size: int,
    run_ms: float,
    *,
    wait_ms: float = 0.0,
    jobs: int = 30,
    worker_ms: float | None = None,
) -> None:
    """``jobs`` successful dispatches of ``workload`` at ``size`` that ran in ``mode``;
    ``worker_ms``: their batches' worker time per job (None: rows from before it was logged)."""
    DispatchLog.objects.bulk_create(
        DispatchLog(
            dispatch_id=uuid.uuid4().hex,
            workload=workload,
            mode_requested="auto",
            mode_used=mode,
            size=size,
            status="ok",
            run_ms=run_ms,
            wait_ms=wait_ms,
            total_ms=run_ms + wait_ms,
            worker_ms_per_job=worker_ms,
        )
        for _ in range(jobs)
    )
