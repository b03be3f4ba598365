"""How long a worker's claim on a queued job holds, and when a job counts as lost.

The queue's own settings (``INTERP_EXEC``'s ``LEASE_MARGIN_S``, ``JOB_MAX_ATTEMPTS``,
``QUEUED_GRACE_S``) read together with django-q2's ``Q_CLUSTER``: a lease must
outlive the longest a delivery may run, and a task counts as lost after the
broker's own retry.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings

from interp_exec.core.conf import get_setting

# Only when neither the task queue nor INTERP_EXEC sets a time limit.
UNLIMITED_LEASE_S = 3600.0
# django-q2's own default for Q_CLUSTER["retry"], for a site that does not set it.
Q2_DEFAULT_RETRY_S = 60


def task_queue_timeout_s() -> float | None:
    """Seconds django-q2 lets a task run before it kills the worker (``Q_CLUSTER["timeout"]``)."""
    timeout = _q_cluster().get("timeout")
    return float(timeout) if timeout else None


def lease_duration() -> timedelta:
    """How long a worker's claim on a job holds: until it must have finished or died.

    It outlives the longest a delivery may run by ``LEASE_MARGIN_S``, so a slow but
    live attempt is never taken over.
    """
    limit = task_queue_timeout_s() or get_setting("TIMEOUT_S") or UNLIMITED_LEASE_S
    return timedelta(seconds=float(limit) + float(get_setting("LEASE_MARGIN_S")))


def max_attempts() -> int:
    """Runs a job may start before a dead worker's job ends failed (``sweep``)."""
    return int(get_setting("JOB_MAX_ATTEMPTS"))


def queued_grace() -> timedelta:
    """How long a queued job may wait unclaimed before its task counts as lost."""
    seconds = get_setting("QUEUED_GRACE_S")
    if seconds is None:
        seconds = _q_cluster().get("retry", Q2_DEFAULT_RETRY_S)
    return timedelta(seconds=float(seconds))


def _q_cluster() -> dict[str, Any]:
    cluster: dict[str, Any] = getattr(settings, "Q_CLUSTER", {})
    return cluster
