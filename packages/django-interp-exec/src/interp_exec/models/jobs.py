"""A queued CPU job: the source of truth for its state, whatever the broker does.

The broker may deliver a task twice (ORM broker redelivery) or lose it (Redis
broker, killed worker); the record's status and lease are what decide whether a
delivery runs the job, and completion is written once.
"""

import json
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from interp_exec.core.domain import JobOutcome, JobStatus


class JobRecordStatus(models.TextChoices):
    """A record waits, runs, then ends as its outcome's ``JobStatus`` says.

    The ending states take their values from ``JobStatus`` (an outcome's status is
    stored as it is); they are named here again only because choices need a label.
    """

    QUEUED = "queued", "queued"
    RUNNING = "running", "running"
    OK = JobStatus.OK.value, "ok"
    FAILED = JobStatus.FAILED.value, "failed"
    TIMED_OUT = JobStatus.TIMED_OUT.value, "timed out"
    REFUSED = JobStatus.REFUSED.value, "refused"

    @classmethod
    def finished(cls) -> frozenset[str]:
        return frozenset(status.value for status in JobStatus)


class CpuJobRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    workload = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    seed = models.IntegerField(
        null=True,
        blank=True,
        help_text="No payload of its own: the job runs on the workload's sample for this seed.",
    )
    status = models.CharField(
        max_length=16, choices=JobRecordStatus.choices, default=JobRecordStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Runs started: each claim by a worker counts one."
    )
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    queued_at = models.DateTimeField(
        default=timezone.now,
        help_text="When its task was last sent to the task queue (by queueing or the sweep).",
    )
    trace_parent = models.CharField(
        max_length=55,
        blank=True,
        help_text="W3C traceparent of the request that queued it (with INTERP_EXEC_OTEL_SPANS).",
    )
    claimed_by = models.CharField(
        max_length=200, blank=True, help_text="host:pid of the worker that claimed it last."
    )

    dispatch_id = models.CharField(max_length=32, blank=True, db_index=True)
    mode_requested = models.CharField(max_length=16, blank=True)
    mode_used = models.CharField(max_length=16, blank=True)
    fallback_reason = models.TextField(blank=True)
    value = models.JSONField(null=True, blank=True)
    error_type = models.CharField(max_length=200, blank=True)
    error_message = models.TextField(blank=True)
    error_traceback = models.TextField(blank=True)
    wait_ms = models.FloatField(null=True, blank=True)
    run_ms = models.FloatField(null=True, blank=True)
    total_ms = models.FloatField(null=True, blank=True)

    # A job queued through ``django.tasks`` (``interp_exec.task_backend``): its
    # workload is the task's dotted path and its payload the call's arguments.
    task_backend = models.CharField(
        max_length=100,
        blank=True,
        help_text="The TASKS alias that queued it; blank: a workload job.",
    )
    task_queue = models.CharField(max_length=100, blank=True)
    task_priority = models.SmallIntegerField(
        default=0, help_text="Higher runs first among the queued jobs a worker takes (-100 to 100)."
    )
    run_after = models.DateTimeField(
        null=True, blank=True, help_text="Not run before this time (a deferred task)."
    )
    worker_ids = models.JSONField(
        null=True,
        blank=True,
        help_text="A task job's worker (host:pid) for each attempt; none for workload jobs.",
    )

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "lease_expires_at"]),
            models.Index(fields=["status", "queued_at"]),
            # The order a claim takes queued jobs in (task_queue.claim_sql): read in
            # order and stopped at its limit, where the database sorted every queued
            # job for each claim (migration 0010 has the figures).
            models.Index(
                fields=["status", "-task_priority", "created_at"],
                name="interp_exec_claim_order_idx",
            ),
        ]
        verbose_name = "CPU job"

    def __str__(self) -> str:
        return f"{self.workload} ({self.size}) {self.status}"

    def get_absolute_url(self) -> str:
        return reverse("interp_exec:job-detail", args=[self.pk])

    @property
    def payload(self) -> Any:
        """The job's own input (``CpuJobPayload``), or None for a sampled job."""
        try:
            text = self.stored_payload.json_text
        except CpuJobPayload.DoesNotExist:
            return None
        return json.loads(text)

    @property
    def is_task(self) -> bool:
        """Queued through ``django.tasks`` (``interp_exec.task_backend``)."""
        return bool(self.task_backend)

    @property
    def is_finished(self) -> bool:
        return self.status in JobRecordStatus.finished()

    @property
    def lease_expired(self) -> bool:
        """Running, but past its lease: the worker that claimed it stopped before finishing."""
        return (
            self.status == JobRecordStatus.RUNNING
            and self.lease_expires_at is not None
            and self.lease_expires_at < timezone.now()
        )

    @staticmethod
    def outcome_columns(outcome: JobOutcome) -> dict[str, Any]:
        """The columns an outcome sets, for one conditional ``UPDATE`` that finishes a job."""
        return {
            "status": outcome.status.value,
            "dispatch_id": outcome.dispatch_id,
            "mode_requested": outcome.mode_requested,
            "mode_used": outcome.mode_used,
            "fallback_reason": outcome.fallback_reason,
            "value": outcome.value,
            "error_type": outcome.error_type,
            "error_message": outcome.error_message,
            "error_traceback": outcome.error_traceback,
            "wait_ms": outcome.wait_ms,
            "run_ms": outcome.run_ms,
            "total_ms": outcome.total_ms,
        }


class CpuJobPayload(models.Model):
    """A job's own input, in a table of its own.

    The job's record is updated when a worker claims it and when it finishes; a
    payload of hundreds of kilobytes in the same row would be written again each
    time (SQLite rewrites a whole row on update), for a value that never changes.

    It is the JSON text the worker receives (``task_queue.stored_payloads``), in a text
    column: a JSON column would have the database parse it on insert and print it
    again on each claim. On PostgreSQL, storing and reading back a 190 KB transcript
    took 7.2 ms as ``jsonb`` and 1.4 ms as text compressed with lz4 (migration 0009).
    """

    job = models.OneToOneField(
        CpuJobRecord, on_delete=models.CASCADE, primary_key=True, related_name="stored_payload"
    )
    json_text = models.TextField()

    class Meta:
        verbose_name = "CPU job payload"

    def __str__(self) -> str:
        return f"payload of {self.job_id}"
