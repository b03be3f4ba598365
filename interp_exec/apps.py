from typing import Any

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import post_migrate


class InterpExecConfig(AppConfig):
    """Loads the workload registry at start-up, so a bad module fails loudly and early."""

    name = "interp_exec"
    verbose_name = "CPU execution"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from interp_exec.conf import get_setting
        from interp_exec.domain.errors import WorkloadRegistrationError
        from interp_exec.workloads import load_workload_modules

        try:
            load_workload_modules(get_setting("WORKLOADS"))
        except WorkloadRegistrationError as exc:
            raise ImproperlyConfigured(str(exc)) from exc
        post_migrate.connect(_create_workload_flags, sender=self)


def _create_workload_flags(**kwargs: Any) -> None:
    from interp_exec.flags import ensure_workload_flags

    ensure_workload_flags()
