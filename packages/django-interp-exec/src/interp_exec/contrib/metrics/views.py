"""``/metrics/``: every process's Prometheus figures added up, for staff or a bearer token.

The values come from the files each process writes in ``PROMETHEUS_MULTIPROC_DIR``
(``interp_exec.contrib.metrics.definitions``) plus the job records' gauges (``job_gauges``). A
scraper sends ``Authorization: Bearer <METRICS_TOKEN>``; a signed-in staff member
needs no token (``interp_exec.ops.monitor_access``, which ``health/detail/`` shares).
Without ``METRICS_TOKEN`` only staff can read it.
"""

import os
import re
from pathlib import Path

import psutil
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

from interp_exec.contrib.metrics.job_gauges import JobRecordCollector
from interp_exec.ops.monitor_access import may_monitor, refused

_PID_IN_FILE_NAME = re.compile(r"_(\d+)\.db$")


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not may_monitor(request):
        return refused()
    registry = CollectorRegistry()
    if directory := multiprocess_directory():
        forget_dead_processes(directory)
        MultiProcessCollector(registry, path=str(directory))
    else:
        # Without the shared directory only this process's figures exist
        # (a system check warns: the workers' dispatches are missing).
        registry.register(REGISTRY)
    registry.register(JobRecordCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def multiprocess_directory() -> Path | None:
    """Where every process of this host writes its figures, if it is set."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(directory) if directory else None


def forget_dead_processes(directory: Path) -> None:
    """Drop the live-gauge files of processes that have exited, as prometheus_client asks.

    ``mark_process_dead`` removes only ``live*`` gauges: a dead worker's counters and
    histograms stay in the sums, so they never go down between scrapes.
    """
    for pid in {_pid_of_file(path) for path in directory.glob("*.db")} - {None}:
        if not psutil.pid_exists(pid):
            mark_process_dead(pid, str(directory))


def files_of_dead_processes(directory: Path) -> list[Path]:
    """The metric files in ``directory`` that no running process writes any more."""
    return [
        path
        for path in directory.glob("*.db")
        if (pid := _pid_of_file(path)) is None or not psutil.pid_exists(pid)
    ]


def _pid_of_file(path: Path) -> int | None:
    found = _PID_IN_FILE_NAME.search(path.name)
    return int(found.group(1)) if found else None
