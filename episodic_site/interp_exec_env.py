"""``settings.INTERP_EXEC`` from ``INTERP_EXEC_*`` environment variables.

Only the variables that are set become keys: ``interp_exec.core.conf.DEFAULTS``
documents and supplies every other value, so the defaults live in one place.
"""

from typing import Any

from episodic_site.env import env_bool, env_float, env_int, env_rate, env_str


def interp_exec_settings() -> dict[str, Any]:
    """The ``INTERP_EXEC`` keys that the environment sets, parsed and checked."""
    from_env: dict[str, Any] = {
        # Checked by interp_exec itself, which owns the list of modes.
        "DEFAULT_MODE": env_str("INTERP_EXEC_DEFAULT_MODE", None),
        "MIN_TASK_SIZE": env_int("INTERP_EXEC_MIN_TASK_SIZE", None, minimum=0),
        "MAX_PAYLOAD_BYTES": env_int("INTERP_EXEC_MAX_PAYLOAD_BYTES", None, minimum=1),
        "MAX_WORKERS": env_int("INTERP_EXEC_MAX_WORKERS", None, minimum=1),
        "TIMEOUT_S": env_float("INTERP_EXEC_TIMEOUT_S", None, minimum=0),
        "PROCESSES_ENABLED": env_bool("INTERP_EXEC_PROCESSES_ENABLED", None),
        "LEASE_MARGIN_S": env_float("INTERP_EXEC_LEASE_MARGIN_S", None, minimum=0),
        "JOB_MAX_ATTEMPTS": env_int("INTERP_EXEC_JOB_MAX_ATTEMPTS", None, minimum=1),
        "QUEUED_GRACE_S": env_float("INTERP_EXEC_QUEUED_GRACE_S", None, minimum=1),
        "FLAG_REFRESH_S": env_float("INTERP_EXEC_FLAG_REFRESH_S", None, minimum=0),
        "DRAIN_BUDGET_S": env_float("INTERP_EXEC_DRAIN_BUDGET_S", None, minimum=0),
        "MAX_ABANDONED_INTERPRETERS": env_int(
            "INTERP_EXEC_MAX_ABANDONED_INTERPRETERS", None, minimum=0
        ),
        "MAX_QUEUED_PER_USER": env_int("INTERP_EXEC_MAX_QUEUED_PER_USER", None, minimum=0),
        "OTEL_SPANS": env_bool("INTERP_EXEC_OTEL_SPANS", None),
        "API_RATE": env_rate("EPISODIC_API_RATE", None),
        "API_MAX_BODY_BYTES": env_int("EPISODIC_API_MAX_BODY_BYTES", None, minimum=1),
        "METRICS_TOKEN": env_str("METRICS_TOKEN", None),
        # Checked against its upper bound (1) by interp_exec.routing.auto_figures.
        "AUTO_EXPLORE_SHARE": env_float("INTERP_EXEC_AUTO_EXPLORE_SHARE", None, minimum=0),
        "AUTO_WINDOW": env_int("INTERP_EXEC_AUTO_WINDOW", None, minimum=1),
        "AUTO_MIN_JOBS": env_int("INTERP_EXEC_AUTO_MIN_JOBS", None, minimum=1),
        "AUTO_REFRESH_S": env_float("INTERP_EXEC_AUTO_REFRESH_S", None, minimum=0),
        "AUTO_SEED_BUDGET_S": env_float("INTERP_EXEC_AUTO_SEED_BUDGET_S", None, minimum=0),
    }
    settings = {key: value for key, value in from_env.items() if value is not None}
    # An environment variable cannot hold None; 0 stands for "no time limit".
    # Likewise 0 stands for "no limit" on the count of a user's queued jobs.
    for key in ("TIMEOUT_S", "MAX_QUEUED_PER_USER"):
        if settings.get(key) == 0:
            settings[key] = None
    return settings
