"""The base of the optional apps: an app listed without its extra is a system-check
error naming the install line, not an ``ImportError`` at start-up.

Such an app's ``AppConfig`` module imports nothing of its extra; ``ready()`` wires
the app only when every module the extra brings can be found. It imports this
module, not the class: Django takes the one ``AppConfig`` subclass an ``apps``
module holds, and two there (this base beside the app's own) would make it fall
back to a bare ``AppConfig`` that wires nothing.
"""

import importlib.util
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig, apps
from django.core.checks import CheckMessage, Error, register


class ExtraAppConfig(AppConfig):
    # The extra's name (``pip install "django-interp-exec[<extra>]"``), the modules it
    # brings, and the apps that must be installed beside this one.
    extra: str
    requires_modules: Sequence[str]
    requires_apps: Sequence[str] = ()

    def ready(self) -> None:
        def check_extra(
            app_configs: Sequence[AppConfig] | None, **kwargs: Any
        ) -> list[CheckMessage]:
            return self.check_extra(app_configs, **kwargs)

        register(check_extra)
        if not self.missing_modules():
            self.ready_with_extra()

    def ready_with_extra(self) -> None:
        """Wire the app (signals, observers); called only with the extra installed."""

    def missing_modules(self) -> list[str]:
        return [m for m in self.requires_modules if importlib.util.find_spec(m) is None]

    def check_extra(
        self, app_configs: Sequence[AppConfig] | None, **kwargs: Any
    ) -> list[CheckMessage]:
        errors: list[CheckMessage] = []
        missing = self.missing_modules()
        if missing:
            errors.append(
                Error(
                    f"{self.name} is in INSTALLED_APPS but {', '.join(missing)} cannot be imported",
                    hint=f'pip install "django-interp-exec[{self.extra}]", or remove the app.',
                    obj=self.name,
                    id="interp_exec.E010",
                )
            )
        for required in self.requires_apps:
            if not apps.is_installed(required):
                errors.append(
                    Error(
                        f"{self.name} needs {required} in INSTALLED_APPS",
                        hint=f'Add "{required}" to INSTALLED_APPS.',
                        obj=self.name,
                        id="interp_exec.E011",
                    )
                )
        return errors
