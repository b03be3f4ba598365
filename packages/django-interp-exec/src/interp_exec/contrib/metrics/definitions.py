"""The Prometheus metrics every process of the site records.

Values live in ``PROMETHEUS_MULTIPROC_DIR`` (settings set it before anything
imports ``prometheus_client``): each process writes its own files there, and the
``/metrics/`` view adds every process's figures up, so the q2 workers' counts
reach the scrape though only the web server serves it.

Labels stay few: a workload name (registered names only; an unregistered one is
``unregistered``), a mode, a status, and the route's fixed ``fallback_kind``
instead of the reason's text, which carries sizes and module names.
"""

from prometheus_client import Counter, Gauge, Histogram

# Jobs run from well under a millisecond (inline, tiny) to minutes (Q_TIMEOUT).
_SECONDS_BUCKETS = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
    60.0,
    300.0,
    float("inf"),
)

DISPATCHES = Counter(
    "interp_exec_dispatches",
    "Jobs the dispatcher finished, by where they ran and how they ended.",
    ["workload", "mode_used", "status"],
)
RUN_SECONDS = Histogram(
    "interp_exec_run_seconds",
    "Time a job's function ran, measured inside the worker (jobs that returned).",
    ["workload", "mode_used"],
    buckets=_SECONDS_BUCKETS,
)
WAIT_SECONDS = Histogram(
    "interp_exec_wait_seconds",
    "Time a job spent outside its function: queueing in a pool, transfer, pool start-up.",
    ["workload", "mode_used"],
    buckets=_SECONDS_BUCKETS,
)
TOTAL_SECONDS = Histogram(
    "interp_exec_total_seconds",
    "Time from dispatch to outcome, every finished job.",
    ["workload", "mode_used"],
    buckets=_SECONDS_BUCKETS,
)
FALLBACKS = Counter(
    "interp_exec_fallbacks",
    "Jobs routed elsewhere than their policy asked, by kind of reason.",
    ["workload", "mode_requested", "mode_used", "reason"],
)
REFUSALS = Counter(
    "interp_exec_refusals",
    "Jobs the dispatcher refused to run, by the refusal's error type.",
    ["workload", "reason"],
)
SWEEP_RUNS = Counter("interp_exec_sweep_runs", "Runs of the lease sweep.")
SWEEP_ACTIONS = Counter(
    "interp_exec_sweep_jobs",
    "Jobs the lease sweep changed: requeued (lease expired), resent (task lost "
    "while queued), gave_up (worker died JOB_MAX_ATTEMPTS times), due (a deferred "
    "task's run_after came).",
    ["action"],
)


# Per-process gauges (``process_gauges`` sets them): "liveall" keeps one series per
# live process, labelled with its pid, and drops a process's series when it exits.
POOL_WORKERS = Gauge(
    "interp_exec_pool_workers",
    "Workers in this process's pool of a mode, once the pool has started.",
    ["mode"],
    multiprocess_mode="liveall",
)
POOL_BUSY_WORKERS = Gauge(
    "interp_exec_pool_busy_workers",
    "Workers of this process's pool of a mode running a job now.",
    ["mode"],
    multiprocess_mode="liveall",
)
ABANDONED_INTERPRETERS = Gauge(
    "interp_exec_abandoned_interpreters",
    "Subinterpreter jobs abandoned after their timeout that still run in this process.",
    multiprocess_mode="liveall",
)
WORKER_MEMORY = Gauge(
    "interp_exec_worker_memory_bytes",
    "This q2 worker's memory (rss, pss), as of its last finished task or drained batch.",
    ["kind"],
    multiprocess_mode="liveall",
)

UNREGISTERED_WORKLOAD = "unregistered"
