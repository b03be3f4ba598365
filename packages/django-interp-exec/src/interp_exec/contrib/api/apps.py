from interp_exec.contrib import extra_app


class ApiConfig(extra_app.ExtraAppConfig):
    """The JSON API (``api/`` under the app's URLs): Django REST framework with its
    own authentication, throttle and parser, so the host's ``REST_FRAMEWORK`` need
    not change."""

    name = "interp_exec.contrib.api"
    label = "interp_exec_api"
    verbose_name = "CPU execution: API"
    extra = "api"
    requires_modules = ("rest_framework", "drf_spectacular")
    # Programs sign in with a token made in the admin (Auth Token > Tokens).
    requires_apps = ("rest_framework", "rest_framework.authtoken")
