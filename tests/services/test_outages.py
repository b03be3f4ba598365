"""Health checks fail while a real server is down, and pass again once it is back.

The site runs as a real ``runserver`` process on a PostgreSQL and a Redis of
this module's own (``tests.private_servers``), so stopping them hurts nothing
else; the cluster check watches a real qcluster stop. A load balancer reads
``/health/`` and must take the site out of rotation while its database or its
cache is gone, then put it back without anyone restarting it.
"""

import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

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


@dataclass
class Site:
    url: str
    postgres: PrivatePostgres
    redis: PrivateRedis

    def health(self) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + "cpu/health/", timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    directory = tmp_path_factory.mktemp("outages")
    with private_postgres() as postgres, private_redis(directory) as redis:
        env = worker_env({"DATABASE_URL": postgres.url, "REDIS_URL": redis.url})
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--no-input"], cwd=ROOT, env=env, check=True,
                       capture_output=True)  # fmt: skip
        port = free_port()
        log = (directory / "site.log").open("wb")
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_accepting(port, server)
            yield Site(f"http://127.0.0.1:{port}/", postgres, redis)
        finally:
            server.terminate()
            server.wait(30)
            log.close()


def eventually(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + RECOVERY_TIMEOUT_S
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


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
