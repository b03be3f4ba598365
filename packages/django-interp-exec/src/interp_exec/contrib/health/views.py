"""The health pages: ``/health/`` for load balancers, ``/health/detail/`` for staff.

A load balancer asks whether this web server can serve: its database and cache.
It gets ``ok`` (200) or ``unavailable`` (503) and nothing more, because the page
is public. Staff get every check, with what failed, including the workers'
(a live qcluster, the interpreter pool, the lease sweep, and with
a Redis broker in ``Q_CLUSTER``, a ping of it), which say nothing about whether this web server
should take traffic.
"""

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from health_check.base import HealthCheck
from health_check.views import HealthCheckView

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
    the page follows the settings it runs with)."""

    checks = ALL_CHECKS

    def get_checks(self) -> Iterator[HealthCheck]:
        yield from super().get_checks()
        if "redis" in getattr(settings, "Q_CLUSTER", {}):
            from interp_exec.contrib.health.redis_broker import RedisBroker

            yield RedisBroker()


load_balancer_health = LoadBalancerHealthView.as_view()
staff_health = staff_member_required(StaffHealthView.as_view())
