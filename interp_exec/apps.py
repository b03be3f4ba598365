from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class InterpExecConfig(AppConfig):
    """Wires the app's signal receivers; nothing else happens at start-up."""

    name = "interp_exec"
    verbose_name = "CPU execution"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from interp_exec import checks, receivers  # noqa: F401 - checks register on import

        post_migrate.connect(receivers.create_workload_flags, sender=self)
        # The app works without django-q2 (direct calls through the port); its
        # worker signal exists only where the task queue is installed.
        if apps.is_installed("django_q"):
            from django_q.signals import post_spawn

            post_spawn.connect(receivers.warm_worker_pool, dispatch_uid="interp_exec.warm_up")
            post_migrate.connect(receivers.create_sweep_schedule, sender=self)
