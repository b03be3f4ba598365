"""Fixtures for the suites that run against a real PostgreSQL and a real Redis.

Django's settings and django-q2's ``Conf`` are read once per process, so these
tests need a pytest session of their own whose environment points at the
servers: ``scripts/test-services.sh`` (``make test-services``) runs them once
with the ORM broker on PostgreSQL and once with the Redis broker. pytest-django
creates and drops the ``test_<name>`` database on the server; the session's
Redis db index is flushed before and after each test.

Without ``EPISODIC_TEST_SERVICES`` (the default ``make test``) they are skipped.
With it, a server that cannot be reached fails every test, loudly: CI must never
pass by skipping them.
"""

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import psycopg
import pytest
import redis
from django.apps import apps
from django.conf import settings
from django.db import connection

from tests.qcluster import QCluster, running_qcluster

SERVICES_ENV = "EPISODIC_TEST_SERVICES"
HERE = Path(__file__).resolve().parent
POSTGRES_ENGINE = "django.db.backends.postgresql"
REDIS_CACHE = "django_redis.cache.RedisCache"

type StartCluster = Callable[..., QCluster]

# For tests whose clusters must see their writes. Naming the available apps makes
# the flush after each test TRUNCATE ... CASCADE: django-waffle's own migrations
# create waffle_flag_groups (pointing at auth_group) even though WAFFLE_FLAG_MODEL
# swaps its Flag out, and PostgreSQL refuses a plain TRUNCATE of auth_group.
# Names of the apps, not INSTALLED_APPS entries: one of those is an AppConfig's path.
COMMITTING_DB = pytest.mark.django_db(
    transaction=True, available_apps=[app.name for app in apps.get_app_configs()]
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get(SERVICES_ENV):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL and Redis: run make test-services")
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def real_services() -> None:
    """Fail every test here unless the session is configured for, and reaches, both servers."""
    database = settings.DATABASES["default"]
    cache = settings.CACHES["default"]
    if database["ENGINE"] != POSTGRES_ENGINE or cache["BACKEND"] != REDIS_CACHE:
        pytest.fail(
            f"{SERVICES_ENV} is set, but the settings use {database['ENGINE']} and "
            f"{cache['BACKEND']}: set DATABASE_URL=postgres://... and REDIS_URL=redis://... "
            "(scripts/test-services.sh does)"
        )
    server = f"{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}"
    try:
        # The maintenance database: the test database does not exist yet.
        psycopg.connect(
            host=database["HOST"],
            port=database["PORT"] or None,
            user=database["USER"],
            password=database["PASSWORD"],
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg.Error as exc:
        pytest.fail(f"PostgreSQL at {server} is not reachable: {exc}")
    try:
        redis.Redis.from_url(cache["LOCATION"], socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {cache['LOCATION']} is not reachable: {exc}")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    real_services: None, django_db_modify_db_settings_parallel_suffix: None
) -> None:
    """Check the servers before pytest-django tries to create the test database."""


@pytest.fixture
def start_cluster(transactional_db: None, tmp_path: Path) -> Iterator[StartCluster]:
    """Start qclusters on the test database; every one is stopped (or killed) at teardown.

    Depends on ``transactional_db`` so the clusters are gone before the test
    database is flushed.
    """
    assert connection.vendor == "postgresql"
    with ExitStack() as clusters:

        def start(name: str, **env: str) -> QCluster:
            log_dir = tmp_path / name
            log_dir.mkdir()
            return clusters.enter_context(running_qcluster(log_dir, env))

        yield start
