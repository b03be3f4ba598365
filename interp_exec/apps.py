from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class InterpExecConfig(AppConfig):
    """Wires the app's signal receivers; nothing else happens at start-up."""

    name = "interp_exec"
    verbose_name = "CPU execution"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from waffle.models import Switch

        from interp_exec import (  # noqa: F401 - checks register
            checks,
            process_gauges,
            receivers,
            worker_heartbeat,
        )
        from interp_exec.core.adapters.pool_observers import add_pool_observer
        from interp_exec.flag_snapshot import flags_changed
        from interp_exec.models import ExecutorFlag

        post_migrate.connect(receivers.create_workload_flags, sender=self)
        # The pools of every process (web and workers) report their load as gauges.
        add_pool_observer(process_gauges.GAUGE_OBSERVER)
        # Every process keeps a snapshot of the flags; these changes invalidate it.
        for model in (ExecutorFlag, Switch):
            post_save.connect(flags_changed, sender=model, dispatch_uid=f"flags_changed.{model}")
            post_delete.connect(flags_changed, sender=model, dispatch_uid=f"flags_deleted.{model}")
        for relation in (ExecutorFlag.users.through, ExecutorFlag.groups.through):
            m2m_changed.connect(flags_changed, sender=relation, dispatch_uid=f"rules.{relation}")
        # The app works without django-q2 (direct calls through the port); its
        # worker signal exists only where the task queue is installed.
        if apps.is_installed("django_q"):
            from django_q.signals import post_execute_in_worker, post_spawn

            post_spawn.connect(receivers.warm_worker_pool, dispatch_uid="interp_exec.warm_up")
            # After the warm-up (receivers run in the order connected): the warm pool's memory.
            post_spawn.connect(process_gauges.record_worker_memory, dispatch_uid="memory.spawn")
            # Last: the first beat already shows the warm pools.
            post_spawn.connect(worker_heartbeat.start_heartbeat, dispatch_uid="heartbeat")
            post_execute_in_worker.connect(
                process_gauges.record_worker_memory, dispatch_uid="memory.task"
            )
            post_migrate.connect(receivers.create_sweep_schedule, sender=self)
