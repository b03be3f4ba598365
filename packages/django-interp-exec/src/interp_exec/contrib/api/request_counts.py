"""How many requests a caller made in their current window, counted atomically.

A throttle that reads a count, adds one and writes it back lets through every
request that read the same count: REST framework's own keeps its history that
way, and 200 requests from 20 threads all passed a limit of 120 a minute on the
database cache. Here each request's increment is one atomic operation whose
result is that request's own place in the window, so at most the rate pass:

- on a cache whose ``incr`` is atomic (Redis's INCR, memcached's, the local-memory
  cache's lock): the first request of a window ``add``s its counter, expiring with
  the window, and every request ``incr``s it;
- on any other cache (Django's database cache reads and writes back): one row per
  caller in ``ApiRequestWindow``, counted on, or moved to a new window, by one
  ``UPDATE`` under the row's lock, and read back in the same transaction.

A window opens at a caller's first request and lasts the rate's period, so a burst
never gets two windows' allowance across a clock boundary.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache
from django.db import IntegrityError, router, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from interp_exec.contrib.api.models import ApiRequestWindow

# Cache backends whose incr is one atomic operation on the server (or under a lock);
# any other (a subclass of one of these included) counts in the database.
ATOMIC_INCR_CACHES = frozenset(
    {
        "django.core.cache.backends.redis.RedisCache",
        "django_redis.cache.RedisCache",
        "django.core.cache.backends.memcached.PyMemcacheCache",
        "django.core.cache.backends.memcached.PyLibMCCache",
        "django.core.cache.backends.locmem.LocMemCache",
    }
)


@dataclass(frozen=True, slots=True)
class Hit:
    """This request's place in its caller's window, and when the window ends (epoch s)."""

    count: int
    window_ends: float


def count_request(key: str, window_s: int) -> Hit:
    """Count one request of the caller ``key`` in a window of ``window_s`` seconds."""
    if settings.CACHES[DEFAULT_CACHE_ALIAS]["BACKEND"] in ATOMIC_INCR_CACHES:
        return _count_in_cache(key, window_s)
    return _count_in_database(key, window_s)


def _count_in_cache(key: str, window_s: int) -> Hit:
    ends_key = f"{key}:ends"
    # Twice at most: a window can end between add and incr only once in a row.
    for _ in range(2):
        now = time.time()
        if cache.add(key, 0, timeout=window_s):
            cache.set(ends_key, now + window_s, timeout=window_s)
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between the two calls: open the next one
            continue
        return Hit(count, float(cache.get(ends_key, now + window_s)))
    raise RuntimeError(f"the cache dropped the request counter {key!r} twice in a row")


def _count_in_database(key: str, window_s: int) -> Hit:
    now = timezone.now()
    new_end = now + timedelta(seconds=window_s)
    windows = ApiRequestWindow.objects.filter(key=key)
    # One more in the window under way, or the first of a new one.
    counted = {
        "count": Case(When(ends__gt=now, then=F("count") + 1), default=Value(1)),
        "ends": Case(When(ends__gt=now, then=F("ends")), default=Value(new_end)),
    }
    database = router.db_for_write(ApiRequestWindow)
    with transaction.atomic(using=database):
        if not windows.update(**counted):
            try:
                with transaction.atomic(using=database):
                    ApiRequestWindow.objects.create(key=key, count=1, ends=new_end)
            except IntegrityError:
                # Another request made the row first: count this one on it.
                windows.update(**counted)
        count, ends = windows.values_list("count", "ends").get()
    return Hit(count, ends.timestamp())
