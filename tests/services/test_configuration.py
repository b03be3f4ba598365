"""The scaled shape: DATABASE_URL and REDIS_URL give PostgreSQL, a Redis cache and the broker."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django_q.brokers import get_broker
from django_q.conf import Conf

pytestmark = [pytest.mark.services, pytest.mark.integration, pytest.mark.django_db]


def test_the_environment_selects_postgres_a_redis_cache_and_the_chosen_broker() -> None:
    broker = os.environ.get("Q_BROKER", "orm")

    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert connection.vendor == "postgresql"
    assert connection.settings_dict["NAME"].startswith("test_")
    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert settings.CACHES["default"]["LOCATION"] == os.environ["REDIS_URL"]
    if broker == "redis":
        assert (settings.Q_CLUSTER["redis"], Conf.ORM) == (os.environ["REDIS_URL"], None)
        assert type(get_broker()).__name__ == "Redis"
    else:
        assert (settings.Q_CLUSTER["orm"], Conf.ORM) == ("default", "default")
        assert type(get_broker()).__name__ == "ORM"


def test_the_cache_and_the_broker_answer() -> None:
    cache.set("services-probe", {"ok": 1}, timeout=30)

    assert cache.get("services-probe") == {"ok": 1}
    assert get_broker().ping()
    with connection.cursor() as cursor:
        cursor.execute("select current_setting('server_version_num')::int")
        assert cursor.fetchone()[0] >= 120000
