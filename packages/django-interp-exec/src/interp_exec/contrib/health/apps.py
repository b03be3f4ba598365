from interp_exec.contrib import extra_app


class HealthConfig(extra_app.ExtraAppConfig):
    """django-health-check's checks of the database, the cache, a live qcluster and the
    interpreter pool (``health/`` and ``health/detail/`` under the app's URLs)."""

    name = "interp_exec.contrib.health"
    label = "interp_exec_health"
    verbose_name = "CPU execution: health"
    extra = "health"
    requires_modules = ("health_check",)
    requires_apps = ("health_check",)
