from django.apps import AppConfig


class InterpExecConfig(AppConfig):
    """Loads the workload registry once Django's settings are known."""

    name = "interp_exec"
    verbose_name = "CPU execution"
    default_auto_field = "django.db.models.BigAutoField"
