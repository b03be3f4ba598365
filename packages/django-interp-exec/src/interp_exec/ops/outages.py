"""An outage of a backing service answers 503 naming it, never a 500.

A page that reads the database, the cache or django-q2's broker fails with that
client's connection error while the service is down: Django would answer 500,
which says the page is broken and names nothing. ``failing_part`` tells such an
error from a bug, and which service it came from; ``OutageMiddleware`` turns it
into ``503 Service Unavailable`` with that name (the API answers the same in JSON,
``interp_exec.contrib.api.outages``; the health checks name it in their report)::

    view raises -> a connection error of the database (Django's OperationalError,
    InterfaceError) or of Redis (redis-py's ConnectionError, TimeoutError)?
      no  -> not ours: Django's 500, as before
      yes -> the innermost frame of the database, cache or broker client it passed
             through names the part -> 503 "the cache is unavailable", logged

The frames, not the error's type, name the part: one Redis may serve both the
cache and the broker, and the database cache fails with database errors. Redis
is matched by class name so that the base app does not import it.
"""

import traceback
from collections.abc import Callable

import structlog
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

DATABASE = "database"
CACHE = "cache"
BROKER = "task broker"

# Innermost first wins: the ORM broker's statistics live in the cache, the database
# cache in the database.
_PARTS_BY_MODULE = (
    ("django.db.", DATABASE),
    ("django.core.cache.", CACHE),
    ("django_redis.", CACHE),
    ("django_q.", BROKER),
)
_REDIS_FAILURES = frozenset({"ConnectionError", "TimeoutError"})

_logger = structlog.get_logger(__name__)


def failing_part(error: BaseException) -> str | None:
    """The service whose outage ``error`` is ("database", "cache", "task broker"), or
    None when it is not a backing service's connection failure."""
    seen = 0
    current: BaseException | None = error
    while current is not None and seen < 5:  # a raise ... from chain, never a cycle
        if part := _part_of(current):
            return part
        current, seen = current.__cause__, seen + 1
    return None


def _part_of(error: BaseException) -> str | None:
    database = isinstance(error, (OperationalError, InterfaceError))
    redis = any(
        kind.__module__ == "redis.exceptions" and kind.__name__ in _REDIS_FAILURES
        for kind in type(error).__mro__
    )
    if not (database or redis):
        return None
    modules = [
        frame.f_globals.get("__name__", "") for frame, _ in traceback.walk_tb(error.__traceback__)
    ]
    for module in reversed(modules):
        for prefix, part in _PARTS_BY_MODULE:
            if module.startswith(prefix):
                return part
    return DATABASE if database else "Redis"


def unavailable_sentence(part: str) -> str:
    return f"the {part} is unavailable; try again in a moment"


class OutageMiddleware:
    """``MIDDLEWARE`` entry: a view that fails because a backing service is down
    answers 503 in plain text naming the service; every other error goes on to
    Django's handling. Plain text, not a template: rendering a page may itself need
    the database (context processors, the signed-in user)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        part = failing_part(exception)
        if part is None:
            return None
        log_outage(part, request.path, exception)
        return HttpResponse(
            f"Service unavailable: {unavailable_sentence(part)}.\n",
            status=503,
            content_type="text/plain; charset=utf-8",
        )


def log_outage(part: str, path: str, error: BaseException) -> None:
    _logger.error("cpu.service_unavailable", part=part, path=path, exc_info=error)
