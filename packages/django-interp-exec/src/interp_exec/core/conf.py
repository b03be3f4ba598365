"""The one accessor for ``settings.INTERP_EXEC``, with its documented defaults.

The app's core (dispatcher, adapters, workloads) must work where Django is not set
up at all: inside every subinterpreter and in plain scripts. So the accessor falls
back to the defaults below when Django's settings are not configured, and it never
imports Django at module import time.

Three layers, each overriding the one before: ``DEFAULTS`` (what the core alone
does: the policy from these settings, no event sinks); the defaults the installed
Django apps give in their ``ready()`` (``use_app_default``: the admin's flags route
jobs, the dispatch log and, with ``interp_exec.contrib.metrics``, Prometheus see
every dispatch); and what the project sets in ``INTERP_EXEC``.
"""

import os
from typing import Any

DEFAULTS: dict[str, Any] = {
    # Modules whose import registers the project's workloads (``@cpu_workload``).
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
    # None: the policy comes from these settings alone. With the app installed:
    # its executor flags (interp_exec.routing.flag_policy.policy_from_flags).
    "POLICY_SOURCE": None,
    # Dotted paths of callables (event_name, fields) fed every dispatch event. With
    # the app installed: the dispatch log, and Prometheus when
    # interp_exec.contrib.metrics is installed too.
    "EVENT_SINKS": [],
    # Queued jobs (interp_exec.task_queue). A worker's claim on a job
    # lasts the task queue's timeout (Q_CLUSTER["timeout"]) plus this many seconds;
    # after that the job counts as abandoned by a dead worker.
    "LEASE_MARGIN_S": 60.0,
    # Runs a job may start; a job whose worker died this many times ends "failed"
    # instead of being queued again (it may be what kills its workers).
    "JOB_MAX_ATTEMPTS": 3,
    # Seconds a queued job may wait unclaimed before the sweep sends its task again
    # (the Redis broker loses the tasks a killed worker had taken). Keep it above
    # the longest backlog you expect: a resent task that does arrive twice runs once.
    # None: the task queue's retry (Q_CLUSTER["retry"]; django-q2's default is 60 s).
    "QUEUED_GRACE_S": None,
    # Seconds a process acts on its snapshot of the executor flags before it checks
    # the shared cache for a change: how long an admin's save takes to reach a
    # running worker (interp_exec.routing.flag_snapshot). 0: check before every job.
    "FLAG_REFRESH_S": 1.0,
    # Seconds one task delivery whose job went to a pool keeps claiming more queued
    # jobs for that pool (interp_exec.task_queue.drain); other tasks wait at most this long
    # behind it in a busy worker. 0: the delivery runs its own job only.
    "DRAIN_BUDGET_S": 2.0,
    # Subinterpreter jobs abandoned after their timeout (they cannot be stopped, and
    # each keeps a core busy) that may still run in one process; at this many, the
    # process sends no new job to subinterpreters (they go to the fallback) until
    # they end. The process cannot retire instead: its exit would wait for them.
    # None: no limit.
    "MAX_ABANDONED_INTERPRETERS": 2,
    # Auto mode (a flag's mode "auto", interp_exec.routing.auto_figures): the share of jobs
    # sent to a mode other than the one the figures favour, so that every mode
    # stays measured (0 to 1).
    "AUTO_EXPLORE_SHARE": 0.05,
    # Latest successful dispatches per workload, size band and mode that auto's
    # figures are taken from.
    "AUTO_WINDOW": 200,
    # Fewer dispatches than this in the window: the mode's figure comes from the
    # latest benchmark run instead (the log is too thin to trust).
    "AUTO_MIN_JOBS": 20,
    # Seconds a process uses its figures before it reads them again (0: every job,
    # for tests only: a read is two queries).
    "AUTO_REFRESH_S": 30.0,
    # Seconds a worker may spend, as it starts or when a flag is set to auto, measuring
    # the workloads on auto that have no figures at all (interp_exec.routing.auto_seed);
    # it starts no measurement past them. 0: none, auto learns from its jobs alone.
    "AUTO_SEED_BUDGET_S": 30.0,
    # Queued or running jobs one user may have at once; queue_cpu_job refuses more
    # (QueueLimitReached). None: no limit.
    "MAX_QUEUED_PER_USER": 100,
    # The JSON API (interp_exec.contrib.api): requests one person may make
    # ("N/second", "minute", "hour" or "day"), and the largest request body it reads
    # (None: twice MAX_PAYLOAD_BYTES); larger bodies answer 413.
    "API_RATE": "120/minute",
    "API_MAX_BODY_BYTES": None,
    # /metrics/ and /health/detail/ (interp_exec.ops.monitor_access): a monitor sends
    # "Authorization: Bearer <METRICS_TOKEN>"; empty: only signed-in staff may read them.
    "METRICS_TOKEN": "",
    # OpenTelemetry spans of each queued job (interp_exec.task_queue.job_spans), exported by
    # the SDK the host project configures. Off: OpenTelemetry is not imported.
    "OTEL_SPANS": False,
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
    if _merged is None or _merged[0] is not configured or _merged[1] != _app_defaults_version:
        _merged = (configured, _app_defaults_version, {**DEFAULTS, **_app_defaults, **configured})
    return _merged[2]


def use_app_default(name: str, value: Any) -> None:
    """Make ``value`` the default of ``name`` while Django runs (an app's ``ready()``);
    ``INTERP_EXEC`` still overrides it."""
    global _app_defaults_version
    if name not in DEFAULTS:
        raise KeyError(f"unknown INTERP_EXEC setting {name!r}; known: {sorted(DEFAULTS)}")
    _app_defaults[name] = value
    _app_defaults_version += 1


def add_app_event_sink(path: str) -> None:
    """Add an installed app's event sink to the default ``EVENT_SINKS``."""
    sinks = list(_app_defaults.get("EVENT_SINKS", DEFAULTS["EVENT_SINKS"]))
    if path not in sinks:
        use_app_default("EVENT_SINKS", [*sinks, path])


def default_max_workers() -> int:
    """The pool size used when neither a flag nor the settings give one."""
    return resolve_max_workers(get_setting("MAX_WORKERS"))


def resolve_max_workers(configured: Any) -> int:
    """``MAX_WORKERS`` as a number: blank means one worker per core this process may use."""
    return int(configured) if configured else (os.process_cpu_count() or 1)


_NOTHING_CONFIGURED: dict[str, Any] = {}
# Django's settings object once found (a job reads the settings several times:
# importing it again each time costs more than the read).
_django_settings: Any = None
_app_defaults: dict[str, Any] = {}
_app_defaults_version = 0
_merged: tuple[dict[str, Any], int, dict[str, Any]] | None = None


def _configured_settings() -> dict[str, Any]:
    # Django may be absent (a subinterpreter importing a workload module does not
    # need it), or present but unconfigured (a plain script): both mean defaults.
    global _django_settings
    if _django_settings is None:
        try:
            from django.conf import settings
        except ImportError:
            return _NOTHING_CONFIGURED
        if not settings.configured:
            return _NOTHING_CONFIGURED
        # Configured once, configured for good: the check is not made again.
        _django_settings = settings
    configured: dict[str, Any] = getattr(_django_settings, "INTERP_EXEC", _NOTHING_CONFIGURED)
    return configured
