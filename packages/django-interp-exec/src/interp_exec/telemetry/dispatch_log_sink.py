"""The Django-side event sink that keeps one ``DispatchLog`` row per dispatch.

It receives the very dict the structlog event carries (see ``tracing``), so the
log line and the row cannot disagree. Only final events make rows: one per job.

Rows are written in bulk: the dispatcher opens ``batch()`` around a ``map`` (the
tracer enters every sink's ``batch``), and the queue's drain holds one open and
``take``s the rows to write them with the finished jobs they belong to (in one
transaction, on PostgreSQL in the very statement that stores the jobs:
``insert_statement``), so a job's record and its log row are written together.
Outside a batch, each row is written at once. Batches are per thread and nest:
only the outermost writes.

The rows go in with one ``executemany`` of a plain ``INSERT``: on this path,
which every tiny job takes, ``bulk_create`` spent ~50 us a row preparing model
instances field by field, more than the rest of the dispatcher together.
"""

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from interp_exec.core import tracing
from interp_exec.models import DispatchLog

_FINAL_EVENTS = frozenset({tracing.COMPLETE, tracing.FAILED, tracing.REFUSED})


@cache
def _columns() -> tuple[tuple[str, str | None, Any], ...]:
    """(field, column, default) of every field an event fills: all but the id and the time."""
    return tuple(
        (field.name, field.column, field.get_default())
        for field in DispatchLog._meta.concrete_fields
        if field.name not in {"id", "created_at"}
    )


@cache
def _insert_sql() -> str:
    quote = connection.ops.quote_name
    names = [quote(str(column)) for _, column, _ in _columns()] + [quote("created_at")]
    # Names from the model's own metadata, quoted; the values go as parameters.
    return (
        f"INSERT INTO {quote(DispatchLog._meta.db_table)} ({', '.join(names)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(names))})"
    )


class DispatchLogSink(threading.local):
    """A ``tracing.EventSink`` with a per-thread buffer of unwritten rows."""

    def __init__(self) -> None:
        self._pending: list[list[Any]] | None = None

    def __call__(self, event: str, fields: Mapping[str, Any]) -> None:
        if event not in _FINAL_EVENTS:
            return
        row = [
            default if fields.get(name) is None else fields[name] for name, _, default in _columns()
        ]
        if self._pending is None:
            insert_rows([row])
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
        """Write the held rows."""
        if rows := self.take():
            insert_rows(rows)

    def take(self) -> list[list[Any]]:
        """The held rows, no longer held: the caller writes them (``insert_rows``,
        ``insert_statement``)."""
        if not self._pending:
            return []
        rows, self._pending = self._pending, []
        return rows


def insert_rows(rows: list[list[Any]], *, savepoint: bool = True) -> None:
    """Write rows ``take`` gave; ``savepoint=False`` inside a transaction whose failure
    the insert's would be anyway (a store of outcomes): its SAVEPOINT and RELEASE are
    two round trips."""
    created_at = connection.ops.adapt_datetimefield_value(timezone.now())
    # One transaction: in autocommit mode each row would be a commit of its own.
    with transaction.atomic(savepoint=savepoint), connection.cursor() as cursor:
        cursor.executemany(_insert_sql(), [[*row, created_at] for row in rows])


def insert_statement(rows: list[list[Any]]) -> tuple[str, list[Any]]:
    """One ``INSERT`` of rows ``take`` gave, as SQL and its parameters, for a caller to
    run inside a statement of its own (a ``WITH`` that also stores the jobs)."""
    created_at = connection.ops.adapt_datetimefield_value(timezone.now())
    head, _, one_row = _insert_sql().partition(" VALUES ")
    params = [value for row in rows for value in (*row, created_at)]
    return f"{head} VALUES {', '.join([one_row] * len(rows))}", params


record_dispatch_event = DispatchLogSink()
