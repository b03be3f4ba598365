"""The one accessor for ``settings.INTERP_EXEC``, with its documented defaults.

The app's core (dispatcher, adapters, workloads) must work where Django is not set
up at all: inside every subinterpreter and in plain scripts. So the accessor falls
back to the defaults below when Django's settings are not configured, and it never
imports Django at module import time.
"""

import os
from typing import Any

DEFAULTS: dict[str, Any] = {
    # Extra modules whose import registers a host project's own workloads.
    "WORKLOADS": [],
    # Where jobs run when no flag says otherwise: "inline" | "interpreters" | "processes".
    "DEFAULT_MODE": "inline",
    # Jobs smaller than this (in the workload's own work units) run inline: a pool
    # round trip costs 0.3-1 ms here (docs/rollout.md), which only pays off for
    # jobs well above it. None: each workload's own min_task_size (declared with
    # cpu_workload), or 0 where it declares none. A number applies to every workload.
    "MIN_TASK_SIZE": None,
    # JSON payloads above this many bytes are refused before they reach a pool.
    "MAX_PAYLOAD_BYTES": 2_000_000,
    # Size of each pool in this process; None means the machine's core count.
    "MAX_WORKERS": None,
    # Seconds a job may run before its outcome is "timed_out"; None means no limit.
    "TIMEOUT_S": 300.0,
    # When False, workloads that cannot run in subinterpreters run inline instead.
    "PROCESSES_ENABLED": True,
    # Dotted path of a callable (job, mode_override) -> DispatchPolicy, resolved late.
    # None: the policy comes from these settings alone.
    "POLICY_SOURCE": None,
    # Dotted paths of callables (event_name, fields) fed every dispatch event.
    "EVENT_SINKS": [],
    # Queued jobs (interp_exec.tasks, interp_exec.sweep). A worker's claim on a job
    # lasts the task queue's timeout (Q_CLUSTER["timeout"]) plus this many seconds;
    # after that the job counts as abandoned by a dead worker.
    "LEASE_MARGIN_S": 60.0,
    # Runs a job may start; a job whose worker died this many times ends "failed"
    # instead of being queued again (it may be what kills its workers).
    "JOB_MAX_ATTEMPTS": 3,
    # Seconds a queued job may wait unclaimed before the sweep sends its task again
    # (the Redis broker loses the tasks a killed worker had taken). Keep it above
    # the longest backlog you expect: a resent task that does arrive twice runs once.
    # None: the task queue's retry (Q_CLUSTER["retry"], 720 s by default).
    "QUEUED_GRACE_S": None,
    # Seconds a process acts on its snapshot of the executor flags before it checks
    # the shared cache for a change: how long an admin's save takes to reach a
    # running worker (interp_exec.flag_snapshot). 0: check before every job.
    "FLAG_REFRESH_S": 1.0,
    # Seconds one task delivery whose job went to a pool keeps claiming more queued
    # jobs for that pool (interp_exec.tasks); other tasks wait at most this long
    # behind it in a busy worker. 0: the delivery runs its own job only.
    "DRAIN_BUDGET_S": 2.0,
}


def get_setting(name: str) -> Any:
    """Return ``INTERP_EXEC[name]`` from Django's settings, or its default."""
    if name not in DEFAULTS:
        raise KeyError(f"unknown INTERP_EXEC setting {name!r}; known: {sorted(DEFAULTS)}")
    return get_settings()[name]


def get_settings() -> dict[str, Any]:
    """Every setting at once (read it, do not change it): the dispatcher reads several
    per job, so the merge with the defaults is kept until ``INTERP_EXEC`` is replaced
    (as ``override_settings`` does)."""
    global _merged
    configured = _configured_settings()
    if _merged is None or _merged[0] is not configured:
        _merged = (configured, {**DEFAULTS, **configured})
    return _merged[1]


def default_max_workers() -> int:
    """The pool size used when neither a flag nor the settings give one."""
    return resolve_max_workers(get_setting("MAX_WORKERS"))


def resolve_max_workers(configured: Any) -> int:
    """``MAX_WORKERS`` as a number: blank means one worker per core this process may use."""
    return int(configured) if configured else (os.process_cpu_count() or 1)


_NOTHING_CONFIGURED: dict[str, Any] = {}
_merged: tuple[dict[str, Any], dict[str, Any]] | None = None


def _configured_settings() -> dict[str, Any]:
    # Django may be absent (a subinterpreter importing a workload module does not
    # need it), or present but unconfigured (a plain script): both mean defaults.
    try:
        from django.conf import settings
    except ImportError:
        return _NOTHING_CONFIGURED
    if not settings.configured:
        return _NOTHING_CONFIGURED
    configured: dict[str, Any] = getattr(settings, "INTERP_EXEC", _NOTHING_CONFIGURED)
    return configured
