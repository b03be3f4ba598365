"""The admin's Workers page lists the live clusters' worker processes from django-q2's Stat,
each with the running jobs it claimed."""

import re
import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from interp_exec.models import CpuJobRecord, JobRecordStatus
from tests.qcluster import QCluster, running_qcluster

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "/admin/workers/"
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
    with running_qcluster(tmp_path_factory.mktemp("qcluster"), {"Q_WORKERS": str(WORKERS)}) as c:
        c.wait_for_log('"event": "cpu.worker_warmed_up"', count=WORKERS)
        yield c


@pytest.mark.integration
def test_a_running_cluster_shows_its_workers_with_their_memory(
    staff_client: Client, two_workers: QCluster
) -> None:
    page = staff_client.get(PAGE).content.decode()
    shown = {int(pid) for pid in re.findall(r'data-pid="(\d+)">\d+: \d+ MiB', page)}
    assert len(shown) == WORKERS, page
    assert shown <= two_workers.pids()


@pytest.mark.integration
def test_each_worker_shows_the_running_jobs_it_claimed(
    staff_client: Client, two_workers: QCluster
) -> None:
    page = staff_client.get(PAGE).content.decode()
    holder, other = sorted(int(pid) for pid in re.findall(r'data-pid="(\d+)"', page))
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

    rows = dict(re.findall(r'<div><span data-pid="(\d+)">(.*?)</div>', page))
    assert f'data-job="{held.pk}"' in rows[str(holder)]
    assert "data-job" not in rows[str(other)]
    assert str(finished.pk) not in page
    assert str(elsewhere.pk) not in page
