"""Outages of the real servers: every page answers 503 naming what is down, or works;
none answers 500; all recover once the server is back.

The site runs as a real ``runserver`` process on a PostgreSQL and a Redis of
this module's own (``tests.private_servers``), so stopping them hurts nothing
else; with ``Q_BROKER=redis`` that Redis is the broker too. A load balancer reads
``/health/`` and must take the site out of rotation while its database or its
cache is gone, then put it back without anyone restarting it; a monitor reads
``/health/detail/`` with the metrics token, a person the pages with a session,
a program the API with its token.
"""

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from health_check.exceptions import ServiceUnavailable

from interp_exec.contrib.health.checks import LiveCluster
from tests.private_servers import (
    PrivatePostgres,
    PrivateRedis,
    free_port,
    private_postgres,
    private_redis,
    wait_until_accepting,
)
from tests.qcluster import ROOT, running_qcluster, worker_env
from tests.services.conftest import COMMITTING_DB

# A check that waits on a dead server gives up within seconds; recovery takes a
# reconnect. Both are conditions polled up to this bound, not sleeps.
RECOVERY_TIMEOUT_S = 30
OK = (200, "ok\n")
UNAVAILABLE = (503, "unavailable\n")
METRICS_TOKEN = "outage-monitor-token"

# A staff member with a session and an API token, made in the site's own database.
_PEOPLE = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from rest_framework.authtoken.models import Token

user = User.objects.create_user("operator", is_staff=True)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key, Token.objects.create(user=user).key)
"""


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Site:
    url: str
    env: dict[str, str]
    postgres: PrivatePostgres
    redis: PrivateRedis
    session: str = ""
    api_token: str = ""
    pages: dict[str, tuple[str, dict[str, str], bytes | None]] = field(default_factory=dict)

    def ask(self, path: str, headers: dict[str, str], body: bytes | None = None) -> Answer:
        request = urllib.request.Request(self.url + path, data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Answer(response.status, response.headers["Content-Type"], _text(response))
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers["Content-Type"], _text(error))

    def health(self) -> tuple[int, str]:
        answer = self.ask("cpu/health/", {})
        return answer.status, answer.body

    def every_page(self) -> dict[str, Answer]:
        return {name: self.ask(*page) for name, page in self.pages.items()}

    def live_cluster(self) -> str:
        """The detailed page's verdict on the cluster, as a monitor reads it."""
        checks = self.ask(*self.pages["health detail (monitor)"]).json()
        return str(next(v for k, v in checks.items() if k.startswith("LiveCluster")))


def _text(response: Any) -> str:
    return str(response.read().decode(errors="replace"))


def _pages(site: Site) -> dict[str, tuple[str, dict[str, str], bytes | None]]:
    """Every kind of page, each as the caller it is for asks it."""
    signed_in = {"Cookie": f"sessionid={site.session}"}
    monitor = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    program = {"Authorization": f"Token {site.api_token}", "Content-Type": "application/json"}
    job = json.dumps({"workload": "transcript.readability", "payload": {"text": "Hi there."}})
    return {
        "home": ("", {}, None),
        "health": ("cpu/health/", {}, None),
        "health detail (monitor)": ("cpu/health/detail/?format=json", monitor, None),
        "health detail (staff)": ("cpu/health/detail/?format=json", signed_in, None),
        "metrics": ("cpu/metrics/", monitor, None),
        "api: list jobs": ("cpu/api/jobs/", program, None),
        "api: queue a job": ("cpu/api/jobs/", program, job.encode()),
        "job list": ("cpu/jobs/", signed_in, None),
        "workers": ("cpu/workers/", signed_in, None),
        "admin": ("admin/", signed_in, None),
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    directory = tmp_path_factory.mktemp("outages")
    with private_postgres() as postgres, private_redis(directory) as redis:
        env = worker_env(
            {"DATABASE_URL": postgres.url, "REDIS_URL": redis.url, "METRICS_TOKEN": METRICS_TOKEN}
        )
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--no-input"], cwd=ROOT, env=env, check=True,
                       capture_output=True)  # fmt: skip
        people = subprocess.run([*manage, "shell", "-v", "0", "-c", _PEOPLE], cwd=ROOT, env=env,
                                check=True, capture_output=True, text=True)  # fmt: skip
        session, api_token = people.stdout.split()
        with running_site(directory / "site.log", env) as url:
            found = Site(url, env, postgres, redis, session, api_token)
            found.pages = _pages(found)
            yield found


@contextmanager
def running_site(log_path: Path, env: dict[str, str]) -> Iterator[str]:
    """A ``runserver`` of the site with ``env``; its address."""
    port = free_port()
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_accepting(port, server)
            yield f"http://127.0.0.1:{port}/"
        finally:
            server.terminate()
            server.wait(30)


def eventually(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + RECOVERY_TIMEOUT_S
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def failing_checks(answer: Answer) -> dict[str, str]:
    """Each failing check's message, by the check's class name."""
    return {
        name.split("(")[0]: message for name, message in answer.json().items() if message != "OK"
    }


def assert_outage_named(answers: dict[str, Answer], parts: set[str], pages: set[str]) -> None:
    """None of ``answers`` is a 500; each of ``pages`` is a 503 that names one of
    ``parts`` (the parts that live on the stopped server)."""
    assert {name for name, a in answers.items() if a.status >= 500 and a.status != 503} == set()
    for name in pages:
        answer = answers[name]
        assert answer.status == 503, (name, answer)
        assert any(f"the {part} is unavailable" in answer.body for part in parts), (name, answer)


def test_the_site_is_unavailable_while_its_database_is_down_and_recovers(site: Site) -> None:
    assert site.health() == OK
    site.postgres.stop()
    try:
        assert site.health() == UNAVAILABLE
    finally:
        site.postgres.start()
    assert eventually(lambda: site.health() == OK)


def test_the_site_is_unavailable_while_its_cache_is_down_and_recovers(site: Site) -> None:
    assert site.health() == OK
    site.redis.stop()
    try:
        assert site.health() == UNAVAILABLE
    finally:
        site.redis.start()
    assert eventually(lambda: site.health() == OK)


def test_with_the_database_down_every_page_that_needs_it_answers_503_naming_it(
    site: Site,
) -> None:
    before = site.every_page()
    assert {name: a.status for name, a in before.items() if a.status >= 500} == {
        "health detail (monitor)": 503,  # no qcluster runs for this site
        "health detail (staff)": 503,
    }
    site.postgres.stop()
    try:
        answers = site.every_page()
    finally:
        site.postgres.start()

    assert_outage_named(
        answers,
        {"database"},
        {
            "health detail (staff)",  # its session is in the database
            "metrics",
            "api: list jobs",
            "api: queue a job",
            "job list",
            "workers",
            "admin",
        },
    )
    assert answers["health"] == Answer(503, "text/plain; charset=utf-8", "unavailable\n")
    # A monitor's token needs no session: it reads every check's verdict.
    monitor = failing_checks(answers["health detail (monitor)"])
    assert answers["health detail (monitor)"].status == 503
    assert "the database is unavailable" in monitor["SweepOnSchedule"], monitor
    for call in ("api: list jobs", "api: queue a job"):
        assert answers[call].json()["unavailable"] == "database"
    assert eventually(lambda: _statuses(site.every_page()) == _statuses(before))


def test_with_redis_down_every_page_that_needs_it_answers_503_naming_it(site: Site) -> None:
    before = site.every_page()
    site.redis.stop()
    try:
        answers = site.every_page()
    finally:
        site.redis.start()

    # With Q_BROKER=redis that Redis is the broker too: the workers page reads the
    # clusters' statistics from it first.
    on_redis = {"cache", "task broker"}
    assert_outage_named(answers, on_redis, {"api: list jobs", "api: queue a job", "workers"})
    assert answers["health"] == Answer(503, "text/plain; charset=utf-8", "unavailable\n")
    for caller in ("monitor", "staff"):
        detail = answers[f"health detail ({caller})"]
        checks = failing_checks(detail)
        assert detail.status == 503
        assert "Cache" in checks
        assert "unavailable" in checks["LiveCluster"], checks
    for call in ("api: list jobs", "api: queue a job"):
        assert answers[call].content_type == "application/json"
        assert answers[call].json()["unavailable"] == "cache"
    assert eventually(lambda: _statuses(site.every_page()) == _statuses(before))


def _statuses(answers: dict[str, Answer]) -> dict[str, int]:
    return {name: answer.status for name, answer in answers.items()}


def test_once_redis_is_back_a_running_cluster_is_seen_at_once(site: Site, tmp_path: Path) -> None:
    """Its statistics went with the Redis that restarted empty; the check reads them
    again for two guard cycles before saying no cluster runs, and the cluster has
    written them again by then."""
    with running_qcluster(tmp_path, site.env) as cluster:
        assert eventually(lambda: site.live_cluster() == "OK"), cluster.log()
        site.redis.stop()
        try:
            assert "unavailable" in site.live_cluster()
        finally:
            site.redis.start()
        verdicts = [site.live_cluster() for _ in range(10)]
    assert verdicts == ["OK"] * 10, cluster.log()


def live_cluster_check() -> str:
    """The check's verdict, asked in this thread: the staff page runs checks in
    threads whose database connections outlive the test (tests/ops covers the page)."""
    try:
        LiveCluster().run()
    except ServiceUnavailable as error:
        return str(error)
    return "OK"


@COMMITTING_DB
def test_the_cluster_check_fails_once_the_last_qcluster_stops(tmp_path: Path) -> None:
    with running_qcluster(tmp_path) as cluster:
        assert eventually(lambda: live_cluster_check() == "OK"), cluster.log()
    # Its statistics expire from the broker a few seconds after it stops.
    assert eventually(lambda: "no qcluster is running" in live_cluster_check())


def test_with_only_the_brokers_redis_down_queueing_answers_503_and_keeps_the_job_failed(
    site: Site, tmp_path: Path
) -> None:
    """The broker on a Redis of its own (``Q_REDIS_URL``): the cache, the database and
    the throttle still answer, so the job is stored, its task refused, and then it ends
    failed with the reason while the caller hears 503 naming the broker."""
    with private_redis(tmp_path) as broker:
        env = {**site.env, "Q_BROKER": "redis", "Q_REDIS_URL": broker.url}
        with running_site(tmp_path / "site.log", env) as url:
            own_broker = Site(url, env, site.postgres, site.redis, site.session, site.api_token)
            own_broker.pages = _pages(own_broker)
            queue = own_broker.pages["api: queue a job"]
            assert own_broker.ask(*queue).status == 201
            broker.stop()
            try:
                answers = own_broker.every_page()
                listed = own_broker.ask(*own_broker.pages["api: list jobs"])
            finally:
                broker.start()
            queued_again = own_broker.ask(*queue)

    assert_outage_named(answers, {"task broker"}, {"api: queue a job"})
    refused = answers["api: queue a job"]
    assert refused.content_type == "application/json"
    assert refused.json()["unavailable"] == "task broker"
    assert listed.status == 200
    latest = listed.json()["results"]
    failed = [job for job in latest if job["status"] == "failed"]
    assert len(failed) == 1, latest
    assert failed[0]["error_message"].startswith("the task queue did not accept the job")
    assert queued_again.status == 201
