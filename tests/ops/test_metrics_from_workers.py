"""Two q2 workers run queued jobs; the web process's scrape adds up their figures."""

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from interp_exec.models import CpuJobRecord, DispatchLog
from interp_exec.task_queue.queueing import queue_cpu_job
from tests.ops.conftest import delta, scrape, value
from tests.qcluster import QCluster, running_qcluster

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WORKERS = 2
JOBS = 12
FINISH_WITHIN_S = 90


@pytest.fixture
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QCluster]:
    with running_qcluster(tmp_path_factory.mktemp("qcluster"), {"Q_WORKERS": str(WORKERS)}) as c:
        c.wait_for_log('"event": "cpu.worker_warmed_up"', count=WORKERS)
        yield c


@pytest.mark.usefixtures("metrics_token")
def test_the_scrape_counts_every_job_the_workers_ran(client: Client, two_workers: QCluster) -> None:
    before = scrape(client)
    records = [queue_cpu_job("text.dedupe", 30, seed=i) for i in range(JOBS)]
    deadline = time.monotonic() + FINISH_WITHIN_S
    while CpuJobRecord.objects.filter(pk__in=[r.pk for r in records], status="ok").count() < JOBS:
        two_workers.assert_alive()
        assert time.monotonic() < deadline, two_workers.log()
        time.sleep(0.2)

    after = scrape(client)

    logged = DispatchLog.objects.filter(workload="text.dedupe", mode_used="inline", status="ok")
    labels = {"workload": "text.dedupe", "mode_used": "inline", "status": "ok"}
    assert delta(before, after, "interp_exec_dispatches_total", **labels) == logged.count() == JOBS
    assert value(after, "interp_exec_jobs", state="finished") == JOBS
    assert value(after, "interp_exec_jobs", state="queued") == 0
    # The figures were written by the cluster's worker processes, not by this one.
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    writers = {int(f.stem.rsplit("_", 1)[1]) for f in directory.glob("*.db")}
    assert writers & two_workers.pids()
    # Each worker recorded its own memory (as it started, and after its tasks).
    rss_by_pid = {
        int(dict(labels)["pid"]): v
        for (name, labels), v in after.items()
        if name == "interp_exec_worker_memory_bytes" and dict(labels)["kind"] == "rss"
    }
    workers_rss = [v for pid, v in rss_by_pid.items() if pid in two_workers.pids()]
    assert len(workers_rss) == WORKERS, rss_by_pid
    assert all(v > 10 * 2**20 for v in workers_rss)
