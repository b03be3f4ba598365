"""What a person sees of one job, built once for the status page and its JSON.

The page renders ``display`` server-side and its script replaces the same
strings from ``status.json``, so the first paint and every update agree. The
readable result (``result_html``, see ``results``) is HTML the server renders
from its own templates, escaped there; the script inserts it as it is.

Staff see a failed job's traceback and message as the worker stored them. Anyone
else (the person who queued the job) sees them with server paths cut down to
module-relative names (``interp_exec/workloads/pcm.py``): enough to report the
error, nothing about where the site is installed.
"""

import functools
import json
import re
import sys
from pathlib import Path, PurePath
from typing import Any

from interp_exec.models import CpuJobRecord, JobRecordStatus
from interp_exec.web.results import render_result

VALUE_SUMMARY_CHARS = 400
# The raw JSON shown under the readable result; the API serves a value whole.
VALUE_JSON_CHARS = 100_000


def job_status(record: CpuJobRecord, *, full_traceback: bool = False) -> dict[str, Any]:
    """The JSON document of ``jobs/<id>/status.json``: raw facts plus display strings.

    ``full_traceback``: keep server paths in the error (for staff only).
    """
    shown = _as_is if full_traceback else without_server_paths
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
        "error_message": shown(record.error_message),
        "wait_ms": record.wait_ms,
        "run_ms": record.run_ms,
        "total_ms": record.total_ms,
        "display": display_strings(record, full_traceback=full_traceback),
        "result_html": render_result(record),
    }


def display_strings(record: CpuJobRecord, *, full_traceback: bool = False) -> dict[str, str]:
    """Text per ``data-field`` of the status page; an empty string hides its row."""
    shown = _as_is if full_traceback else without_server_paths
    return {
        "status": JobRecordStatus(record.status).label,
        "note": _note(record),
        "attempts": str(record.attempts),
        "mode_requested": record.mode_requested or "not yet",
        "mode_used": record.mode_used or "not yet",
        "fallback_reason": record.fallback_reason,
        "timings": _timings(record),
        "error": shown(f"{record.error_type}: {record.error_message}") if record.error_type else "",
        "error_traceback": shown(record.error_traceback),
        "value_summary": summarize_value(record.value)
        if record.status == JobRecordStatus.OK
        else "",
        "value_json": summarize_value(record.value, VALUE_JSON_CHARS, indent=2)
        if record.status == JobRecordStatus.OK
        else "",
    }


_FILE_NAME = re.compile(r'File "([^"]+)"')


def without_server_paths(text: str) -> str:
    """``text`` with every path under an import root made relative to it.

    A traceback's ``File "..."`` outside every root keeps only its file name.
    """
    for root in _import_roots():
        text = text.replace(root, "")
    return _FILE_NAME.sub(lambda m: f'File "{_file_name(m[1])}"', text)


def _file_name(path: str) -> str:
    return PurePath(path).name if PurePath(path).is_absolute() else path


@functools.cache
def _import_roots() -> tuple[str, ...]:
    """Where modules are imported from (the project, site-packages, the standard
    library), each ending in a separator, the longest first so that a root inside
    another one wins."""
    candidates = {*sys.path, sys.prefix, sys.base_prefix, sys.exec_prefix}
    roots = {str(Path(c).resolve()) for c in candidates if c and Path(c).is_absolute()}
    return tuple(sorted((f"{r.rstrip('/')}/" for r in roots if len(r) > 1), key=len, reverse=True))


def _as_is(text: str) -> str:
    return text


def summarize_value(value: Any, limit: int = VALUE_SUMMARY_CHARS, indent: int | None = None) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, indent=indent)
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
