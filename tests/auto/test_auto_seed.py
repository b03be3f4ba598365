"""Auto mode's first figures: a short real measurement when a workload on auto has none.

Measured for real (the benchmark harness, every mode), stored as a benchmark run,
read by auto at once; once per workload, not again while figures exist, never past
the budget. End to end: a fresh site whose worker starts with a flag on auto sends
its first 20 large jobs where that measurement says.
"""

import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django_q.models import OrmQ

from interp_exec import CpuJob
from interp_exec.core.wiring import policy_for
from interp_exec.jobs import queue_cpu_job
from interp_exec.models import BenchmarkResult, BenchmarkRun, CpuJobRecord, JobRecordStatus
from interp_exec.routing.auto_figures import auto_figures
from interp_exec.routing.auto_seed import SEED_TASK, seed_missing_figures
from interp_exec.routing.flag_policy import DEFAULT_FLAG, flag_name
from interp_exec.task_queue.queueing import MAX_JOB_SIZE
from tests.bench.figures import figures, stored_run
from tests.flag_helpers import set_flag
from tests.qcluster import running_qcluster

READABILITY = "transcript.readability"
# Well above its threshold (15,000 words): auto's choice is not overridden as a small job.
LARGE = 40_000
WAITING = (JobRecordStatus.QUEUED, JobRecordStatus.RUNNING)


def on_auto(workload: str = READABILITY) -> None:
    set_flag(DEFAULT_FLAG, max_workers=2)
    set_flag(flag_name(workload), mode="auto", everyone=True)


def auto_settings(**changes: Any) -> Any:
    return override_settings(INTERP_EXEC={**settings.INTERP_EXEC, **changes})


def planned(size: int = LARGE) -> Any:
    auto_figures.forget()
    choice = policy_for(CpuJob(READABILITY, None, size=size, rollout_key="probe")).auto
    assert choice is not None
    return choice


def test_a_workload_on_auto_without_figures_is_measured_once_and_routed_by_it() -> None:
    on_auto()
    assert "still learning: no figures yet" in planned().reason

    assert seed_missing_figures(MAX_JOB_SIZE) == [READABILITY]

    run = BenchmarkRun.objects.get()
    assert run.options["auto_seed"] is True
    modes = set(BenchmarkResult.objects.filter(run=run).values_list("mode", flat=True))
    assert modes == {"inline", "interpreters", "processes"}
    assert run.results.get(mode="inline").size >= 150_000, "measured on coarse jobs"
    reason = planned().reason
    assert f"auto's own short measurement (benchmark run {run.pk})" in reason
    assert "still learning (a benchmark's figures until this site's jobs replace them)" in reason

    assert seed_missing_figures(MAX_JOB_SIZE) == [], "figures exist: nothing to measure"
    assert BenchmarkRun.objects.count() == 1


def test_nothing_is_measured_off_auto_with_figures_or_without_a_budget() -> None:
    assert seed_missing_figures(MAX_JOB_SIZE) == []  # no flag on auto

    on_auto()
    with auto_settings(AUTO_SEED_BUDGET_S=0):
        assert seed_missing_figures(MAX_JOB_SIZE) == []

    stored_run([figures(READABILITY, "inline"), figures(READABILITY, "interpreters")])
    assert seed_missing_figures(MAX_JOB_SIZE) == []
    assert BenchmarkRun.objects.count() == 1


def test_a_worker_that_finds_another_measuring_waits_for_it_within_the_budget() -> None:
    on_auto()
    cache.add(f"interp_exec:auto_seed:{READABILITY}", "measuring", timeout=60)
    started = time.monotonic()

    with auto_settings(AUTO_SEED_BUDGET_S=1.0):
        assert seed_missing_figures(MAX_JOB_SIZE) == []

    assert 1.0 <= time.monotonic() - started < 5.0
    assert not BenchmarkRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_flag_saved_on_auto_queues_the_measurement_for_a_worker() -> None:
    set_flag(flag_name(READABILITY), everyone=True, mode="interpreters")
    assert not OrmQ.objects.exists()

    set_flag(flag_name(READABILITY), mode="auto")

    assert [task.func() for task in OrmQ.objects.all()] == [SEED_TASK]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_on_a_fresh_site_the_first_20_large_jobs_go_where_the_measurement_says(
    tmp_path: Path,
) -> None:
    """Nothing measured, nothing logged, the flag on auto; exploration off, so every job
    goes where the figures say. The worker measures as it starts, before its first
    task (the measurement the flag's save queued then finds the figures there). What
    the measurement says is read as soon as it is stored: once the jobs have run,
    their own figures start to replace it, as they should."""
    on_auto()
    with running_qcluster(tmp_path, {"INTERP_EXEC_AUTO_EXPLORE_SHARE": "0"}) as cluster:
        cluster.wait_for_log('"event": "cpu.auto_seeded"')
        run = BenchmarkRun.objects.get(options__auto_seed=True)
        said = planned().planned.value
        records = [queue_cpu_job(READABILITY, LARGE, seed=n) for n in range(20)]
        deadline = time.monotonic() + 180
        while CpuJobRecord.objects.filter(status__in=WAITING).exists():
            cluster.assert_alive()
            assert time.monotonic() < deadline, cluster.log()
            time.sleep(0.2)

    done = list(CpuJobRecord.objects.filter(pk__in=[r.pk for r in records]))
    assert {(job.status, job.mode_used) for job in done} == {("ok", said)}, cluster.log()
    for job in done:
        assert job.fallback_reason.startswith(f"auto: {said}, "), job.fallback_reason
        assert f"(benchmark run {run.pk})" in job.fallback_reason
