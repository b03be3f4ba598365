"""What the claims' statements share on both databases: the jobs a claim picks, the
columns it sets as the database takes them, and the rows it reads back as the
model's own types.

Written as SQL, not built by a queryset each call: compiling a queryset cost the
drain's host thread more CPU than the database spent running the statement (a
claim of two jobs, measured 2026-12-07 with no pool running: 0.97 ms on SQLite and
0.54 ms on PostgreSQL through the ORM, 0.22-0.40 and 0.31-0.35 ms in SQL built once),
and on a host whose cores run the pool, the host thread's time is taken from the
jobs. Each picking's SQL is built once per shape (how many size ranges, which are
open-ended); names come from the model's meta, every value is a parameter.

A claim picks, as ``job_claims`` documents:

- from the queue (``queued_picking``): queued jobs of the given workloads and size
  ranges, due (``run_after`` past or unset), with attempts left, higher
  ``task_priority`` first, then oldest first, at most ``limit`` (the order of the
  index ``interp_exec_claim_order_idx``: the database reads it and stops at the
  limit, so a claim does not sort the whole backlog);
- one named job (``record_picking``): the same, but running under an expired lease
  is claimable too (its worker died).
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Field

from interp_exec.core.pool_planning import SizeRange
from interp_exec.models import CpuJobPayload, CpuJobRecord, JobRecordStatus
from interp_exec.task_queue import leases

type Picking = tuple[str, list[Any]]


class Claim(NamedTuple):
    """What a claim sets and reads back: ``columns`` on the jobs ``picking`` selects,
    ``worker`` added to a task job's workers, the fields ``returned`` read after."""

    picking: Picking
    columns: Mapping[str, Any]
    worker: str
    returned: Sequence[str]

    def params(self) -> list[Any]:
        """The statement's parameters, in the order both databases' claim SQL takes
        them: the columns' values, the worker, the picking's own."""
        return [*db_values(self.columns), self.worker, *self.picking[1]]


def queued_picking(
    workloads: Mapping[str, Sequence[SizeRange]], now: datetime, limit: int
) -> Picking:
    """``SELECT id`` of up to ``limit`` queued jobs of ``workloads`` (name -> size ranges),
    in the order they are claimed."""
    ranges = [(name, low, high) for name, spans in workloads.items() for low, high in spans]
    params: list[Any] = [JobRecordStatus.QUEUED.value, *_due_and_attempts(now)]
    for name, low, high in ranges:
        params += [name, low] if high is None else [name, low, high]
    shape = tuple(high is None for _, _, high in ranges)
    return _queued_sql(connection.vendor, shape), [*params, limit]


def record_picking(record_id: Any, now: datetime) -> Picking:
    """``SELECT id`` of the job ``record_id`` while it is claimable."""
    params = [
        _pk().get_db_prep_value(record_id, connection),
        JobRecordStatus.QUEUED.value,
        JobRecordStatus.RUNNING.value,
        connection.ops.adapt_datetimefield_value(now),
        *_due_and_attempts(now),
    ]
    return _record_sql(connection.vendor), params


def in_claim_order(rows: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
    """A claim's ``RETURNING`` rows, which end with ``task_priority`` and ``created_at``,
    in the picking's order (``RETURNING`` keeps none) and without those two columns.
    On SQLite the times are ISO text, which sorts as the times do."""
    ordered = sorted(rows, key=lambda row: (-row[-2], row[-1]))
    return [row[:-2] for row in ordered]


def db_values(columns: Mapping[str, Any]) -> list[Any]:
    """The values of ``columns`` (field name -> value) as the database stores them."""
    return [column(name).get_db_prep_save(value, connection) for name, value in columns.items()]


def typed_rows(rows: Sequence[Sequence[Any]], names: Sequence[str]) -> list[tuple[Any, ...]]:
    """Rows of the fields ``names`` (and any columns after them, as they are) as the
    ORM would return them: the database's and the fields' own converters applied
    (on SQLite a UUID comes back as hex text and a time as ISO text)."""
    converters = []
    for index, name in enumerate(names):
        field = column(name)
        expression = field.cached_col
        steps = [
            *connection.ops.get_db_converters(expression),
            *field.get_db_converters(connection),
        ]
        if steps:
            converters.append((index, steps, expression))
    typed = []
    for row in rows:
        values = list(row)
        for index, steps, expression in converters:
            for convert in steps:
                values[index] = convert(values[index], expression, connection)
        typed.append(tuple(values))
    return typed


def column(name: str) -> Field[Any, Any]:
    """The record's field ``name`` (``pk`` for the key)."""
    field = _pk() if name == "pk" else CpuJobRecord._meta.get_field(name)
    assert isinstance(field, Field), name  # a claim's columns are the record's own
    return field


def quoted(name: str) -> str:
    """The quoted column of the record's field ``name``."""
    return connection.ops.quote_name(str(column(name).column))


def job_table() -> str:
    return connection.ops.quote_name(CpuJobRecord._meta.db_table)


def payload_table() -> str:
    return connection.ops.quote_name(CpuJobPayload._meta.db_table)


def _pk() -> Field[Any, Any]:
    field = CpuJobRecord._meta.pk
    assert isinstance(field, Field)
    return field


def _due_and_attempts(now: datetime) -> list[Any]:
    return [connection.ops.adapt_datetimefield_value(now), leases.max_attempts()]


def _due_and_attempts_sql() -> str:
    run_after, attempts = quoted("run_after"), quoted("attempts")
    return f"({run_after} IS NULL OR {run_after} <= %s) AND {attempts} < %s"


@cache
def _queued_sql(vendor: str, open_ended: tuple[bool, ...]) -> str:
    """The SQL of ``queued_picking`` for ranges that are open-ended or not, in order
    (``vendor``: the cache's key, as quoting is the database's)."""
    workload, size = quoted("workload"), quoted("size")
    ranges = [
        f"({workload} = %s AND {size} >= %s)"
        if is_open
        else f"({workload} = %s AND {size} >= %s AND {size} < %s)"
        for is_open in open_ended
    ]
    wanted = " OR ".join(ranges)
    # Names from the model's meta, quoted; every value a parameter.
    return (
        f"SELECT {quoted('pk')} FROM {job_table()} "  # noqa: S608
        f"WHERE {quoted('status')} = %s AND {_due_and_attempts_sql()} AND ({wanted}) "
        f"ORDER BY {quoted('task_priority')} DESC, {quoted('created_at')} ASC LIMIT %s"
    )


@cache
def _record_sql(vendor: str) -> str:
    status, lease = quoted("status"), quoted("lease_expires_at")
    # Names from the model's meta, quoted; every value a parameter.
    return (
        f"SELECT {quoted('pk')} FROM {job_table()} WHERE {quoted('pk')} = %s "  # noqa: S608
        f"AND ({status} = %s OR ({status} = %s AND {lease} < %s)) "
        f"AND {_due_and_attempts_sql()}"
    )
