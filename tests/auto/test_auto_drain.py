"""A queued job on auto: the drain fills its pool only with jobs auto sends there."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import override_settings

from interp_exec.models import CpuJobRecord, DispatchLog
from interp_exec.routing.flag_policy import DEFAULT_FLAG, flag_name
from interp_exec.task_queue.drain import run_cpu_job
from tests.auto.logged import logged
from tests.factories import job_records
from tests.flag_helpers import set_flag

ECHO = "tests.echo"


@pytest.fixture(autouse=True)
def no_exploration() -> Iterator[None]:
    with override_settings(INTERP_EXEC={**settings.INTERP_EXEC, "AUTO_EXPLORE_SHARE": 0.0}):
        yield


def test_a_drain_takes_the_band_auto_sends_to_its_pool_and_leaves_the_rest() -> None:
    set_flag(DEFAULT_FLAG, max_workers=2)
    set_flag(flag_name(ECHO), mode="auto", everyone=True, min_task_size=0)
    logged(ECHO, "inline", 3000, 10.0)
    logged(ECHO, "interpreters", 3000, 12.0, wait_ms=0.5)
    logged(ECHO, "inline", 100, 0.05)
    logged(ECHO, "interpreters", 100, 0.05, wait_ms=0.4)
    large = job_records(5, ECHO, size=3000)
    small = job_records(3, ECHO, size=100)

    assert run_cpu_job(str(large[0].pk)) == "ok"

    done = CpuJobRecord.objects.in_bulk()
    assert {done[r.pk].status for r in large} == {"ok"}
    assert {done[r.pk].mode_used for r in large} == {"interpreters"}
    assert {done[r.pk].mode_requested for r in large} == {"auto"}
    assert all(done[r.pk].fallback_reason.startswith("auto: interpreters") for r in large)
    assert {done[r.pk].status for r in small} == {"queued"}, "bound inline: not this pool's"
    rows = DispatchLog.objects.filter(dispatch_id__in=[done[r.pk].dispatch_id for r in large])
    assert {row.mode_requested for row in rows} == {"auto"}
    assert rows.count() == len(large)

    assert run_cpu_job(str(small[0].pk)) == "ok"
    assert CpuJobRecord.objects.get(pk=small[0].pk).mode_used == "inline"
