from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class InterpExecConfig(AppConfig):
    """Wires the app's defaults and signal receivers; nothing else happens at start-up."""

    name = "interp_exec"
    verbose_name = "CPU execution"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from waffle.models import Switch

        from interp_exec import checks, receivers  # noqa: F401 - checks register
        from interp_exec.core import conf
        from interp_exec.core.adapters.pool_observers import add_pool_observer
        from interp_exec.models import ExecutorFlag
        from interp_exec.ops import beat_thread
        from interp_exec.routing.flag_snapshot import flags_changed
        from interp_exec.task_backend.signals import connect_to_queue
        from interp_exec.telemetry.process_load import POOL_LOAD

        # Installed in Django, the app routes by its admin-managed flags and logs
        # every dispatch; INTERP_EXEC still overrides both.
        conf.use_app_default("POLICY_SOURCE", "interp_exec.routing.flag_policy.policy_from_flags")
        conf.add_app_event_sink("interp_exec.telemetry.dispatch_log_sink.record_dispatch_event")
        post_migrate.connect(receivers.create_workload_flags, sender=self)
        # The pools of every process (web and workers) report their load (Workers page).
        add_pool_observer(POOL_LOAD)
        # Every process keeps a snapshot of the flags; these changes invalidate it.
        for model in (ExecutorFlag, Switch):
            post_save.connect(flags_changed, sender=model, dispatch_uid=f"flags_changed.{model}")
            post_delete.connect(flags_changed, sender=model, dispatch_uid=f"flags_deleted.{model}")
        for relation in (ExecutorFlag.users.through, ExecutorFlag.groups.through):
            m2m_changed.connect(flags_changed, sender=relation, dispatch_uid=f"rules.{relation}")
        # The django.tasks backend hears from the queue through its signals.
        connect_to_queue()
        # The app works without django-q2 (direct calls through the port); its
        # worker signal exists only where the task queue is installed.
        if apps.is_installed("django_q"):
            from django_q.signals import post_execute_in_worker, post_spawn, pre_execute

            post_spawn.connect(receivers.warm_worker_pool, dispatch_uid="interp_exec.warm_up")
            post_save.connect(
                receivers.measure_new_auto_flag, sender=ExecutorFlag, dispatch_uid="auto_seed"
            )
            # Last: the first beat already shows the warm pools.
            post_spawn.connect(beat_thread.start_heartbeat, dispatch_uid="heartbeat")
            # The heartbeat resends lost tasks only while its worker has nothing to do.
            pre_execute.connect(beat_thread.task_started, dispatch_uid="heartbeat.task")
            post_execute_in_worker.connect(beat_thread.task_ended, dispatch_uid="heartbeat.end")
            post_migrate.connect(receivers.create_sweep_schedule, sender=self)
