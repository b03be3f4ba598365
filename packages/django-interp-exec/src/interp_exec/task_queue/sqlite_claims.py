"""The queue's two hot statements on SQLite, in SQL built once.

SQLite runs in the worker's own host thread, so what the drain's claims and stores
cost is that thread's CPU, taken from the pool's cores; the ORM spent most of it
building queries (a claim of two jobs, a ``SELECT``, an ``UPDATE`` and one more per
task job: 0.97 ms of CPU, where the statements below take 0.22-0.40 ms). Here:

- ``claim_returning``: one ``UPDATE ... WHERE id IN (picking) RETURNING`` claims the
  picked jobs, adds this worker to a task job's ``worker_ids`` (``json_insert``) and
  reads them back. One statement takes SQLite's write lock from its start, so it is
  atomic without a transaction, and a deferred transaction's read-then-write
  (``SQLITE_BUSY_SNAPSHOT`` when another worker wrote in between) cannot happen;
  the payloads are read after it (``UPDATE ... RETURNING`` cannot join them);
- ``finish_one``: the store of one outcome, an ``UPDATE`` only while the job runs
  under the claiming attempt; ``job_claims.finish_many`` runs it per job in one
  transaction (each transaction is a commit to disk).

``RETURNING`` needs SQLite 3.35 and ``json_insert``'s ``$[#]`` 3.31: Django 6.1 asks
for 3.37, and JSON support for its ``JSONField``.
"""

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection

from interp_exec.models import JobRecordStatus
from interp_exec.task_queue.claim_sql import (
    Claim,
    column,
    db_values,
    in_claim_order,
    job_table,
    payload_table,
    quoted,
    typed_rows,
)


def claim_returning(claim: Claim) -> list[tuple[Any, ...]]:
    """Claim the rows ``claim.picking`` selects with its columns set and ``attempts``
    raised; each row as the fields ``returned`` (their values after the claim) plus its
    payload's text (None for a sampled job), in the order the picking gives."""
    with connection.cursor() as cursor:
        cursor.execute(
            _claim_sql(tuple(claim.columns), tuple(claim.returned), claim.picking[0]),
            claim.params(),
        )
        rows = in_claim_order(cursor.fetchall())
        if not rows:
            return []
        ids = [row[0] for row in rows]
        cursor.execute(_payloads_sql(len(ids)), ids)
        texts = dict(cursor.fetchall())
    return typed_rows([(*row, texts.get(row[0])) for row in rows], claim.returned)


def finish_one(pk: Any, attempt: int, columns: Mapping[str, Any], finished_at: datetime) -> bool:
    """Store ``columns`` and the finish time if job ``pk`` still runs under ``attempt``."""
    params = [
        *db_values(columns),
        connection.ops.adapt_datetimefield_value(finished_at),
        column("pk").get_db_prep_value(pk, connection),
        JobRecordStatus.RUNNING.value,
        attempt,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_finish_sql(tuple(columns)), params)
        changed: int = cursor.rowcount
    return changed == 1


@cache
def _claim_sql(assigned: tuple[str, ...], returned: tuple[str, ...], pick_sql: str) -> str:
    worker_ids = quoted("worker_ids")
    assignments = ", ".join(f"{quoted(name)} = %s" for name in assigned)
    returning = ", ".join(quoted(name) for name in returned)
    # Names from the model's own meta, every value a parameter.
    return (
        f"UPDATE {job_table()} SET {assignments}, "  # noqa: S608
        f"{quoted('attempts')} = {quoted('attempts')} + 1, "
        f"{worker_ids} = CASE WHEN {worker_ids} IS NULL THEN NULL "
        f"ELSE json_insert({worker_ids}, '$[#]', %s) END "
        f"WHERE {quoted('pk')} IN ({pick_sql}) "
        f"RETURNING {returning}, {quoted('task_priority')}, {quoted('created_at')}"
    )


@cache
def _payloads_sql(count: int) -> str:
    # Names from the model's own meta, every value a parameter.
    return (
        f"SELECT job_id, json_text FROM {payload_table()} "  # noqa: S608
        f"WHERE job_id IN ({', '.join(['%s'] * count)})"
    )


@cache
def _finish_sql(assigned: tuple[str, ...]) -> str:
    assignments = ", ".join(f"{quoted(name)} = %s" for name in assigned)
    # Names from the model's own meta, every value a parameter.
    return (
        f"UPDATE {job_table()} SET {assignments}, "  # noqa: S608
        f"{quoted('finished_at')} = %s, {quoted('lease_expires_at')} = NULL "
        f"WHERE {quoted('pk')} = %s AND {quoted('status')} = %s AND {quoted('attempts')} = %s"
    )
