"""Signal receivers, connected in ``InterpExecConfig.ready``.

- ``post_migrate``: create the inactive per-workload flags and the kill switch, so
  the admin lists every switch it can turn on; and, with django-q2, the schedule
  of the lease sweep (``interp_exec.task_queue.sweep``).
- django-q2's ``post_spawn`` (sent inside each worker process, after the fork):
  queue again the jobs of this host's workers that died (a new worker is often
  the replacement of one that did; see ``task_queue.sweep``), measure the
  workloads on auto that have no figures yet (``routing.auto_seed``, bounded by
  ``AUTO_SEED_BUDGET_S``), then start that process's own pools, those the flags
  send jobs to. A pool made before the fork would be unusable in the child (its
  threads stay behind in the parent), so each worker builds its own, before its
  first task, instead of inside it.
- ``post_save`` of a flag on auto, with django-q2: after the commit, a task that
  measures the workloads it routes that have no figures, so auto need not wait
  for a worker to start.
"""

from typing import Any

import structlog
from django.db import transaction

from interp_exec.core import conf, pool_planning
from interp_exec.core.domain import AUTO
from interp_exec.models import ExecutorFlag
from interp_exec.routing import auto_seed, flag_policy
from interp_exec.routing.flag_snapshot import forget_flags

_logger = structlog.get_logger(__name__)


def create_workload_flags(**kwargs: Any) -> None:
    created = flag_policy.ensure_workload_flags()
    if created:
        _logger.info("cpu.flags_created", flags=created)


def create_sweep_schedule(**kwargs: Any) -> None:
    # Connected only where django-q2 is installed; the sweep module imports it.
    from interp_exec.task_queue import sweep

    if sweep.ensure_sweep_schedule():
        _logger.info("cpu.sweep_scheduled", func=sweep.SWEEP_TASK)


def warm_worker_pool(proc_name: str = "", **kwargs: Any) -> None:
    """Best effort: a worker that fails to warm up still serves, and warms on its first job."""
    # A snapshot of the flags inherited through the fork is as old as the parent's.
    forget_flags()
    try:
        # Imported here: the task queue's modules need django-q2.
        from interp_exec.task_queue.sweep import recover_jobs_of_dead_workers

        recover_jobs_of_dead_workers()
    except Exception:
        _logger.exception("cpu.dead_worker_recovery_failed", proc_name=proc_name)
    try:
        from interp_exec.task_queue.queueing import MAX_JOB_SIZE

        auto_seed.seed_missing_figures(MAX_JOB_SIZE)
    except Exception:
        _logger.exception("cpu.auto_seed_failed", proc_name=proc_name)
    try:
        pools = pool_planning.warm_up()
    except Exception:
        _logger.exception("cpu.worker_warm_up_failed", proc_name=proc_name)
    else:
        started = [f"{mode.value} x {workers}" for mode, workers in pools]
        _logger.info("cpu.worker_warmed_up", proc_name=proc_name, pools=started)


def measure_new_auto_flag(instance: ExecutorFlag, **kwargs: Any) -> None:
    """A flag saved on auto: queue ``auto_seed``'s task once the save is committed. A
    broker that refuses it is logged, and the save stands (auto then learns from its
    jobs, or from the next worker that starts)."""
    if instance.mode == AUTO and conf.get_setting("AUTO_SEED_BUDGET_S") > 0:
        transaction.on_commit(_queue_auto_seed, robust=True)


def _queue_auto_seed() -> None:
    from django_q.tasks import async_task

    async_task(auto_seed.SEED_TASK, task_name="auto mode: measure workloads without figures")
