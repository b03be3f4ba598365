"""An outage answers 503 naming the part that is down, never a 500.

The errors are real: a Redis client of the cache or of django-q2's broker talking
to a port nothing listens on, a database file that cannot be opened. The whole
site with its real servers stopped is ``tests/services/test_outages.py``.
"""

from collections.abc import Callable
from pathlib import Path

import pytest
import redis
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import OperationalError, connection
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.test import Client, override_settings
from django_q.brokers.redis_broker import Redis as RedisBroker
from django_q.conf import Conf
from rest_framework.authtoken.models import Token

from interp_exec.ops.outages import failing_part
from tests.ops.conftest import DEAD_REDIS


def raised(kind: type[Exception], action: Callable[[], object]) -> Exception:
    with pytest.raises(kind) as caught:
        action()
    return caught.value


def test_a_cache_that_does_not_answer_is_the_cache() -> None:
    with override_settings(CACHES=DEAD_REDIS):
        assert failing_part(raised(redis.ConnectionError, lambda: cache.get("anything"))) == "cache"


def test_a_redis_broker_that_does_not_answer_is_the_task_broker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Conf, "REDIS", "redis://127.0.0.1:9/0")
    broker = RedisBroker()
    assert (
        failing_part(raised(redis.ConnectionError, lambda: broker.get_stats("django_q:*")))
        == "task broker"
    )


def test_a_database_that_cannot_be_opened_is_the_database(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-dir" / "db.sqlite3")
    gone = DatabaseWrapper({**connection.settings_dict, "NAME": missing}, "gone")
    assert failing_part(raised(OperationalError, gone.ensure_connection)) == "database"


def test_a_redis_error_from_no_known_client_names_redis_and_a_bug_names_nothing() -> None:
    assert failing_part(redis.exceptions.ConnectionError("refused")) == "Redis"
    assert failing_part(ValueError("a bug")) is None


def test_an_outage_raised_as_the_cause_of_another_error_is_still_named() -> None:
    wrapped = RuntimeError("could not load the page")
    with override_settings(CACHES=DEAD_REDIS):
        wrapped.__cause__ = raised(redis.ConnectionError, lambda: cache.get("anything"))
    assert failing_part(wrapped) == "cache"


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(User.objects.create_user("operator", is_staff=True))
    return client


def test_a_page_that_needs_the_cache_answers_503_naming_it(staff_client: Client) -> None:
    with override_settings(CACHES=DEAD_REDIS):
        response = staff_client.get("/cpu/workers/")
    assert response.status_code == 503
    assert (
        response.content
        == b"Service unavailable: the cache is unavailable; try again in a moment.\n"
    )


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_the_api_answers_json_503_when_its_throttle_cannot_reach_the_cache(
    client: Client, accept: str
) -> None:
    token = Token.objects.create(user=User.objects.create_user("person"))
    with override_settings(CACHES=DEAD_REDIS):
        response = client.get(
            "/cpu/api/jobs/", headers={"Authorization": f"Token {token.key}", "Accept": accept}
        )
    assert (response.status_code, response["Content-Type"]) == (503, "application/json")
    assert response.json() == {
        "detail": "the cache is unavailable; try again in a moment",
        "unavailable": "cache",
    }
