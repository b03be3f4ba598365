"""``/health/`` and ``/health/detail/``: real checks of the real services.

Without a qcluster running the detailed page fails on it (503); with one it passes.
The cache check is made to fail by pointing the cache at a closed port, the
Redis broker's by pointing ``Q_CLUSTER["redis"]`` at one. Reading the page
changes nothing: no dispatch, no metric, no figure of auto mode.
"""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.utils import timezone
from django_q.models import Schedule

from interp_exec.core.workloads import all_workloads
from interp_exec.models import CpuJobRecord, DispatchLog
from interp_exec.routing.auto_figures import WorkloadFigures, read_figures
from interp_exec.task_queue.sweep import SWEEP_TASK
from tests.ops.conftest import DEAD_REDIS, TOKEN, Series, scrape
from tests.private_servers import private_redis
from tests.qcluster import QCluster, running_qcluster

# The checks run in threads of their own, with their own connections: they must
# see committed rows, and on SQLite must not wait on a test's open transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(User.objects.create_user("operator", is_staff=True))
    return client


def detail(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get("/cpu/health/detail/", {"format": "json"})
    return response.status_code, response.json()


def failing(checks: dict[str, Any]) -> set[str]:
    return {name.split("(")[0] for name, status in checks.items() if status != "OK"}


def test_the_load_balancer_page_says_ok_and_nothing_else(client: Client) -> None:
    response = client.get("/cpu/health/", headers={"Accept": "application/json"})
    assert (response.status_code, response.content) == (200, b"ok\n")


def test_the_load_balancer_page_is_unavailable_when_the_cache_is(client: Client) -> None:
    with override_settings(CACHES=DEAD_REDIS):
        response = client.get("/cpu/health/")
    assert (response.status_code, response.content) == (503, b"unavailable\n")


def test_the_detailed_page_is_for_staff_only(client: Client) -> None:
    response = client.get("/cpu/health/detail/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def monitor_detail(client: Client, token: str = TOKEN) -> tuple[int, dict[str, Any]]:
    response = client.get(
        "/cpu/health/detail/", {"format": "json"}, headers={"Authorization": f"Bearer {token}"}
    )
    return response.status_code, response.json() if response.status_code != 403 else {}


@pytest.mark.usefixtures("metrics_token")
def test_a_monitor_with_the_token_reads_the_detailed_page_without_signing_in(
    client: Client,
) -> None:
    status, checks = monitor_detail(client)
    assert (status, failing(checks)) == (503, {"LiveCluster"}), checks  # no qcluster here
    assert monitor_detail(client, "not-the-token") == (403, {})
    assert "_auth_user_id" not in client.session


def test_without_a_token_set_a_bearer_header_reads_nothing(client: Client) -> None:
    assert monitor_detail(client, "") == (403, {})


def everything_a_visit_could_write(client: Client) -> tuple[int, int, Series, dict[str, Any]]:
    figures: dict[str, WorkloadFigures] = {w.name: read_figures(w.name) for w in all_workloads()}
    return DispatchLog.objects.count(), CpuJobRecord.objects.count(), scrape(client), figures


@pytest.mark.usefixtures("metrics_token")
def test_twenty_visits_write_no_dispatch_metric_or_auto_figure(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django_q.conf import Conf

    # No qcluster runs here, and the cluster check waits two guard cycles before it
    # says so: short cycles keep 20 visits short.
    monkeypatch.setattr(Conf, "GUARD_CYCLE", 0.05)
    before = everything_a_visit_could_write(client)

    for _ in range(20):
        _, checks = monitor_detail(client)
        assert next(v for k, v in checks.items() if k.startswith("InterpreterPool")) == "OK"

    assert everything_a_visit_could_write(client) == before


def test_without_a_cluster_only_the_cluster_check_fails(staff_client: Client) -> None:
    status, checks = detail(staff_client)
    assert status == 503
    assert failing(checks) == {"LiveCluster"}, checks
    assert "no qcluster is running" in next(v for k, v in checks.items() if "LiveCluster" in k)


def test_an_overdue_sweep_fails_its_check(staff_client: Client) -> None:
    Schedule.objects.filter(func=SWEEP_TASK).update(next_run=timezone.now() - timedelta(minutes=10))
    _, checks = detail(staff_client)
    assert "SweepOnSchedule" in failing(checks)
    Schedule.objects.filter(func=SWEEP_TASK).delete()
    _, checks = detail(staff_client)
    assert "no schedule runs" in next(v for k, v in checks.items() if "SweepOnSchedule" in k)


@pytest.fixture
def qcluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QCluster]:
    with running_qcluster(tmp_path_factory.mktemp("qcluster")) as cluster:
        cluster.wait_for_log("Process-", timeout_s=60)
        yield cluster


@pytest.mark.integration
def test_with_a_cluster_running_every_check_passes(
    staff_client: Client, qcluster: QCluster
) -> None:
    deadline = timezone.now() + timedelta(seconds=30)
    while True:
        status, checks = detail(staff_client)
        if status == 200 or timezone.now() > deadline:
            break
    assert (status, failing(checks)) == (200, set()), qcluster.log()


def with_broker(url: str) -> Any:
    from django.conf import settings

    return override_settings(Q_CLUSTER={**settings.Q_CLUSTER, "redis": url})


def broker_check(checks: dict[str, Any]) -> tuple[str, str]:
    return next((k, v) for k, v in checks.items() if k.startswith("RedisBroker("))


def test_the_broker_is_checked_only_when_it_is_redis(staff_client: Client) -> None:
    _, checks = detail(staff_client)
    assert not any(name.startswith("RedisBroker") for name in checks), checks


def test_a_redis_broker_that_does_not_answer_fails_its_check(staff_client: Client) -> None:
    with with_broker("redis://:secret-password@127.0.0.1:9/0"):  # nothing listens on 9
        status, checks = detail(staff_client)
    name, message = broker_check(checks)
    assert status == 503
    assert "Unable to connect to Redis" in message
    assert name == "RedisBroker(db=0, host='127.0.0.1', port=9)"
    assert "secret-password" not in str(checks)


@pytest.fixture
def redis_port(tmp_path: Path) -> Iterator[int]:
    with private_redis(tmp_path) as server:
        yield server.port


def test_a_redis_broker_that_answers_passes(staff_client: Client, redis_port: int) -> None:
    with with_broker(f"redis://127.0.0.1:{redis_port}/0"):
        _, checks = detail(staff_client)
    assert broker_check(checks)[1] == "OK", checks
