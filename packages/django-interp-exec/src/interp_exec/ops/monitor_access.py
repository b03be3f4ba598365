"""Who may read the monitoring pages (``metrics/`` and ``health/detail/``): a monitor
sending ``Authorization: Bearer <METRICS_TOKEN>``, or a signed-in staff member.

One check for both pages, kept in the base app: the optional apps that serve them
are independent of each other, so neither may import the other's. The token is
compared in constant time and before the session is read, so a monitor's request
never touches the session store: it reads ``health/detail/`` even while the
database that keeps the sessions is down.
"""

from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare

from interp_exec.core import conf

REFUSAL = "Forbidden: sign in as staff, or send Authorization: Bearer <METRICS_TOKEN>.\n"


def offered_token(request: HttpRequest) -> str | None:
    """The bearer token the request offers, if it offers one."""
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    return offered.strip() if scheme.lower() == "bearer" else None


def is_monitor_token(offered: str | None) -> bool:
    """Whether ``offered`` is the configured token; never without one configured."""
    token: str = conf.get_setting("METRICS_TOKEN")
    return bool(token) and offered is not None and constant_time_compare(offered, token)


def may_monitor(request: HttpRequest) -> bool:
    """The token, or an active staff member's session."""
    if is_monitor_token(offered_token(request)):
        return True
    user = request.user
    return user.is_active and user.is_staff


def refused() -> HttpResponse:
    """The answer to a request that may not read a monitoring page."""
    return HttpResponse(REFUSAL, status=403, content_type="text/plain; charset=utf-8")
