"""``manage.py interp_exec_clear_metrics``: start a deployment's figures afresh.

prometheus_client's multiprocess mode keeps every process's figures in files under
``PROMETHEUS_MULTIPROC_DIR`` and asks for the directory to be wiped when a
deployment starts; otherwise ``/metrics/`` keeps adding up every earlier run. Run
it before the web server and ``qcluster`` start on a host (``make run`` does).
Files of processes still alive are kept, so running it beside a live server
loses none of that server's figures.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from interp_exec.contrib.metrics.views import files_of_dead_processes, multiprocess_directory


class Command(BaseCommand):
    help = "Delete the Prometheus files of processes that are gone, before a deployment starts."

    def handle(self, *args: Any, **options: Any) -> None:
        directory = multiprocess_directory()
        if directory is None:
            raise CommandError(
                "PROMETHEUS_MULTIPROC_DIR is not set: there are no figures on disk to clear"
            )
        removed = 0
        for path in files_of_dead_processes(directory):
            path.unlink(missing_ok=True)
            removed += 1
        self.stdout.write(f"Removed {removed} metrics file(s) of ended processes from {directory}.")
