"""A job that kills its queue worker kills one worker, not three, and leaves nothing behind.

``tests.exit_process`` calls ``os._exit``; its flag sends it to subinterpreters, where
that ends the whole q2 worker, and every worker also holds a processes-mode pool
(``tests.echo``'s flag), with its forkserver and children. The replacement worker
finds the job's worker gone and queues it again; the re-run is isolated, so it
runs in a child process, which is all it can end: it fails there, not run again.
"""

import time
from pathlib import Path

import pytest

from interp_exec.models import CpuJobRecord
from interp_exec.routing.flag_policy import flag_name
from interp_exec.task_queue.queueing import queue_cpu_job
from tests.flag_helpers import set_flag
from tests.process_trees import still_running_after
from tests.qcluster import running_qcluster

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FINISH_WITHIN_S = 90
WARMED_UP = "cpu.worker_warmed_up"


def test_a_job_that_kills_its_worker_kills_one_and_no_pool_outlives_it(
    django_db_setup: None, tmp_path: Path
) -> None:
    set_flag(flag_name("tests.exit_process"), mode="interpreters", everyone=True, min_task_size=0)
    set_flag(flag_name("tests.echo"), mode="processes", everyone=True, min_task_size=0)

    with running_qcluster(
        tmp_path, {"INTERP_EXEC_WORKLOADS": "tests.workload_fixtures"}
    ) as cluster:
        cluster.wait_for_log(WARMED_UP)
        before = cluster.pids()
        record = queue_cpu_job("tests.exit_process", 1)
        deadline = time.monotonic() + FINISH_WITHIN_S
        while not CpuJobRecord.objects.get(pk=record.pk).is_finished:
            cluster.assert_alive()
            assert time.monotonic() < deadline, f"the job did not finish:\n{cluster.log()}"
            time.sleep(0.2)

        record.refresh_from_db()
        assert (record.status, record.attempts, record.mode_used) == ("failed", 2, "processes")
        assert "while running this job alone; it was not run again" in record.error_message
        # The first worker and the one that replaced it: no second death.
        assert cluster.log().count(WARMED_UP) == 2, cluster.log()
        lost = before - cluster.pids()
        assert len(lost) >= 3, lost  # the dead worker, its forkserver, at least one child
        assert still_running_after(lambda: before - cluster.pids()) == set()
