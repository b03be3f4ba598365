"""The Django-side event sink that keeps one ``DispatchLog`` row per dispatch.

It receives the very dict the structlog event carries (see ``tracing``), so the
log line and the row cannot disagree. Only final events make rows: one per job.

Rows are written in bulk: the dispatcher opens ``batch()`` around a ``map`` (the
tracer enters every sink's ``batch``), and the queue's drain holds one open and
calls ``flush`` in the transaction that stores its finished jobs, so a job's
record and its log row are written together. Outside a batch, each row is
written at once. Batches are per thread and nest: only the outermost writes.
"""

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from interp_exec import tracing
from interp_exec.models import DispatchLog

_FINAL_EVENTS = frozenset({tracing.COMPLETE, tracing.FAILED, tracing.REFUSED})
_COLUMNS = frozenset(
    f.name for f in DispatchLog._meta.get_fields() if f.name not in {"id", "created_at"}
)


class DispatchLogSink(threading.local):
    """A ``tracing.EventSink`` with a per-thread buffer of unwritten rows."""

    def __init__(self) -> None:
        self._pending: list[DispatchLog] | None = None

    def __call__(self, event: str, fields: Mapping[str, Any]) -> None:
        if event not in _FINAL_EVENTS:
            return
        row = DispatchLog(**{k: v for k, v in fields.items() if k in _COLUMNS and v is not None})
        if self._pending is None:
            row.save(force_insert=True)
        else:
            self._pending.append(row)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Hold rows until the outermost batch ends (or ``flush``), then write them in one go."""
        if self._pending is not None:
            yield
            return
        self._pending = []
        try:
            yield
        finally:
            try:
                self.flush()
            finally:
                self._pending = None

    def flush(self) -> None:
        if self._pending:
            rows, self._pending = self._pending, []
            DispatchLog.objects.bulk_create(rows)


record_dispatch_event = DispatchLogSink()
