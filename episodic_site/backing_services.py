"""Database, cache and task-queue settings, chosen from the environment.

Two shapes are supported (see README, "Environment"):

- embedded (the default): SQLite in ``var/``, Django's database cache and the
  django-q2 ORM broker, so ``make run`` needs nothing else running;
- scaled: PostgreSQL through ``DATABASE_URL``, Redis through ``REDIS_URL`` for the
  cache and, with ``Q_BROKER=redis``, for the task queue, so several ``qcluster``
  processes on several hosts can share the work.

Whatever the shape, every process (web server, each qcluster worker, the tests)
must see the same database and the same cache: feature flags are cached, and a
per-process cache would let a worker act on a flag the admin already changed.
"""

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from episodic_site.env import env_choice, env_int, env_str

SQLITE_ENGINE = "django.db.backends.sqlite3"

# WAL lets readers and one writer work at once; IMMEDIATE takes the write lock at
# the start of a transaction, so a busy database makes the writer wait (up to
# `timeout` seconds) instead of failing half-way with "database is locked".
SQLITE_OPTIONS: dict[str, Any] = {
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def database_settings(var_dir: Path) -> dict[str, Any]:
    """The ``default`` database: ``DATABASE_URL`` if set, else SQLite in ``var_dir``.

    ``EPISODIC_SQLITE_PATH`` overrides where the SQLite file lives; the tests use it
    to point a real ``qcluster`` subprocess at their test database. That database
    is a file, not in-memory, for the same reason.
    """
    url = env_str("DATABASE_URL", None)
    # Connections are kept (and checked before reuse), on SQLite too: django-q2 closes
    # old connections before every task and every ORM-broker call, so with none kept
    # each queued job opened several, at ~1.4 ms of CPU each on SQLite (Django
    # registers its SQL functions on every new connection). A kept SQLite connection
    # holds no read snapshot between statements: they run in autocommit.
    conn_max_age = env_int("DJANGO_CONN_MAX_AGE", 60, minimum=0)
    if url is None:
        database: dict[str, Any] = {"ENGINE": SQLITE_ENGINE, "NAME": str(var_dir / "db.sqlite3")}
    else:
        database = dict(
            dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
        )
    if database["ENGINE"] != SQLITE_ENGINE:
        return database
    database.update(
        NAME=env_str("EPISODIC_SQLITE_PATH", database["NAME"]),
        CONN_MAX_AGE=conn_max_age,
        CONN_HEALTH_CHECKS=True,
        OPTIONS={**SQLITE_OPTIONS, **database.get("OPTIONS", {})},
        TEST={"NAME": str(var_dir / "test-db.sqlite3")},
    )
    return database


def cache_settings() -> dict[str, Any]:
    """The ``default`` cache: Redis when ``REDIS_URL`` is set, else a database table."""
    redis_url = env_str("REDIS_URL", None)
    if redis_url is None:
        # Created by `manage.py createcachetable` (and by the test runner).
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "episodic_cache",
        }
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": redis_url,
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }


def q_cluster_settings() -> dict[str, Any]:
    """django-q2's ``Q_CLUSTER``: ORM broker by default, Redis with ``Q_BROKER=redis``."""
    timeout = env_int("Q_TIMEOUT", 600, minimum=1)
    cluster: dict[str, Any] = {
        "name": "episodic",
        "label": "Task queue",
        "workers": env_int("Q_WORKERS", 2, minimum=1),
        "timeout": timeout,
        # A task not acknowledged within `retry` seconds is handed out again, so it
        # must outlast the longest run (`timeout`) or a slow task would run twice.
        "retry": timeout + 120,
        "max_attempts": 3,
        # Daemonic processes may not have children; a task that runs jobs on a
        # ProcessPoolExecutor needs its worker to be an ordinary process.
        "daemonize_workers": False,
        "ack_failures": True,
        "catch_up": False,
        # Successful tasks are not kept: the job record holds the outcome, and saving
        # them row-locks up to save_limit rows per task (20 vs ~60 jobs/s on SQLite).
        "save_limit": -1,
    }
    broker = env_choice("Q_BROKER", ("orm", "redis"), "orm")
    if broker == "orm":
        return {**cluster, "orm": "default", "poll": 0.5}
    # The broker may have a Redis of its own, so that the cache's outages are not its.
    redis_url = env_str("Q_REDIS_URL", None) or env_str("REDIS_URL", None)
    if redis_url is None:
        raise ImproperlyConfigured(
            "Q_BROKER=redis needs REDIS_URL or Q_REDIS_URL (e.g. redis://127.0.0.1:6379/0)."
        )
    return {**cluster, "redis": redis_url}
