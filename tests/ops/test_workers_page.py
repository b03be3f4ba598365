"""The admin's Workers page lists the live clusters' worker processes from django-q2's Stat,
each with its heartbeat (pools, memory) and the running jobs it claimed."""

import re
import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from interp_exec.models import CpuJobRecord, JobRecordStatus
from interp_exec.ops.worker_heartbeat import HEARTBEAT_S, MISSED_BEATS
from interp_exec.routing.flag_policy import DEFAULT_FLAG, flag_name
from tests.flag_helpers import set_flag
from tests.qcluster import QCluster, running_qcluster

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "/cpu/workers/"
WORKERS = 2


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(User.objects.create_user("operator", is_staff=True))
    return client


def test_people_other_than_staff_are_sent_to_sign_in(client: Client) -> None:
    client.force_login(User.objects.create_user("member"))
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_without_a_cluster_the_page_says_none_runs(staff_client: Client) -> None:
    assert "No qcluster is running" in staff_client.get(PAGE).content.decode()


@pytest.fixture
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QCluster]:
    # Their pools: text.dedupe goes to interpreters, 3 of them in each worker process.
    set_flag(DEFAULT_FLAG, max_workers=3)
    set_flag(flag_name("text.dedupe"), everyone=True, mode="interpreters")
    with running_qcluster(tmp_path_factory.mktemp("qcluster"), {"Q_WORKERS": str(WORKERS)}) as c:
        c.wait_for_log('"event": "cpu.heartbeat_started"', count=WORKERS)
        yield c


def worker_rows(page: str) -> dict[int, str]:
    return {
        int(pid): row for pid, row in re.findall(r'<tr data-pid="(\d+)">(.*?)</tr>', page, re.S)
    }


@pytest.mark.integration
def test_each_worker_shows_its_heartbeat_its_warm_pool_and_its_memory(
    staff_client: Client, two_workers: QCluster
) -> None:
    rows = worker_rows(staff_client.get(PAGE).content.decode())

    assert len(rows) == WORKERS, rows
    assert set(rows) <= two_workers.pids()
    for row in rows.values():
        # The first beat is written as the worker starts, after its warm-up.
        (age,) = re.findall(r'data-heartbeat-age="([\d.]+)"', row)
        assert float(age) < HEARTBEAT_S * MISSED_BEATS
        assert re.search(r'data-pool="interpreters" data-size="3" data-busy="0"', row), row
        assert re.search(r"data-rss>\d+ MiB", row), row


@pytest.mark.integration
def test_each_worker_shows_the_running_jobs_it_claimed(
    staff_client: Client, two_workers: QCluster
) -> None:
    page = staff_client.get(PAGE).content.decode()
    holder, other = sorted(worker_rows(page))
    host = socket.gethostname()
    lease = timezone.now() + timedelta(minutes=10)  # not the sweep's to take back meanwhile
    held = CpuJobRecord.objects.create(
        workload="tests.echo",
        size=7,
        status=JobRecordStatus.RUNNING,
        claimed_by=f"{host}:{holder}",
        started_at=timezone.now(),
        lease_expires_at=lease,
    )
    finished = CpuJobRecord.objects.create(
        workload="tests.echo", size=8, status=JobRecordStatus.OK, claimed_by=f"{host}:{holder}"
    )
    elsewhere = CpuJobRecord.objects.create(
        workload="tests.echo",
        size=9,
        status=JobRecordStatus.RUNNING,
        claimed_by=f"another-host:{holder}",
        lease_expires_at=lease,
    )

    page = staff_client.get(PAGE).content.decode()

    rows = worker_rows(page)
    assert f'data-job="{held.pk}"' in rows[holder]
    assert "data-job" not in rows[other]
    assert str(finished.pk) not in page
    assert str(elsewhere.pk) not in page
