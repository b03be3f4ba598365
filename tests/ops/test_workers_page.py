"""The admin's Workers page lists the live clusters' worker processes from django-q2's Stat."""

import re
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.test import Client

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
