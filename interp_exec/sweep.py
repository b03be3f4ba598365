"""The lease sweep as its django-q2 schedule names it: ``interp_exec.sweep.sweep_expired_jobs``.

Schedule rows in the database carry this dotted path, so it stays here; the
sweep itself lives in ``interp_exec.task_queue.sweep``.
"""

from interp_exec.task_queue.sweep import sweep_expired_jobs

__all__ = ["sweep_expired_jobs"]
