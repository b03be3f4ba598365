"""System checks: a mistyped workload module, dotted path or mode in ``INTERP_EXEC``,
and each setting a host must give that the app cannot default (waffle's flag
model, a ``Q_CLUSTER`` whose workers may start processes, a cache every process
shares), are reported by ``manage.py check`` (and so by runserver, migrate and
qcluster) at start-up, not by the first job that needs them."""

import importlib.util
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DEFAULT_DB_ALIAS, connections

from interp_exec.core import conf, wiring
from interp_exec.core.domain import ExecutorMode, InterpExecError
from interp_exec.core.workloads import load_configured_workloads
from interp_exec.task_queue.job_claims import SUPPORTED_DATABASES


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


# Caches whose entries one process cannot see from another: a flag change saved in
# the web process would never reach a running worker.
_PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.compatibility)
def check_host_settings(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """What the app cannot default and a host must set: each missing or wrong one named,
    with the line that fixes it."""
    messages: list[CheckMessage] = []
    flag_model = getattr(settings, "WAFFLE_FLAG_MODEL", "waffle.Flag")
    if flag_model != "interp_exec.ExecutorFlag":
        messages.append(
            Error(
                f"WAFFLE_FLAG_MODEL is {flag_model!r}: the executor flags (cpu.<workload>) are "
                "interp_exec's own flag model, and waffle must use it",
                hint='Set WAFFLE_FLAG_MODEL = "interp_exec.ExecutorFlag" before the first migrate.',
                id="interp_exec.E005",
            )
        )
    if apps.is_installed("django_q"):
        cluster = getattr(settings, "Q_CLUSTER", None)
        if not cluster:
            messages.append(
                Error(
                    "Q_CLUSTER is not set: django-q2 needs a broker to run queued jobs",
                    hint='Set e.g. Q_CLUSTER = {"name": "cpu", "orm": "default", "workers": 2, '
                    '"timeout": 600, "retry": 720, "daemonize_workers": False}.',
                    id="interp_exec.E006",
                )
            )
        if connections[DEFAULT_DB_ALIAS].vendor not in SUPPORTED_DATABASES:
            messages.append(
                Warning(
                    f"the default database is {connections[DEFAULT_DB_ALIAS].vendor}: the task "
                    "queue's claims are written for PostgreSQL and SQLite, so a queued job "
                    "fails to be claimed here",
                    hint="Queue jobs on a PostgreSQL or SQLite default database; the port "
                    "(get_cpu_port) works on any.",
                    id="interp_exec.W002",
                )
            )
        if cluster and cluster.get("daemonize_workers", True):
            messages.append(
                Error(
                    "Q_CLUSTER runs daemonic workers: a daemonic process may not start "
                    "children, so jobs in processes mode fail in the queue",
                    hint='Add "daemonize_workers": False to Q_CLUSTER.',
                    id="interp_exec.E007",
                )
            )
    cache_backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if cache_backend in _PROCESS_LOCAL_CACHES:
        messages.append(
            Warning(
                f"the default cache is {cache_backend.rsplit('.', 1)[-1]}, which each process "
                "keeps to itself: a flag saved in the admin never reaches a running qcluster "
                "worker, and the Workers page shows no worker",
                hint="Use a cache every process shares: DatabaseCache (manage.py "
                "createcachetable), Redis or Memcached.",
                id="interp_exec.W001",
            )
        )
    if conf.get_setting("OTEL_SPANS") and importlib.util.find_spec("opentelemetry") is None:
        messages.append(
            Error(
                "INTERP_EXEC['OTEL_SPANS'] is on but opentelemetry cannot be imported",
                hint='pip install "django-interp-exec[otel]", or turn OTEL_SPANS off.',
                id="interp_exec.E008",
            )
        )
    return messages
