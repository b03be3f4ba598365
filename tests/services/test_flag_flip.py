"""Switching a workload between inline and interpreters while its jobs flow fails none.

The flag is changed through the model's ``save``, as the admin does: waffle
clears its entries in the shared Redis cache, and the cluster's workers read
the new mode on their next job, without a restart.
"""

import time
from typing import Any

import pytest
from django.contrib.auth.models import User

from interp_exec.models import CpuJobRecord, DispatchLog, ExecutorFlag
from interp_exec.routing.flag_policy import flag_name
from tests.flag_helpers import set_flag
from tests.qcluster import wait_out_flag_refresh
from tests.services.conftest import COMMITTING_DB, StartCluster
from tests.services.load import WORKLOAD, JobStream, finished_count, wait_until, wait_until_finished

pytestmark = [pytest.mark.services, pytest.mark.integration, COMMITTING_DB]

CLUSTER_ENV = {"Q_WORKERS": "2", "INTERP_EXEC_MAX_WORKERS": "2"}
FLIPS = 6
FLIP_EVERY_S = 0.7
MODES = ("inline", "interpreters")
FINISH_WITHIN_S = 120


@pytest.mark.timeout(240)
def test_flipping_the_mode_under_load_fails_no_job_and_the_last_flip_holds(
    start_cluster: StartCluster, django_user_model: Any, settings: Any
) -> None:
    # One person queues every job here: no per-user limit in the way of the load.
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "MAX_QUEUED_PER_USER": None}
    set_flag(flag_name(WORKLOAD), everyone=True, mode="interpreters", min_task_size=0)
    cluster = start_cluster("flip", **CLUSTER_ENV)
    cluster.wait_for_log('"event": "cpu.worker_warmed_up"', count=2)
    user: User = django_user_model.objects.create_user("flag-flipper")

    stream = JobStream(user, clients=2, jobs_per_client=50, pause_s=0.05).start()
    wait_until(lambda: finished_count() >= 5, 60, "no job finished")
    flips = 0
    while flips < FLIPS or not stream.done:
        flag = ExecutorFlag.objects.get(name=flag_name(WORKLOAD))
        flag.mode = MODES[flips % 2]
        flag.save()
        flips += 1
        time.sleep(FLIP_EVERY_S)
    last_mode = MODES[(flips - 1) % 2]
    ids = wait_until_finished(stream, [], FINISH_WITHIN_S, cluster.assert_alive)

    jobs = list(CpuJobRecord.objects.filter(pk__in=ids))
    assert len(jobs) == len(ids) == stream.total
    assert {job.status for job in jobs} == {"ok"}
    assert {job.attempts for job in jobs} == {1}
    assert {job.mode_used for job in jobs} == set(MODES)
    logs = DispatchLog.objects.filter(dispatch_id__in=[job.dispatch_id for job in jobs])
    assert sorted(logs.values_list("status", flat=True)) == ["ok"] * len(jobs)

    # Once the flips stop and reach the workers, every new job runs where the last one put it.
    wait_out_flag_refresh()
    after = JobStream(user, clients=2, jobs_per_client=3, pause_s=0).start()
    late = wait_until_finished(after, [], FINISH_WITHIN_S, cluster.assert_alive)
    assert {job.mode_used for job in CpuJobRecord.objects.filter(pk__in=late)} == {last_mode}
