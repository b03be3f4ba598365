"""The policy from ``INTERP_EXEC`` alone: the default ``POLICY_SOURCE``, and the base
that a richer source (the site's flags) refines."""

from interp_exec.core import conf
from interp_exec.core.domain import CpuJob, DispatchPolicy, ExecutorMode
from interp_exec.core.workloads import get_workload


def settings_policy(job: CpuJob, mode: ExecutorMode | None) -> DispatchPolicy:
    """The policy from ``INTERP_EXEC`` and the workload's own threshold; the default
    ``POLICY_SOURCE``. Read once per job: it is on the path of every tiny job."""
    settings = conf.get_settings()
    timeout = settings["TIMEOUT_S"]
    threshold = settings["MIN_TASK_SIZE"]
    if threshold is None:
        threshold = get_workload(job.workload).min_task_size or 0
    return DispatchPolicy(
        mode=mode or ExecutorMode.parse(settings["DEFAULT_MODE"]),
        min_task_size=int(threshold),
        max_payload_bytes=int(settings["MAX_PAYLOAD_BYTES"]),
        max_workers=conf.resolve_max_workers(settings["MAX_WORKERS"]),
        timeout_s=float(timeout) if timeout is not None else None,
        processes_enabled=bool(settings["PROCESSES_ENABLED"]),
        source=f"get_cpu_port({mode.value!r})" if mode else "settings",
    )
