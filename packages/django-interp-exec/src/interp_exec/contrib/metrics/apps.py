import os
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Warning

from interp_exec.contrib import extra_app


class MetricsConfig(extra_app.ExtraAppConfig):
    """Prometheus figures of every dispatch, pool, worker and the queue (``metrics/``
    under the app's URLs), summed over the processes of a host."""

    name = "interp_exec.contrib.metrics"
    label = "interp_exec_metrics"
    verbose_name = "CPU execution: metrics"
    extra = "metrics"
    requires_modules = ("prometheus_client", "psutil")

    def check_extra(
        self, app_configs: Sequence[AppConfig] | None, **kwargs: Any
    ) -> list[CheckMessage]:
        messages = super().check_extra(app_configs, **kwargs)
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            messages.append(
                Warning(
                    "PROMETHEUS_MULTIPROC_DIR is not set: metrics/ shows only the web "
                    "process's own figures, never the qcluster workers' dispatches",
                    hint="Export PROMETHEUS_MULTIPROC_DIR (a directory the web server and "
                    "qcluster of a host share) before they start.",
                    obj=self.name,
                    id="interp_exec.W002",
                )
            )
        return messages

    def ready_with_extra(self) -> None:
        from django.apps import apps

        from interp_exec.contrib.metrics import process_gauges
        from interp_exec.core import conf
        from interp_exec.core.adapters.pool_observers import add_pool_observer
        from interp_exec.task_queue import signals
        from interp_exec.telemetry.process_load import POOL_LOAD

        conf.add_app_event_sink("interp_exec.contrib.metrics.sink.record_metrics_event")
        # The gauges read POOL_LOAD, so it is told first, whichever app is ready first.
        add_pool_observer(POOL_LOAD)
        add_pool_observer(process_gauges.GAUGE_OBSERVER)
        signals.batch_stored.connect(process_gauges.record_worker_memory, dispatch_uid="memory")
        signals.sweep_finished.connect(process_gauges.record_sweep, dispatch_uid="sweep")
        if apps.is_installed("django_q"):
            from django_q.signals import post_execute_in_worker, post_spawn

            post_spawn.connect(process_gauges.record_worker_memory, dispatch_uid="memory.spawn")
            post_execute_in_worker.connect(
                process_gauges.record_worker_memory, dispatch_uid="memory.task"
            )
