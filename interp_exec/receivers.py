"""Signal receivers, connected in ``InterpExecConfig.ready``.

- ``post_migrate``: create the inactive per-workload flags and the kill switch, so
  the admin lists every switch it can turn on; and, with django-q2, the schedule
  of the lease sweep (``interp_exec.sweep``).
- django-q2's ``post_spawn`` (sent inside each worker process, after the fork):
  start that process's own interpreter pool. A pool made before the fork would be
  unusable in the child (its threads stay behind in the parent), so each worker
  builds its own, before its first task, instead of inside it.
"""

from typing import Any

import structlog

from interp_exec import bootstrap, flags

_logger = structlog.get_logger(__name__)


def create_workload_flags(**kwargs: Any) -> None:
    created = flags.ensure_workload_flags()
    if created:
        _logger.info("cpu.flags_created", flags=created)


def create_sweep_schedule(**kwargs: Any) -> None:
    # Connected only where django-q2 is installed; the sweep module imports it.
    from interp_exec import sweep

    if sweep.ensure_sweep_schedule():
        _logger.info("cpu.sweep_scheduled", func=sweep.SWEEP_TASK)


def warm_worker_pool(proc_name: str = "", **kwargs: Any) -> None:
    """Best effort: a worker that fails to warm up still serves, and warms on its first job."""
    try:
        workers = flags.pool_size()
        bootstrap.warm_up(workers)
    except Exception:
        _logger.exception("cpu.worker_warm_up_failed", proc_name=proc_name)
    else:
        _logger.info("cpu.worker_warmed_up", proc_name=proc_name, max_workers=workers)
