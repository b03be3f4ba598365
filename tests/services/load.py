"""Load for the services suites: jobs queued from concurrent clients, and waiting them out.

Half of the clients post the job form through Django's test ``Client`` (the path
a person takes), the other half call ``queue_cpu_job`` (the path host code
takes). Each client is a thread with its own database connection, closed when
it ends.
"""

import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Self

import pytest
from django.contrib.auth.models import User
from django.db import connections
from django.test import Client

from interp_exec.models import CpuJobRecord, JobRecordStatus
from interp_exec.task_queue.queueing import queue_cpu_job
from tests.qcluster import QCluster

JOBS_URL = "/cpu/jobs/"
WORKLOAD = "transcript.readability"
# Words per transcript: a few ms to a few tens of ms of pure Python each.
SIZES = (1_000, 4_000, 12_000, 20_000)
JOIN_TIMEOUT_S = 120


@dataclass
class JobStream:
    """Clients queueing ``jobs_per_client`` jobs each, ``pause_s`` apart."""

    user: User
    clients: int
    jobs_per_client: int
    pause_s: float
    ids: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.clients * self.jobs_per_client

    def start(self) -> Self:
        for index in range(self.clients):
            queue_one = self._through_the_view() if index % 2 == 0 else self._directly
            thread = threading.Thread(
                target=self._client, args=(index, queue_one), name=f"client-{index}"
            )
            self._threads.append(thread)
            thread.start()
        return self

    @property
    def done(self) -> bool:
        return not any(thread.is_alive() for thread in self._threads)

    def join(self) -> list[str]:
        """Wait for every client; the ids of all jobs queued. Fails on any client error."""
        for thread in self._threads:
            thread.join(timeout=JOIN_TIMEOUT_S)
        assert self.done, f"clients still queueing after {JOIN_TIMEOUT_S} s"
        assert not self.errors, "\n".join(self.errors)
        assert len(self.ids) == self.total
        return list(self.ids)

    def _client(self, index: int, queue_one: Callable[[int, int], str]) -> None:
        try:
            for number in range(self.jobs_per_client):
                job_id = queue_one(SIZES[number % len(SIZES)], index * 10_000 + number)
                with self._lock:
                    self.ids.append(job_id)
                time.sleep(self.pause_s)
        except Exception as exc:
            with self._lock:
                self.errors.append(f"client {index}: {type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    def _through_the_view(self) -> Callable[[int, int], str]:
        client = Client()
        client.force_login(self.user)

        def post(size: int, seed: int) -> str:
            response = client.post(
                JOBS_URL, {"workload": WORKLOAD, "size": str(size), "seed": str(seed)}
            )
            if response.status_code != 302:
                raise AssertionError(f"the form answered {response.status_code}")
            return str(response["Location"]).rstrip("/").rsplit("/", 1)[1]

        return post

    def _directly(self, size: int, seed: int) -> str:
        return str(queue_cpu_job(WORKLOAD, size, seed=seed, user=self.user).pk)


def finished_count(ids: Iterable[str] | None = None) -> int:
    jobs = CpuJobRecord.objects.filter(status__in=JobRecordStatus.finished())
    return jobs.filter(pk__in=list(ids)).count() if ids is not None else jobs.count()


def wait_until(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout_s} s")
        time.sleep(0.05)


def wait_until_finished(
    stream: JobStream,
    extra_ids: list[str],
    timeout_s: float,
    each_round: Callable[[], object] = lambda: None,
) -> list[str]:
    """Wait until the stream is queued and every job finished; the ids of all its jobs.

    ``each_round`` runs about twice a second (a liveness check, the sweep). On
    the deadline the test fails with the jobs that are still unfinished.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        each_round()
        ids = [*stream.ids, *extra_ids]
        if stream.done and finished_count(ids) == len(ids):
            return [*stream.join(), *extra_ids]
        if time.monotonic() > deadline:
            pytest.fail(f"jobs unfinished after {timeout_s} s:\n{describe_unfinished(ids)}")
        time.sleep(0.5)


def describe_unfinished(ids: list[str]) -> str:
    stuck = CpuJobRecord.objects.filter(pk__in=ids).exclude(status__in=JobRecordStatus.finished())
    lines = [
        f"  {job.pk} {job.status} attempts={job.attempts} claimed_by={job.claimed_by or '-'} "
        f"queued_at={job.queued_at:%H:%M:%S} lease={job.lease_expires_at or '-'} "
        f"task={job.task_id or '-'}"
        for job in stuck.order_by("queued_at")[:50]
    ]
    return "\n".join(lines) + f"\n  ({stuck.count()} in all)"


def worker_pid(claimed_by: str) -> int:
    host, _, pid = claimed_by.rpartition(":")
    assert host == socket.gethostname(), claimed_by
    return int(pid)


def kill_the_cluster_running_a_slow_job(
    slow_ids: list[str], clusters: list[QCluster]
) -> tuple[QCluster, set[int]]:
    """SIGKILL the cluster that runs one of ``slow_ids`` now; it and its processes' pids."""
    found: list[tuple[QCluster, set[int]]] = []

    def running_on_a_cluster() -> bool:
        for claimed_by in CpuJobRecord.objects.filter(
            pk__in=slow_ids, status=JobRecordStatus.RUNNING
        ).values_list("claimed_by", flat=True):
            for cluster in clusters:
                pids = cluster.pids()
                if worker_pid(claimed_by) in pids:
                    found.append((cluster, pids))
                    return True
        return False

    wait_until(running_on_a_cluster, 60, "no slow job started")
    victim, pids = found[0]
    victim.kill()
    return victim, pids
