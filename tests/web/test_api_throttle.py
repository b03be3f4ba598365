"""The API throttle's count: each request gets its own place in its caller's window.

Requests released together from many threads, each with its own database
connection, on both ways of counting: the database's row (the site's database
cache cannot count atomically) and a cache whose ``incr`` is atomic (the
local-memory cache here; Redis in ``tests/services``). A count read and written
back would hand two requests the same place; here the places are 1 to N exactly.
"""

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from interp_exec.contrib.api.models import ApiRequestWindow
from interp_exec.contrib.api.request_counts import count_request
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20
REQUESTS_EACH = 5
LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.mark.parametrize("counted_in", ["database", "cache"])
def test_requests_at_once_each_get_their_own_place(settings: Any, counted_in: str) -> None:
    if counted_in == "cache":
        settings.CACHES = LOCAL_MEMORY
    places: list[int] = []
    lock = threading.Lock()

    def requests() -> None:
        for _ in range(REQUESTS_EACH):
            place = count_request("interp_exec:api:user:1", 60).count
            with lock:
                places.append(place)

    at_once(THREADS, requests)

    assert sorted(places) == list(range(1, THREADS * REQUESTS_EACH + 1))
    assert ApiRequestWindow.objects.exists() is (counted_in == "database")


def test_a_window_that_ended_starts_again_from_one() -> None:
    first = count_request("interp_exec:api:user:1", 60)
    count_request("interp_exec:api:user:1", 60)
    ApiRequestWindow.objects.update(ends=timezone.now() - timedelta(seconds=1))

    again = count_request("interp_exec:api:user:1", 60)

    assert (first.count, again.count) == (1, 1)
    assert again.window_ends > first.window_ends
    assert count_request("interp_exec:api:user:2", 60).count == 1  # per caller
