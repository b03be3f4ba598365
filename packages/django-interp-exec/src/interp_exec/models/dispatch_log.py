from django.db import models


class DispatchLog(models.Model):
    """One row per dispatch through the site's ports, written from the dispatch events."""

    dispatch_id = models.CharField(max_length=32, unique=True)
    workload = models.CharField(max_length=100, db_index=True)
    mode_requested = models.CharField(max_length=16)
    mode_used = models.CharField(max_length=16, blank=True, db_index=True)
    fallback_reason = models.TextField(blank=True)
    policy_source = models.CharField(max_length=200, blank=True)
    size = models.BigIntegerField(default=0, help_text="As asked for, even when refused.")
    payload_bytes = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=16, db_index=True)
    error_type = models.CharField(max_length=200, blank=True)
    error_message = models.TextField(blank=True)
    error_traceback = models.TextField(blank=True)
    wait_ms = models.FloatField(default=0)
    run_ms = models.FloatField(default=0)
    total_ms = models.FloatField(default=0)
    worker_ms_per_job = models.FloatField(
        null=True,
        blank=True,
        help_text=(
            "Its batch's wall time times the workers it kept busy, per job: what the job "
            "cost its pool, host-side work included. Auto mode compares modes by it."
        ),
    )
    pid = models.PositiveIntegerField(null=True, blank=True)
    interpreter_id = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "dispatch log entry"
        verbose_name_plural = "dispatch log"

    def __str__(self) -> str:
        return f"{self.workload} {self.status} via {self.mode_used or '-'}"
