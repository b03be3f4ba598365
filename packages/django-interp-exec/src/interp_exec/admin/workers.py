"""The admin's "Workers" page: every live qcluster and its worker processes, now.

django-q2 keeps each cluster's statistics in the broker for a few seconds and
refreshes them while the cluster lives (``Stat``), so this page lists exactly the
clusters that are running. A worker's memory is read only on the host serving
the page; other hosts' workers show their pid alone. The jobs a worker holds are
the running job records it claimed (``claimed_by`` is its ``host:pid``), read in
one query for every worker on the page.
"""

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from interp_exec.models import CpuJobRecord, JobRecordStatus
from interp_exec.ops.worker_heartbeat import HEARTBEAT_S, Heartbeat, read_heartbeats

# The page reloads itself this often (seconds): a cluster's Stat lives ~3 s.
REFRESH_S = 5


@dataclass(frozen=True)
class HeldJob:
    pk: uuid.UUID
    workload: str
    size: int
    started_at: datetime.datetime | None


@dataclass(frozen=True)
class WorkerRow:
    pid: int
    heartbeat: Heartbeat | None  # None: no beat yet, or its beats stopped
    jobs: list[HeldJob] = field(default_factory=list)

    @property
    def rss_mib(self) -> float | None:
        return _mib(self.heartbeat.rss_bytes) if self.heartbeat else None

    @property
    def pss_mib(self) -> float | None:
        return _mib(self.heartbeat.pss_bytes) if self.heartbeat else None


@dataclass(frozen=True)
class ClusterRow:
    cluster_id: str
    host: str
    status: str
    sentinel_pid: int
    uptime_s: float
    task_queue: int
    done_queue: int
    reincarnations: int
    workers: list[WorkerRow]


def live_clusters() -> list[ClusterRow]:
    from django_q.status import Stat

    stats = Stat.get_all()
    workers = {f"{stat.host}:{pid}" for stat in stats for pid in stat.workers}
    held = _held_jobs(workers)
    heartbeats = read_heartbeats(workers)
    return sorted(
        (
            ClusterRow(
                cluster_id=str(stat.cluster_id),
                host=stat.host,
                status=str(stat.status),
                sentinel_pid=stat.sentinel,
                uptime_s=stat.uptime(),
                task_queue=stat.task_q_size,
                done_queue=stat.done_q_size,
                reincarnations=stat.reincarnations,
                workers=[
                    WorkerRow(
                        pid,
                        heartbeats.get(f"{stat.host}:{pid}"),
                        held.get(f"{stat.host}:{pid}", []),
                    )
                    for pid in stat.workers
                ],
            )
            for stat in stats
        ),
        key=lambda row: (row.host, row.cluster_id),
    )


def _held_jobs(workers: set[str]) -> dict[str, list[HeldJob]]:
    """The running jobs each of ``workers`` (``host:pid``) claimed, oldest first."""
    held: defaultdict[str, list[HeldJob]] = defaultdict(list)
    rows = CpuJobRecord.objects.filter(status=JobRecordStatus.RUNNING, claimed_by__in=workers)
    for worker, pk, workload, size, started_at in rows.order_by("started_at").values_list(
        "claimed_by", "pk", "workload", "size", "started_at"
    ):
        held[worker].append(HeldJob(pk, workload, size, started_at))
    return held


def _mib(size: int | None) -> float | None:
    return None if size is None else size / 2**20


def workers_view(request: HttpRequest) -> HttpResponse:
    context = {
        **admin.site.each_context(request),
        "title": "Workers",
        "clusters": live_clusters(),
        "refresh_s": REFRESH_S,
        "heartbeat_s": HEARTBEAT_S,
    }
    return TemplateResponse(request, "admin/interp_exec/workers.html", context)


workers_page = admin.site.admin_view(workers_view)
