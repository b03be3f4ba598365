"""What a person sees of one job, built once for the status page and its JSON.

The page renders ``display`` server-side and its script replaces the same
strings from ``status.json``, so the first paint and every update agree.
"""

import json
from typing import Any

from interp_exec.models import CpuJobRecord, JobRecordStatus

VALUE_SUMMARY_CHARS = 400


def job_status(record: CpuJobRecord) -> dict[str, Any]:
    """The JSON document of ``jobs/<id>/status.json``: raw facts plus display strings."""
    return {
        "id": str(record.pk),
        "workload": record.workload,
        "size": record.size,
        "status": record.status,
        "finished": record.is_finished,
        "attempts": record.attempts,
        "mode_requested": record.mode_requested,
        "mode_used": record.mode_used,
        "fallback_reason": record.fallback_reason,
        "error_type": record.error_type,
        "error_message": record.error_message,
        "wait_ms": record.wait_ms,
        "run_ms": record.run_ms,
        "total_ms": record.total_ms,
        "display": display_strings(record),
    }


def display_strings(record: CpuJobRecord) -> dict[str, str]:
    """Text per ``data-field`` of the status page; an empty string hides its row."""
    return {
        "status": JobRecordStatus(record.status).label,
        "note": _note(record),
        "attempts": str(record.attempts),
        "mode_requested": record.mode_requested or "not yet",
        "mode_used": record.mode_used or "not yet",
        "fallback_reason": record.fallback_reason,
        "timings": _timings(record),
        "error": f"{record.error_type}: {record.error_message}" if record.error_type else "",
        "error_traceback": record.error_traceback,
        "value_summary": summarize_value(record.value)
        if record.status == JobRecordStatus.OK
        else "",
    }


def summarize_value(value: Any, limit: int = VALUE_SUMMARY_CHARS) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters in all)"


def format_ms(ms: float | None) -> str:
    if ms is None:
        return "—"
    return f"{ms:,.1f} ms" if ms >= 1 else f"{ms:.3f} ms"


def _timings(record: CpuJobRecord) -> str:
    if record.total_ms is None:
        return ""
    return (
        f"run {format_ms(record.run_ms)} · wait {format_ms(record.wait_ms)} · "
        f"total {format_ms(record.total_ms)}"
    )


def _note(record: CpuJobRecord) -> str:
    if record.status == JobRecordStatus.QUEUED and record.attempts:
        return (
            "The worker that took this job stopped before finishing it; "
            "it is queued again for another worker."
        )
    if record.status == JobRecordStatus.QUEUED:
        return "Waiting for a task-queue worker to pick it up."
    if record.lease_expired:
        return (
            "The worker that took this job stopped before finishing it; "
            "within a minute it is queued again for another worker."
        )
    if record.status == JobRecordStatus.RUNNING:
        return "Running."
    return ""
