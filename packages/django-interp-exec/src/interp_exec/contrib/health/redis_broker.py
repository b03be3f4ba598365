"""The check of django-q2's Redis broker, in a module of its own: it imports redis,
which only a site with ``Q_CLUSTER["redis"]`` has (``views.StaffHealthView``)."""

import dataclasses
from collections.abc import Callable

from django.conf import settings
from health_check.contrib.redis import Redis
from redis.asyncio import Redis as RedisClient
from redis.asyncio import RedisCluster


def _broker_client() -> RedisClient:
    # A dead broker must fail the check in seconds, not hang the page.
    url: str = settings.Q_CLUSTER["redis"]
    return RedisClient.from_url(url, socket_connect_timeout=2, socket_timeout=2)


@dataclasses.dataclass
class RedisBroker(Redis):
    """django-q2's Redis broker (``Q_BROKER=redis``) answers a ping: without it no job
    reaches a worker. Checked only in that configuration (``views``)."""

    client_factory: Callable[[], RedisClient | RedisCluster] | None = dataclasses.field(
        repr=False, default=_broker_client
    )

    def __repr__(self) -> str:
        # Host, port and database only (never the URL's password), under this check's name.
        shown: str = super().__repr__()
        return "RedisBroker" + shown.removeprefix("Redis")
