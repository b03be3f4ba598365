"""A flag on auto: each job goes where its size band's figures say, and says why."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from waffle.models import Switch

from interp_exec import CpuJob, get_cpu_port
from interp_exec.core import conf
from interp_exec.core.domain import ExecutorMode
from interp_exec.core.pool_planning import pool_for, warm_up, workload_pools
from interp_exec.core.workloads import get_workload
from interp_exec.models import DispatchLog
from interp_exec.routing.flag_policy import DEFAULT_FLAG, KILL_SWITCH, flag_name, policy_from_flags
from interp_exec.routing.flag_snapshot import forget_flags
from tests.auto.logged import logged
from tests.bench.figures import figures, stored_run
from tests.event_recorder import RECORDED_EVENTS
from tests.flag_helpers import set_flag

ECHO = "tests.echo"
READABILITY = "transcript.readability"


def auto_settings(**changes: Any) -> Any:
    return override_settings(INTERP_EXEC={**settings.INTERP_EXEC, **changes})


@pytest.fixture(autouse=True)
def two_workers() -> Iterator[None]:
    set_flag(DEFAULT_FLAG, max_workers=2)
    with auto_settings(AUTO_EXPLORE_SHARE=0.0):
        yield


def policy(size: int, key: str = "job", workload: str = ECHO) -> Any:
    return policy_from_flags(CpuJob(workload, None, size=size, rollout_key=key), None)


def favour_interpreters_at_3000(workload: str = ECHO) -> None:
    """Band 2,048-4,095: interpreters 1.6x inline (12.5 ms / 2 workers vs 10 ms);
    band 64-127: inline, a pool costs 10x its run time there."""
    logged(workload, "inline", 3000, 10.0)
    logged(workload, "interpreters", 3000, 12.0, wait_ms=0.5)
    logged(workload, "processes", 3000, 14.0, wait_ms=2.0)
    logged(workload, "inline", 100, 0.05)
    logged(workload, "interpreters", 100, 0.05, wait_ms=0.4)


def test_each_band_goes_to_the_mode_its_figures_favour() -> None:
    set_flag(flag_name(ECHO), mode="auto", everyone=True)
    favour_interpreters_at_3000()

    large, small = policy(3000), policy(100)

    assert large.mode is ExecutorMode.INTERPRETERS
    assert large.requested == "auto"
    assert large.auto.reason == (
        "auto: interpreters, 1.6x inline at size 2,048-4,095 over the last 30 jobs"
    )
    assert small.mode is ExecutorMode.INLINE
    assert small.auto.reason.startswith("auto: inline, fastest (interpreters 0.22x")


def test_a_thin_log_falls_back_to_the_latest_benchmark_run() -> None:
    set_flag(flag_name(ECHO), mode="auto", everyone=True)
    logged(ECHO, "inline", 800, 1.0, jobs=5)  # fewer than AUTO_MIN_JOBS: not trusted
    logged(ECHO, "interpreters", 800, 50.0, jobs=5)
    # Measured at size 1000: inline 150 ms a job, interpreters 87.5 ms plus 0.12 ms overhead.
    run = stored_run([figures(ECHO, "inline"), figures(ECHO, "interpreters")])

    large, tiny = policy(800), policy(1)

    assert large.mode is ExecutorMode.INTERPRETERS
    assert large.auto.reason == (
        f"auto: interpreters, 1.7x inline at size 512-1,023 by benchmark run {run.pk}; still "
        "learning (a benchmark's figures until this site's jobs replace them; no figures for "
        "processes yet)"
    )
    assert tiny.mode is ExecutorMode.INLINE, "the pool's fixed overhead outweighs a 1-unit job"


def test_a_share_of_jobs_explores_the_other_modes() -> None:
    set_flag(flag_name(ECHO), mode="auto", everyone=True)
    favour_interpreters_at_3000()

    with auto_settings(AUTO_EXPLORE_SHARE=0.1):
        modes = [policy(3000, key=f"job-{n}").mode for n in range(2000)]

    explored = [m for m in modes if m is not ExecutorMode.INTERPRETERS]
    assert 0.08 < len(explored) / len(modes) < 0.12
    assert set(explored) == {ExecutorMode.INLINE, ExecutorMode.PROCESSES}


def test_kill_switch_untrusted_and_disabled_processes_still_apply() -> None:
    set_flag(flag_name(ECHO), mode="auto", everyone=True)
    logged(ECHO, "inline", 3000, 10.0)
    logged(ECHO, "processes", 3000, 2.0)
    assert policy(3000).mode is ExecutorMode.PROCESSES

    with auto_settings(AUTO_EXPLORE_SHARE=0.0, PROCESSES_ENABLED=False):
        assert policy(3000).mode is ExecutorMode.INLINE

    set_flag(flag_name("tests.crash"), mode="auto", everyone=True)
    logged("tests.crash", "processes", 3000, 1.0)
    logged("tests.crash", "inline", 3000, 2.0)
    logged("tests.crash", "interpreters", 3000, 0.1)
    assert policy(3000, workload="tests.crash").mode is ExecutorMode.PROCESSES, (
        "declared unsafe for subinterpreters: never sent there, however fast it looks"
    )

    set_flag(flag_name(ECHO), untrusted=True)
    isolated = policy(3000)
    assert (isolated.mode, isolated.isolated) == (ExecutorMode.PROCESSES, True)

    Switch.objects.filter(name=KILL_SWITCH).update(active=True)
    forget_flags()
    off = policy(3000)
    assert off.auto is None
    assert off.requested == "inline"


def test_the_threshold_overrides_auto_and_both_reasons_are_kept() -> None:
    set_flag(flag_name(ECHO), mode="auto", everyone=True, min_task_size=5000)
    favour_interpreters_at_3000()

    outcome = get_cpu_port().run(CpuJob(ECHO, {"n": 1}, size=3000))

    assert (outcome.mode_requested, outcome.mode_used) == ("auto", "inline")
    assert outcome.fallback_reason.startswith("auto: interpreters, 1.6x inline at size 2,048")
    assert "; size 3000 is below min_task_size 5000" in outcome.fallback_reason


def test_a_real_dispatch_on_auto_returns_what_inline_returns() -> None:
    set_flag(flag_name(READABILITY), mode="auto", everyone=True, min_task_size=0)
    favour_interpreters_at_3000(READABILITY)
    workload = get_workload(READABILITY)
    jobs = [
        CpuJob(
            READABILITY, workload.sample_payload(3000, seed), size=3000, rollout_key=f"job-{seed}"
        )
        for seed in range(12)
    ]

    with auto_settings(AUTO_EXPLORE_SHARE=0.5):
        outcomes = get_cpu_port().map(jobs)
    expected = get_cpu_port("inline").map(jobs)

    assert [o.value for o in outcomes] == [o.value for o in expected]
    assert all(o.ok and o.mode_requested == "auto" for o in outcomes)
    assert {o.mode_used for o in outcomes} == {"inline", "interpreters", "processes"}
    rows = DispatchLog.objects.filter(dispatch_id__in=[o.dispatch_id for o in outcomes])
    assert rows.count() == len(jobs)
    for row in rows:
        assert row.mode_requested == "auto"
        assert row.fallback_reason.startswith(
            "auto: interpreters, 1.6x" if row.mode_used == "interpreters" else "auto: exploring "
        )


def test_the_drain_claims_each_band_for_the_pool_auto_sends_it_to() -> None:
    set_flag(flag_name(ECHO), mode="auto", everyone=True, min_task_size=3000)
    favour_interpreters_at_3000()
    logged(ECHO, "inline", 70_000, 100.0)
    logged(ECHO, "processes", 70_000, 60.0)

    pools = workload_pools()

    assert pools == {
        (ExecutorMode.INTERPRETERS, 2): {ECHO: [(3000, 4096)]},
        (ExecutorMode.PROCESSES, 2): {ECHO: [(65_536, 131_072)]},
    }
    assert pool_for(CpuJob(ECHO, None, size=3500, rollout_key="a")) == (
        ExecutorMode.INTERPRETERS,
        2,
    )
    assert pool_for(CpuJob(ECHO, None, size=2500, rollout_key="a")) is None, "below the threshold"


def test_a_starting_worker_warms_the_pools_auto_explores_beside_those_it_favours() -> None:
    set_flag(flag_name(ECHO), mode="auto", everyone=True, min_task_size=0)
    stored_run([figures(ECHO, "inline"), figures(ECHO, "interpreters")])  # favours interpreters

    assert warm_up() == [(ExecutorMode.INTERPRETERS, 2)], "exploration off: the favoured pool"
    with auto_settings(AUTO_EXPLORE_SHARE=0.05):
        assert warm_up() == [(ExecutorMode.INTERPRETERS, 2), (ExecutorMode.PROCESSES, 2)]


def test_time_queued_behind_other_jobs_of_a_map_is_not_a_cost() -> None:
    set_flag(flag_name(ECHO), mode="auto", everyone=True)
    logged(ECHO, "inline", 3000, 10.0)
    # A map of 30 on two workers: the first jobs start at once, the rest queue.
    logged(ECHO, "interpreters", 3000, 12.0, wait_ms=0.5, jobs=6)
    logged(ECHO, "interpreters", 3000, 12.0, wait_ms=80.0, jobs=24)

    chosen = policy(3000)

    assert chosen.mode is ExecutorMode.INTERPRETERS
    assert chosen.auto.reason.startswith("auto: interpreters, 1.6x inline")


def test_what_batches_cost_the_workers_outranks_the_jobs_own_run_times() -> None:
    """Processes run each job faster here, but their batches cost more worker time per
    job (the host's encoding and transfer share the cores): interpreters win."""
    set_flag(flag_name(ECHO), mode="auto", everyone=True)
    logged(ECHO, "inline", 3000, 10.0, worker_ms=10.5)
    logged(ECHO, "interpreters", 3000, 12.0, wait_ms=0.5, worker_ms=13.0)
    logged(ECHO, "processes", 3000, 9.0, wait_ms=0.2, worker_ms=16.0)

    chosen = policy(3000)

    assert chosen.mode is ExecutorMode.INTERPRETERS
    # 10.5 ms inline against 13.0 / 2 workers.
    assert chosen.auto.reason.startswith("auto: interpreters, 1.6x inline")


def test_a_map_logs_each_groups_worker_time_per_job() -> None:
    set_flag(flag_name(ECHO), mode="interpreters", everyone=True, min_task_size=10)
    jobs = [CpuJob(ECHO, {"n": n}, size=5 if n < 2 else 50) for n in range(6)]

    get_cpu_port().map(jobs)

    rows = list(DispatchLog.objects.values_list("mode_used", "worker_ms_per_job"))
    by_mode: dict[str, set[float | None]] = {}
    for mode, worker_ms in rows:
        by_mode.setdefault(mode, set()).add(worker_ms)
    assert sorted(mode for mode, _ in rows) == ["inline"] * 2 + ["interpreters"] * 4
    # One figure per group, shared by its jobs.
    (inline_ms,), (pool_ms,) = by_mode["inline"], by_mode["interpreters"]
    assert inline_ms is not None
    assert pool_ms is not None
    assert inline_ms > 0
    assert pool_ms > 0


def test_auto_choice_is_a_dispatch_not_a_fallback_and_an_override_is_one() -> None:
    set_flag(flag_name(ECHO), mode="auto", everyone=True)
    favour_interpreters_at_3000()
    RECORDED_EVENTS.clear()
    sinks = [*conf.get_setting("EVENT_SINKS"), "tests.event_recorder.record_event"]

    with auto_settings(AUTO_EXPLORE_SHARE=0.0, EVENT_SINKS=sinks):
        get_cpu_port().run(CpuJob(ECHO, {"n": 1}, size=3000))
        set_flag(flag_name(ECHO), min_task_size=5000)
        forget_flags()
        get_cpu_port().run(CpuJob(ECHO, {"n": 1}, size=3000))

    starts = [(e, f) for e, f in RECORDED_EVENTS if e in {"cpu.dispatch", "cpu.fallback"}]
    (chosen_event, chosen), (override_event, override) = starts
    assert chosen_event == "cpu.dispatch"
    assert (chosen["mode_requested"], chosen["mode_used"]) == ("auto", "interpreters")
    assert chosen["auto_reason"].startswith("auto: interpreters, 1.6x inline")
    assert override_event == "cpu.fallback"
    assert override["fallback_kind"] == "below_min_task_size"
    assert override["mode_requested"] == "auto"


def test_seeded_figures_send_every_band_from_the_break_even_size_up_to_the_pool() -> None:
    set_flag(flag_name(ECHO), mode="auto", everyone=True, min_task_size=0)
    # Inline 0.15 ms a unit; interpreters 0.087 ms a unit plus 0.12 ms a job: even at ~2.
    stored_run([figures(ECHO, "inline"), figures(ECHO, "interpreters")])

    assert workload_pools() == {(ExecutorMode.INTERPRETERS, 2): {ECHO: [(2, None)]}}
