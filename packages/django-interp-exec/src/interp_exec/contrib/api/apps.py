from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Warning

from interp_exec.contrib import extra_app

ERRORS_MIDDLEWARE = "interp_exec.contrib.api.middleware.ApiErrorsAsJson"


class ApiConfig(extra_app.ExtraAppConfig):
    """The JSON API (``api/`` under the app's URLs): Django REST framework with its
    own authentication, throttle and parser, so the host's ``REST_FRAMEWORK`` need
    not change."""

    name = "interp_exec.contrib.api"
    default_auto_field = "django.db.models.BigAutoField"
    label = "interp_exec_api"
    verbose_name = "CPU execution: API"
    extra = "api"
    requires_modules = ("rest_framework", "drf_spectacular")
    # Programs sign in with a token made in the admin (Auth Token > Tokens).
    requires_apps = ("rest_framework", "rest_framework.authtoken")

    def check_extra(
        self, app_configs: Sequence[AppConfig] | None, **kwargs: Any
    ) -> list[CheckMessage]:
        messages = super().check_extra(app_configs, **kwargs)
        if ERRORS_MIDDLEWARE not in settings.MIDDLEWARE:
            messages.append(
                Warning(
                    "the API's errors from Django's own layers (a bad Host header, a path "
                    "with no view, a server error) are HTML pages a program cannot read",
                    hint=f'Put "{ERRORS_MIDDLEWARE}" first in MIDDLEWARE.',
                    obj=self.name,
                    id="interp_exec.W012",
                )
            )
        return messages
