"""The queue's two hot statements on PostgreSQL, each one set-based round trip.

A worker filling its pool claims a batch of jobs and stores a batch of outcomes
while its subinterpreters compute; on a two-core host the database server and
this thread take their cores from the pool, so each statement saved is work
taken off the pool's cores. The ORM spends three statements and a transaction on
a claim (``SELECT ... FOR UPDATE SKIP LOCKED``, ``UPDATE``, the payloads'
``SELECT``) and one ``UPDATE`` per job on a store; here:

- ``claim_returning``: ``UPDATE ... FROM (SELECT ... FOR UPDATE SKIP LOCKED) picked
  LEFT JOIN payloads ... RETURNING`` claims the picked rows, adds this worker to a
  task job's ``worker_ids`` and reads them with their payload text, at once;
- ``finish_returning``: ``UPDATE ... FROM (VALUES ...) RETURNING id`` stores every
  outcome of a batch whose attempt still owns its job, and names those stored; the
  batch's dispatch-log rows go in the same statement (a ``WITH`` of both), so a
  store is one round trip and one transaction instead of five (BEGIN, UPDATE,
  INSERT, COMMIT and the claim's UPDATE, which now follows on its own).

The jobs a claim picks are ``claim_sql``'s, as on SQLite (``sqlite_claims``), so
both databases take the same jobs in the same order; ``job_claims`` picks the
module by the database.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Field

from interp_exec.models import JobRecordStatus
from interp_exec.task_queue.claim_sql import (
    Claim,
    column,
    in_claim_order,
    job_table,
    payload_table,
    quoted,
    typed_rows,
)
from interp_exec.telemetry.dispatch_log_sink import insert_statement


def claim_returning(claim: Claim, *, skip_locked: bool) -> list[tuple[Any, ...]]:
    """Claim the rows ``claim.picking`` selects with its columns set and ``attempts``
    raised; each row as the fields ``returned`` (their values after the claim) plus its
    payload's text (None for a sampled job), in the order the picking gives.

    The picked rows are locked (``FOR UPDATE``): rows another transaction holds are
    skipped with ``skip_locked``, else waited for and claimed only if still picked.
    One statement, so it needs no transaction of its own (its BEGIN and COMMIT would
    be two round trips)."""
    sql, params = _claim_statement(claim, skip_locked=skip_locked)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return typed_rows(in_claim_order(cursor.fetchall()), claim.returned)


def finish_returning(
    finished: Iterable[tuple[Any, int, Mapping[str, Any]]],
    finished_at: datetime,
    log_rows: list[list[Any]],
    then_claim: Claim | None = None,
) -> tuple[set[Any], list[tuple[Any, ...]]]:
    """Store ``(job id, attempt, columns)`` where the job still runs under that attempt,
    and the dispatch-log rows, and make ``then_claim`` (skipping locked rows), in one
    statement; the ids stored and the rows claimed (as ``claim_returning`` gives them).
    One ``UPDATE`` per shape of ``columns`` (an outcome's, or an error's), each a
    ``WITH`` of it. The claim picks queued jobs and the store running ones, so the two
    never touch the same row."""
    by_shape: dict[tuple[str, ...], list[tuple[Any, int, Mapping[str, Any]]]] = {}
    for item in finished:
        by_shape.setdefault(tuple(item[2]), []).append(item)
    parts: list[str] = []
    params: list[Any] = []
    for names, items in by_shape.items():
        sql, shape_params = _finish_shape(names, items, finished_at)
        parts.append(f"stored_{len(parts)} AS ({sql})")
        params += shape_params
    # Names of our own making, every value a parameter.
    selects = [f"SELECT id FROM stored_{n}" for n in range(len(parts))]  # noqa: S608
    if log_rows:
        sql, log_params = insert_statement(log_rows)
        parts.append(f"logged AS ({sql})")
        params += log_params
    if then_claim is not None:
        sql, claim_params = _claim_statement(then_claim, skip_locked=True)
        parts.append(f"claimed AS ({sql})")
        params += claim_params
    if not parts:
        return set(), []
    # Every data-modifying WITH runs to completion, read by the SELECT or not.
    stored = " UNION ALL ".join(selects) if selects else "SELECT NULL::uuid AS id WHERE false"
    # The stored ids and the claimed rows side by side, each row one or the other
    # (names of our own making).
    select = (
        f"SELECT stored.id, claimed.* FROM ({stored}) AS stored FULL JOIN claimed ON false"  # noqa: S608
        if then_claim is not None
        else stored
    )
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} {select}", params)
        rows = cursor.fetchall()
    if then_claim is None:
        return {row[0] for row in rows}, []
    claimed = [row[1:] for row in rows if row[0] is None]
    return {row[0] for row in rows if row[0] is not None}, typed_rows(
        in_claim_order(claimed), then_claim.returned
    )


def _claim_statement(claim: Claim, *, skip_locked: bool) -> tuple[str, list[Any]]:
    sql = _claim_sql(tuple(claim.columns), tuple(claim.returned), claim.picking[0], skip_locked)
    return sql, claim.params()


@cache
def _claim_sql(
    assigned: tuple[str, ...], returned: tuple[str, ...], pick_sql: str, skip_locked: bool
) -> str:
    # The lock goes last, after any LIMIT, where PostgreSQL takes it.
    pick_sql += " FOR UPDATE SKIP LOCKED" if skip_locked else " FOR UPDATE"
    assignments = ", ".join(f"{quoted(name)} = %s" for name in assigned)
    returning = ", ".join(f"job.{quoted(name)}" for name in returned)
    # Names from the model's own meta, every value a parameter.
    return (
        f"UPDATE {job_table()} AS job SET {assignments}, "  # noqa: S608
        "attempts = job.attempts + 1, "
        "worker_ids = CASE WHEN job.worker_ids IS NULL THEN NULL "
        "ELSE job.worker_ids || to_jsonb(%s::text) END "
        f"FROM ({pick_sql}) AS picked "
        f"LEFT JOIN {payload_table()} AS payload ON payload.job_id = picked.{quoted('pk')} "
        f"WHERE job.id = picked.{quoted('pk')} RETURNING {returning}, payload.json_text, "
        "job.task_priority, job.created_at"
    )


def _value_type(field: Field[Any, Any]) -> str:
    """The type a VALUES column is cast to: text for text of any length (assigning it
    to a bounded column still refuses a value too long, as the ORM's UPDATE would)."""
    if field.get_internal_type() in {"CharField", "TextField"}:
        return "text"
    return str(field.db_type(connection))


def _finish_shape(
    names: Sequence[str], items: list[tuple[Any, int, Mapping[str, Any]]], finished_at: datetime
) -> tuple[str, list[Any]]:
    quote = connection.ops.quote_name
    fields = [column(name) for name in names]
    # Typed in the first row: VALUES takes each column's type from its first value.
    casts = ", ".join(f"%s::{_value_type(field)}" for field in fields)
    row_sql = f"(%s::uuid, %s::integer, {casts})"
    params: list[Any] = []
    for pk, attempt, columns in items:
        params += [pk, attempt]
        params += [field.get_db_prep_save(columns[field.name], connection) for field in fields]
    aliases = ", ".join(quote(name) for name in names)
    assignments = ", ".join(f"{quote(name)} = v.{quote(name)}" for name in names)
    # Names from the model's own meta, every value a parameter.
    sql = (
        f"UPDATE {job_table()} AS job SET {assignments}, "  # noqa: S608
        "finished_at = %s, lease_expires_at = NULL "
        f"FROM (VALUES {', '.join([row_sql] * len(items))}) AS v(id, attempt, {aliases}) "
        "WHERE job.id = v.id AND job.status = %s AND job.attempts = v.attempt "
        "RETURNING job.id"
    )
    return sql, [finished_at, *params, JobRecordStatus.RUNNING.value]
