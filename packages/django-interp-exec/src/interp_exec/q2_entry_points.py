"""The callables django-q2 runs, named by the dotted paths stored outside this code.

Every queued task carries ``interp_exec.q2_entry_points.run_cpu_job`` in the
broker, the lease sweep's schedule row carries
``interp_exec.q2_entry_points.sweep_expired_jobs`` in the database, and a flag saved
on auto queues ``interp_exec.q2_entry_points.seed_auto_figures``: those strings
outlive a deploy, so these names stay here whatever moves behind them. The task
lives in ``interp_exec.task_queue.drain``, the sweep in ``interp_exec.task_queue.sweep``,
auto's measurement in ``interp_exec.routing.auto_seed``.
"""

from interp_exec.routing.auto_seed import seed_missing_figures
from interp_exec.task_queue.drain import run_cpu_job
from interp_exec.task_queue.queueing import MAX_JOB_SIZE
from interp_exec.task_queue.sweep import sweep_expired_jobs

__all__ = ["run_cpu_job", "seed_auto_figures", "sweep_expired_jobs"]


def seed_auto_figures() -> list[str]:
    """Measure the workloads on auto that have no figures, up to the largest job size."""
    return seed_missing_figures(MAX_JOB_SIZE)
