"""The callables django-q2 runs, named by the dotted paths stored outside this code.

Every queued task carries ``interp_exec.q2_entry_points.run_cpu_job`` in the
broker, and the lease sweep's schedule row carries
``interp_exec.q2_entry_points.sweep_expired_jobs`` in the database: those strings
outlive a deploy, so these names stay here whatever moves behind them. The task
lives in ``interp_exec.task_queue.drain``, the sweep in ``interp_exec.task_queue.sweep``.
"""

from interp_exec.task_queue.drain import run_cpu_job
from interp_exec.task_queue.sweep import sweep_expired_jobs

__all__ = ["run_cpu_job", "sweep_expired_jobs"]
