"""A qcluster killed mid-run: the other one and the lease sweep finish every job, once.

Two clusters share the database and Redis; a few hundred jobs flow in from
concurrent clients with interpreters mode on. Once some are done, the cluster
that is running one of a few slow jobs is killed with SIGKILL, process group and
all, as a crashed host would go. What it held is lost: the jobs its workers were
running (their lease runs out: ``Q_TIMEOUT`` + ``LEASE_MARGIN_S`` = 12 s here)
and, with the Redis broker, the tasks it had taken off the queue but not started
(they are sent again after ``QUEUED_GRACE_S`` = 15 s here). The test calls the
sweep itself twice a second, so recovery does not wait for the schedule.

What the dispatch log must show afterwards: each job's final ``dispatch_id`` has
exactly one row, status ``ok``, with the job's mode, and no other row: a worker
writes a job's row in the transaction that stores its outcome, so an attempt the
kill cut short leaves neither. A job run again after its worker was lost runs only in
processes (it may be what killed it), the others in interpreters.
"""

from collections import Counter
from typing import Any

import pytest
from django.contrib.auth.models import User

from interp_exec.models import CpuJobRecord, DispatchLog, JobRecordStatus
from interp_exec.routing.flag_policy import flag_name
from interp_exec.task_queue.queueing import queue_cpu_job
from interp_exec.task_queue.sweep import sweep_expired_jobs
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
POOL_SIZE = 2
CLUSTER_ENV = {
    "Q_WORKERS": str(WORKERS_PER_CLUSTER),
    "INTERP_EXEC_MAX_WORKERS": str(POOL_SIZE),
    "Q_TIMEOUT": "10",
    "INTERP_EXEC_LEASE_MARGIN_S": "2",
    "INTERP_EXEC_QUEUED_GRACE_S": "15",
    "INTERP_EXEC_WORKLOADS": "tests.workload_fixtures",
}
CLIENTS = 4
JOBS_PER_CLIENT = 60
KILL_AFTER_FINISHED = 60
SLOW_JOBS = 4
SLOW_JOB_S = 2.0
FINISH_WITHIN_S = 180


@pytest.fixture
def user(django_user_model: Any) -> User:
    created: User = django_user_model.objects.create_user("load-client")
    return created


@pytest.mark.timeout(300)
def test_a_cluster_killed_mid_run_loses_no_job_and_counts_none_twice(
    start_cluster: StartCluster, user: User, settings: Any
) -> None:
    # The same grace as the clusters' own scheduled sweeps use.
    # One person queues every job here: no per-user limit in the way of the load.
    settings.INTERP_EXEC = {
        **settings.INTERP_EXEC,
        "QUEUED_GRACE_S": 15.0,
        "MAX_QUEUED_PER_USER": None,
    }
    for workload in (WORKLOAD, "tests.echo"):
        set_flag(flag_name(workload), everyone=True, mode="interpreters", min_task_size=0)
    clusters = [start_cluster("a", **CLUSTER_ENV), start_cluster("b", **CLUSTER_ENV)]
    for cluster in clusters:
        cluster.wait_for_log('"event": "cpu.worker_warmed_up"', count=WORKERS_PER_CLUSTER)

    stream = JobStream(user, CLIENTS, JOBS_PER_CLIENT, pause_s=0.03).start()
    wait_until(lambda: finished_count() >= KILL_AFTER_FINISHED, 120, "too few jobs finished")
    slow_ids = [
        str(queue_cpu_job("tests.echo", 1, payload={"spin_s": SLOW_JOB_S}).pk)
        for _ in range(SLOW_JOBS)
    ]
    victim, victim_pids = kill_the_cluster_running_a_slow_job(slow_ids, clusters)
    [survivor] = [cluster for cluster in clusters if cluster is not victim]
    stranded = {
        str(job.pk): job.attempts
        for job in CpuJobRecord.objects.filter(status=JobRecordStatus.RUNNING)
        if worker_pid(job.claimed_by) in victim_pids
    }
    finished_at_kill = finished_count()

    survivor_pids: set[int] = set()

    def keep_going() -> None:
        survivor.assert_alive()
        survivor_pids.update(survivor.pids())
        sweep_expired_jobs()

    ids = wait_until_finished(stream, slow_ids, FINISH_WITHIN_S, keep_going)
    survivor_pids.update(survivor.pids())  # the pool children of the last re-runs too

    jobs = {str(job.pk): job for job in CpuJobRecord.objects.all()}
    logs = {log.dispatch_id: log for log in DispatchLog.objects.all()}
    assert sorted(jobs) == sorted(ids), "a job was lost, or one was queued twice"
    assert len(ids) == CLIENTS * JOBS_PER_CLIENT + SLOW_JOBS
    assert Counter(job.status for job in jobs.values()) == {"ok": len(ids)}, describe_unfinished(
        ids
    )
    assert 0 < finished_at_kill < len(ids), "the kill did not come mid-run"
    assert stranded, "the killed cluster held no running job"
    assert all(job.attempts >= 1 for job in jobs.values())
    # A job whose worker was lost ran again only in processes: it might have killed it.
    assert {(job.attempts > 1, job.mode_used) for job in jobs.values()} <= {
        (False, "interpreters"),
        (True, "processes"),
    }

    # Exactly one ok row per job, matching its outcome: none lost, none counted twice.
    final_ids = [job.dispatch_id for job in jobs.values()]
    assert len(set(final_ids)) == len(final_ids)
    for job in jobs.values():
        log = logs[job.dispatch_id]
        assert (log.status, log.workload, log.mode_used) == ("ok", job.workload, job.mode_used)
    cut_short = [log for dispatch_id, log in logs.items() if dispatch_id not in set(final_ids)]
    assert cut_short == [], [(log.pid, log.status) for log in cut_short]

    # What the killed cluster was running was run again, in processes, and finished on
    # the survivor (in one of its workers' pool children).
    for job_id, attempts_at_kill in stranded.items():
        job = jobs[job_id]
        assert (job.attempts > attempts_at_kill, job.mode_used) == (True, "processes")
        assert logs[job.dispatch_id].pid not in victim_pids
        assert logs[job.dispatch_id].pid in survivor_pids
