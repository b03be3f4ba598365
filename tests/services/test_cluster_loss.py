"""A whole qcluster killed at once: the other finishes every job long before any lease ends.

Two clusters share the database and the broker; 200 jobs flow in from concurrent
clients with interpreters mode on. Once some are done, the cluster running one
of a few slow jobs is killed with SIGKILL, every process of it, as a lost host
would go. Leases here last the site's default (``Q_TIMEOUT`` 600 s + 60 s), no
test code calls the sweep, and its schedule is moved an hour on (on this one
host its minute run would find the dead pids too): only the surviving workers,
which see the dead workers' heartbeats expire, can queue the stranded jobs again
(``interp_exec.ops.lost_work``). Every job must end ``ok`` exactly once.

How soon the last job ended after the kill is printed (a benchmark figure, not
asserted: the bound below only keeps a broken recovery from hanging the suite).
"""

import time
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from django_q.models import Schedule

from interp_exec.models import CpuJobRecord, DispatchLog, JobRecordStatus
from interp_exec.routing.flag_policy import flag_name
from interp_exec.task_queue.queueing import queue_cpu_job
from interp_exec.task_queue.sweep import SWEEP_TASK
from tests.flag_helpers import set_flag
from tests.services.conftest import COMMITTING_DB, StartCluster
from tests.services.load import (
    WORKLOAD,
    JobStream,
    describe_unfinished,
    finished_count,
    kill_the_cluster_running_a_slow_job,
    wait_until,
    wait_until_finished,
    worker_pid,
)

pytestmark = [pytest.mark.services, pytest.mark.integration, COMMITTING_DB]

WORKERS_PER_CLUSTER = 2
CLUSTER_ENV = {
    "Q_WORKERS": str(WORKERS_PER_CLUSTER),
    "INTERP_EXEC_MAX_WORKERS": "2",
    "INTERP_EXEC_WORKLOADS": "tests.workload_fixtures",
}
CLIENTS = 4
JOBS_PER_CLIENT = 49
SLOW_JOBS = 4
SLOW_JOB_S = 2.0
KILL_AFTER_FINISHED = 40
# Far below a lease (660 s): only the heartbeats can have recovered the jobs by then.
FINISH_WITHIN_S = 120


@pytest.fixture
def user(django_user_model: Any) -> User:
    created: User = django_user_model.objects.create_user("cluster-loss-client")
    return created


@pytest.mark.timeout(300)
def test_a_whole_cluster_killed_loses_no_job_and_runs_none_twice(
    start_cluster: StartCluster, user: User, settings: Any
) -> None:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "MAX_QUEUED_PER_USER": None}
    Schedule.objects.filter(func=SWEEP_TASK).update(next_run=timezone.now() + timedelta(hours=1))
    for workload in (WORKLOAD, "tests.echo"):
        set_flag(flag_name(workload), everyone=True, mode="interpreters", min_task_size=0)
    clusters = [start_cluster("a", **CLUSTER_ENV), start_cluster("b", **CLUSTER_ENV)]
    for cluster in clusters:
        cluster.wait_for_log('"event": "cpu.heartbeat_started"', count=WORKERS_PER_CLUSTER)

    stream = JobStream(user, CLIENTS, JOBS_PER_CLIENT, pause_s=0.02).start()
    wait_until(lambda: finished_count() >= KILL_AFTER_FINISHED, 120, "too few jobs finished")
    slow_ids = [
        str(queue_cpu_job("tests.echo", 1, payload={"spin_s": SLOW_JOB_S}).pk)
        for _ in range(SLOW_JOBS)
    ]
    victim, victim_pids = kill_the_cluster_running_a_slow_job(slow_ids, clusters)
    killed_at = time.time()
    [survivor] = [cluster for cluster in clusters if cluster is not victim]
    stranded = {
        str(job.pk): job.attempts
        for job in CpuJobRecord.objects.filter(status=JobRecordStatus.RUNNING)
        if worker_pid(job.claimed_by) in victim_pids
    }

    ids = wait_until_finished(stream, slow_ids, FINISH_WITHIN_S, survivor.assert_alive)

    jobs = {str(job.pk): job for job in CpuJobRecord.objects.all()}
    assert sorted(jobs) == sorted(ids), "a job was lost, or one was queued twice"
    assert len(ids) == CLIENTS * JOBS_PER_CLIENT + SLOW_JOBS
    assert Counter(job.status for job in jobs.values()) == {"ok": len(ids)}, describe_unfinished(
        ids
    )
    assert stranded, "the killed cluster held no running job"
    last = max(job.finished_at for job in jobs.values() if job.finished_at is not None)
    print(f"\nevery job final {last.timestamp() - killed_at:.1f} s after the kill")

    # One ok dispatch-log row per job, the final attempt's: none ran twice to completion.
    logs = {log.dispatch_id: log for log in DispatchLog.objects.all()}
    final_ids = {job.dispatch_id for job in jobs.values()}
    assert len(final_ids) == len(jobs)
    assert set(logs) == final_ids
    assert all(logs[job.dispatch_id].status == "ok" for job in jobs.values())
    # What the killed cluster ran was run again by the survivor, which saw its silence,
    # but for a store it had sent before the kill: the server may commit that after it
    # (and after the running jobs above were read), and the job then ended there, once.
    # The slow job it was running had seconds left: that one was run again.
    run_again = set()
    for job_id, attempts_at_kill in stranded.items():
        job = jobs[job_id]
        if job.attempts == attempts_at_kill:
            assert logs[job.dispatch_id].pid in victim_pids, "ended under its old attempt"
        else:
            assert logs[job.dispatch_id].pid not in victim_pids
            run_again.add(job_id)
    assert run_again & set(slow_ids), "the killed cluster's slow job was not run again"
    assert '"event": "cpu.silent_workers_recovered"' in survivor.log()
