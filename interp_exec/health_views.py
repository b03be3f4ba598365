"""The health pages: ``/health/`` for load balancers, ``/health/detail/`` for staff.

A load balancer asks whether this web server can serve: its database and cache.
It gets ``ok`` (200) or ``unavailable`` (503) and nothing more, because the page
is public. Staff get every check, with what failed, including the workers'
(a live qcluster, the interpreter pool, the lease sweep), which say nothing
about whether this web server should take traffic.
"""

from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from health_check.views import HealthCheckView

SERVING_CHECKS = ("health_check.checks.Database", "health_check.checks.Cache")
ALL_CHECKS = (
    *SERVING_CHECKS,
    "interp_exec.health_checks.LiveCluster",
    "interp_exec.health_checks.InterpreterPool",
    "interp_exec.health_checks.SweepOnSchedule",
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


load_balancer_health = LoadBalancerHealthView.as_view()
staff_health = staff_member_required(HealthCheckView.as_view(checks=ALL_CHECKS))
