"""Jobs by state and the oldest queued job's age, read from the job records at scrape time.

These are facts about the shared database, not about a process, so they are not
kept in the per-process metric files (every process would report the same
rows); the ``/metrics/`` view adds this collector to the one scrape it serves.
"""

from collections.abc import Iterator

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from interp_exec.models import CpuJobRecord, JobRecordStatus

FINISHED = "finished"


class JobRecordCollector(Collector):
    """``interp_exec_jobs{state}`` (queued, running, finished) and the oldest queued age."""

    def collect(self) -> Iterator[Metric]:
        counts = {JobRecordStatus.QUEUED.value: 0, JobRecordStatus.RUNNING.value: 0, FINISHED: 0}
        by_status = CpuJobRecord.objects.values_list("status").annotate(n=Count("pk"))
        for status, n in by_status.order_by():
            key = status if status in counts else FINISHED
            counts[key] += n
        jobs = GaugeMetricFamily(
            "interp_exec_jobs", "Queued CPU jobs by state (job records).", labels=["state"]
        )
        for state, n in counts.items():
            jobs.add_metric([state], n)
        yield jobs

        oldest = CpuJobRecord.objects.filter(status=JobRecordStatus.QUEUED).aggregate(
            oldest=Min("queued_at")
        )["oldest"]
        age_s = 0.0 if oldest is None else (timezone.now() - oldest).total_seconds()
        yield GaugeMetricFamily(
            "interp_exec_oldest_queued_job_age_seconds",
            "Seconds the longest-waiting queued job has waited since it was (re)queued; 0 if none.",
            value=max(age_s, 0.0),
        )
