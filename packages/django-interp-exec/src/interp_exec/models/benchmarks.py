"""Stored benchmark runs: what ``run_interp_bench`` measured, for the admin's charts.

A result row has a column for every field of ``bench.harness.ModeResult``, so the
command stores a result as it came and nothing is computed twice.
"""

from django.db import models


class BenchmarkRun(models.Model):
    """One run of ``run_interp_bench``: where, on what, with which options."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    host = models.CharField(max_length=200)
    cpu_count = models.PositiveSmallIntegerField()
    workers = models.PositiveSmallIntegerField(help_text="Size of each pool measured.")
    python_version = models.CharField(max_length=100)
    git_revision = models.CharField(max_length=64, blank=True)
    options = models.JSONField(default=dict)
    tolerance = models.FloatField(default=0.15)
    regressions = models.JSONField(
        default=list,
        blank=True,
        help_text="Workloads where interpreters lost to inline beyond tolerance on coarse jobs.",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Benchmark {self.created_at:%Y-%m-%d %H:%M} on {self.host}"


class BenchmarkResult(models.Model):
    """Figures of one workload in one mode within a run."""

    run = models.ForeignKey(BenchmarkRun, on_delete=models.CASCADE, related_name="results")
    workload = models.CharField(max_length=100)
    mode = models.CharField(max_length=16)
    size = models.PositiveIntegerField()
    jobs = models.PositiveIntegerField()
    workers = models.PositiveSmallIntegerField()
    wall_s_median = models.FloatField()
    wall_s_min = models.FloatField()
    wall_s_max = models.FloatField()
    jobs_per_s = models.FloatField()
    speedup_vs_inline = models.FloatField()
    overhead_us_per_job = models.FloatField(
        help_text="Round trip of a one-unit job, minus inline's."
    )
    pool_start_ms = models.FloatField(
        null=True, blank=True, help_text="Cold: construct the pool and start every worker."
    )
    first_job_ms = models.FloatField(
        null=True, blank=True, help_text="First job on a warm pool: round trip minus run time."
    )
    peak_rss_mb = models.FloatField(help_text="Peak RSS of this process and its children.")
    rss_delta_mb = models.FloatField(
        help_text="Peak RSS over the tree's RSS before the pool started."
    )
    results_identical = models.BooleanField(help_text="Every value equal to inline's.")

    class Meta:
        ordering = ["run", "workload", "mode"]
        constraints = [
            models.UniqueConstraint(fields=["run", "workload", "mode"], name="one_result_per_mode")
        ]

    def __str__(self) -> str:
        return f"{self.workload} / {self.mode}: {self.jobs_per_s:.2f} jobs/s"
