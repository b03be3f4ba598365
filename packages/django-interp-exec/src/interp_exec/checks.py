"""System checks: a mistyped workload module, dotted path or mode in ``INTERP_EXEC`` is
reported by ``manage.py check`` (and so by runserver, migrate and qcluster) at
start-up, not by the first job that needs it."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, register

from interp_exec.core import conf, wiring
from interp_exec.core.domain import ExecutorMode, InterpExecError
from interp_exec.core.workloads import load_configured_workloads


@register()
def check_interp_exec_settings(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    try:
        load_configured_workloads()
    except InterpExecError as exc:
        errors.append(
            Error(
                str(exc),
                hint='Fix or remove it in INTERP_EXEC["WORKLOADS"].',
                id="interp_exec.E001",
            )
        )
    paths = [conf.get_setting("POLICY_SOURCE"), *conf.get_setting("EVENT_SINKS")]
    for path in filter(None, paths):
        try:
            wiring.import_callable(path)
        except InterpExecError as exc:
            errors.append(
                Error(str(exc), hint="Check POLICY_SOURCE and EVENT_SINKS.", id="interp_exec.E002")
            )
    try:
        ExecutorMode.parse(conf.get_setting("DEFAULT_MODE"))
    except InterpExecError as exc:
        errors.append(
            Error(str(exc), hint='Fix INTERP_EXEC["DEFAULT_MODE"].', id="interp_exec.E003")
        )
    share = conf.get_setting("AUTO_EXPLORE_SHARE")
    if not isinstance(share, int | float) or not 0 <= share <= 1:
        errors.append(
            Error(
                f"AUTO_EXPLORE_SHARE is {share!r}: the share of auto jobs sent to other modes "
                "is a number from 0 to 1",
                hint='Fix INTERP_EXEC["AUTO_EXPLORE_SHARE"] (INTERP_EXEC_AUTO_EXPLORE_SHARE), '
                "e.g. 0.05.",
                id="interp_exec.E004",
            )
        )
    return errors
