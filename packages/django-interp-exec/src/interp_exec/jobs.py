"""Queued jobs, for code that runs in Django: the stable import path of
``queue_cpu_job`` and of the record it stores.

    from interp_exec.jobs import queue_cpu_job

    record = queue_cpu_job("myapp.word_count", size=1_000, payload={"text": text})
    record.refresh_from_db()  # later: record.status, record.value, record.mode_used

A django-q2 worker (``manage.py qcluster``) runs the job through the port; its
record holds the outcome.
"""

from interp_exec.models import CpuJobRecord, JobRecordStatus
from interp_exec.task_queue.queueing import queue_cpu_job

__all__ = ["CpuJobRecord", "JobRecordStatus", "queue_cpu_job"]
