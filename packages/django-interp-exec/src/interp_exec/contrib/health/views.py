"""The health pages: ``/health/`` for load balancers, ``/health/detail/`` for staff
and monitors.

A load balancer asks whether this web server can serve: its database and cache.
It gets ``ok`` (200) or ``unavailable`` (503) and nothing more, because the page
is public. Staff, or a monitor sending ``Authorization: Bearer <METRICS_TOKEN>``
(``interp_exec.ops.monitor_access``, as for ``/metrics/``), get every check, with
what failed, including the workers' (a live qcluster, the interpreter pool, the
lease sweep, and with a Redis broker in ``Q_CLUSTER``, a ping of it), which say
nothing about whether this web server should take traffic. A failing check is an
outage of the part it names: 503, as on ``/health/``, never django-health-check's
500, which would say the page itself failed. Reading the page changes nothing.
"""

from collections.abc import Iterator
from typing import Any, cast

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from health_check.base import HealthCheck
from health_check.views import HealthCheckView

from interp_exec.ops.monitor_access import is_monitor_token, offered_token, refused

SERVING_CHECKS = ("health_check.checks.Database", "health_check.checks.Cache")
ALL_CHECKS = (
    *SERVING_CHECKS,
    "interp_exec.contrib.health.checks.LiveCluster",
    "interp_exec.contrib.health.checks.InterpreterPool",
    "interp_exec.contrib.health.checks.SweepOnSchedule",
)


class LoadBalancerHealthView(HealthCheckView):
    """The serving checks, answered in one word whatever format is asked for."""

    checks = SERVING_CHECKS

    def render_for_format(self, format_override: Any, status_code: int) -> HttpResponse:
        return _one_word(status_code)

    def render_for_accept_header(
        self, accept_header: str, status_code: int, **kwargs: Any
    ) -> HttpResponse:
        return _one_word(status_code)


def _one_word(status_code: int) -> HttpResponse:
    healthy = status_code == 200
    return HttpResponse(
        "ok\n" if healthy else "unavailable\n",
        status=200 if healthy else 503,
        content_type="text/plain; charset=utf-8",
    )


class StaffHealthView(HealthCheckView):
    """Every check; the broker's only where django-q2 uses Redis (read per request, so
    the page follows the settings it runs with). A failing check answers 503."""

    checks = ALL_CHECKS

    def render_for_format(self, format_override: Any, status_code: int) -> HttpResponse | None:
        rendered: HttpResponse | None = super().render_for_format(
            format_override, _unavailable_if_failed(status_code)
        )
        return rendered

    def render_for_accept_header(
        self, accept_header: str, status_code: int, **kwargs: Any
    ) -> HttpResponse:
        rendered: HttpResponse = super().render_for_accept_header(
            accept_header, _unavailable_if_failed(status_code), **kwargs
        )
        return rendered

    def get_checks(self) -> Iterator[HealthCheck]:
        yield from super().get_checks()
        if "redis" in getattr(settings, "Q_CLUSTER", {}):
            from interp_exec.contrib.health.redis_broker import RedisBroker

            yield RedisBroker()


def _unavailable_if_failed(status_code: int) -> int:
    # django-health-check answers 500 when a check fails.
    return 503 if status_code == 500 else status_code


load_balancer_health = LoadBalancerHealthView.as_view()
_every_check = StaffHealthView.as_view()
_every_check_for_staff = staff_member_required(_every_check)


async def detailed_health(request: HttpRequest) -> HttpResponseBase:
    """The token first, without reading the session: a monitor's visit needs no
    database. A wrong token is refused (403); no token is a person, sent to sign in."""
    offered = offered_token(request)
    if is_monitor_token(offered):
        return cast(HttpResponseBase, await _every_check(request))
    if offered is not None:
        return refused()
    return cast(HttpResponseBase, await _every_check_for_staff(request))
