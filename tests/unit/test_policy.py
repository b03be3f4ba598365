"""The pure routing decision."""

import pytest

from interp_exec.core.domain import CapabilityVerdict, DispatchPolicy, ExecutorMode, decide_route
from interp_exec.core.domain.errors import UnknownExecutorMode

SAFE = CapabilityVerdict(True)


def never_probed() -> CapabilityVerdict:
    raise AssertionError("the probe must not run for this route")


def test_inline_policy_never_probes() -> None:
    route = decide_route(DispatchPolicy(ExecutorMode.INLINE), 10**9, never_probed)
    assert route.mode is ExecutorMode.INLINE
    assert route.fallback_reason == ""


def test_small_jobs_run_inline_and_say_why() -> None:
    policy = DispatchPolicy(ExecutorMode.INTERPRETERS, min_task_size=1000)
    route = decide_route(policy, 999, never_probed)
    assert route.mode is ExecutorMode.INLINE
    assert "size 999 is below min_task_size 1000" in route.fallback_reason


def test_job_at_threshold_goes_to_the_pool() -> None:
    policy = DispatchPolicy(ExecutorMode.INTERPRETERS, min_task_size=1000)
    assert decide_route(policy, 1000, lambda: SAFE).mode is ExecutorMode.INTERPRETERS


def test_unsafe_workload_goes_to_processes_with_the_probe_reason() -> None:
    policy = DispatchPolicy(ExecutorMode.INTERPRETERS)
    route = decide_route(policy, 5, lambda: CapabilityVerdict(False, "import numpy fails"))
    assert route.mode is ExecutorMode.PROCESSES
    assert route.fallback_reason == "not interpreter-safe: import numpy fails"


def test_unsafe_workload_runs_inline_when_processes_are_disabled() -> None:
    policy = DispatchPolicy(ExecutorMode.INTERPRETERS, processes_enabled=False)
    route = decide_route(policy, 5, lambda: CapabilityVerdict(False, "x"))
    assert route.mode is ExecutorMode.INLINE


def test_processes_mode_does_not_probe() -> None:
    policy = DispatchPolicy(ExecutorMode.PROCESSES)
    assert decide_route(policy, 5, never_probed).mode is ExecutorMode.PROCESSES


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_task_size": -1},
        {"max_payload_bytes": 0},
        {"max_workers": 0},
        {"timeout_s": 0},
    ],
)
def test_policy_rejects_impossible_limits(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        DispatchPolicy(**kwargs)  # type: ignore[arg-type]


def test_unknown_mode_names_the_choices() -> None:
    with pytest.raises(UnknownExecutorMode, match="inline, interpreters, processes"):
        ExecutorMode.parse("threads")
