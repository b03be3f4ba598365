"""The pure routing decision: policy + job -> which adapter, and why.

The dispatcher feeds it facts (the job's size and payload size, and, only when it
is needed, the capability verdict for the workload); it answers with a ``Route``
that carries the reason a user will read in the outcome and the dispatch log.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from interp_exec.core.domain.auto_choice import AutoChoice
from interp_exec.core.domain.jobs import CpuJob
from interp_exec.core.domain.modes import AUTO, ExecutorMode


@dataclass(frozen=True, slots=True)
class DispatchPolicy:
    """Where jobs of one workload should run and within which limits.

    ``source`` names what decided it (a flag, the kill switch, the settings) so a
    surprising route can be traced back to the switch that caused it.
    """

    mode: ExecutorMode = ExecutorMode.INLINE
    min_task_size: int = 0
    max_payload_bytes: int = 2_000_000
    max_workers: int = 1
    timeout_s: float | None = None
    processes_enabled: bool = True
    # Jobs that may bring down the process running them: only ever in processes.
    isolated: bool = False
    source: str = "settings"
    # Set when the flag's mode is auto: ``mode`` is auto's choice for this job.
    auto: AutoChoice | None = None

    def __post_init__(self) -> None:
        if self.min_task_size < 0:
            raise ValueError("min_task_size must be >= 0")
        if self.max_payload_bytes <= 0:
            raise ValueError("max_payload_bytes must be > 0")
        if self.max_workers < 1:
            raise ValueError("max_workers must be >= 1")
        if self.timeout_s is not None and self.timeout_s <= 0:
            raise ValueError("timeout_s must be > 0 or None")

    @property
    def requested(self) -> str:
        """The mode asked for, as outcomes and the dispatch log record it: "auto" when
        auto chose ``mode``."""
        return AUTO if self.auto is not None else self.mode.value

    def reason(self, route: Route) -> str:
        """Why the job runs where ``route`` sends it: auto's reason for its choice, then
        the fallback's on top of it, if any."""
        if self.auto is None:
            return route.fallback_reason
        return "; ".join(r for r in (self.auto.reason, route.fallback_reason) if r)

    @property
    def fallback_mode(self) -> ExecutorMode:
        """Where a job goes that cannot run in a subinterpreter."""
        return ExecutorMode.PROCESSES if self.processes_enabled else ExecutorMode.INLINE


def with_job_isolation(policy: DispatchPolicy, job: CpuJob) -> DispatchPolicy:
    """``policy`` as it applies to ``job``: isolated as well when the job itself is."""
    if not job.isolated or policy.isolated:
        return policy
    return dataclasses.replace(
        policy, isolated=True, source=f"{policy.source}; an earlier run of the job lost its worker"
    )


@dataclass(frozen=True, slots=True)
class CapabilityVerdict:
    """Whether a workload's imports load in a subinterpreter, and if not, why.

    ``for_now``: not about the workload but about this process at the moment (it
    takes no subinterpreter jobs while too many abandoned ones still run).
    """

    interpreter_safe: bool
    reason: str = ""
    for_now: bool = False


@dataclass(frozen=True, slots=True)
class Route:
    """Where a job goes; when that is not where it was asked to go, why, in a sentence
    for people (``fallback_reason``) and a fixed kind for counting (``fallback_kind``)."""

    mode: ExecutorMode
    fallback_reason: str = ""
    fallback_kind: str = ""

    @property
    def small_job(self) -> bool:
        """Kept inline only for being under the threshold: the everyday case, which a
        busy site should not log at info level."""
        return self.fallback_kind == SMALL_JOB


# The kinds of fallback, a fixed set (metrics count by it).
SMALL_JOB = "below_min_task_size"
ISOLATED = "isolated"
INTERPRETERS_UNAVAILABLE = "interpreters_unavailable"
NOT_INTERPRETER_SAFE = "not_interpreter_safe"
REFUSED_AT_RUN_TIME = "refused_at_run_time"


def decide_route(
    policy: DispatchPolicy,
    size: int,
    verdict: Callable[[], CapabilityVerdict],
) -> Route:
    """Pick the adapter for a job; ``verdict`` is only called when it matters."""
    requested = policy.mode
    if policy.isolated and requested is not ExecutorMode.PROCESSES:
        return Route(
            ExecutorMode.PROCESSES,
            "isolated: this workload's jobs may bring down the process that runs them, "
            "so they run only in processes",
            ISOLATED,
        )
    if requested is ExecutorMode.INLINE:
        return Route(requested)
    if size < policy.min_task_size:
        return Route(
            ExecutorMode.INLINE,
            f"size {size} is below min_task_size {policy.min_task_size}: "
            "a pool round trip would cost more than it saves",
            SMALL_JOB,
        )
    if requested is ExecutorMode.INTERPRETERS:
        capability = verdict()
        if capability.for_now:
            return Route(
                policy.fallback_mode,
                f"subinterpreters unavailable: {capability.reason}",
                INTERPRETERS_UNAVAILABLE,
            )
        if not capability.interpreter_safe:
            return Route(
                policy.fallback_mode,
                f"not interpreter-safe: {capability.reason}",
                NOT_INTERPRETER_SAFE,
            )
    return Route(requested)
