"""The jobs admin: list, filter and search jobs; read outcomes; never add or edit one."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from interp_exec.models import CpuJobRecord, DispatchLog
from interp_exec.task_queue.drain import run_cpu_job

CHANGELIST = "/admin/interp_exec/cpujobrecord/"


@pytest.fixture
def jobs(admin_user: User) -> list[CpuJobRecord]:
    done = CpuJobRecord.objects.create(workload="tests.echo", size=2, created_by=admin_user)
    run_cpu_job(done.pk)
    broken = CpuJobRecord.objects.create(workload="tests.explode", size=1)
    run_cpu_job(broken.pk)
    waiting = CpuJobRecord.objects.create(workload="audio.loudness", size=9)
    return [done, broken, waiting]


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ({}, 3),
        ({"status": "ok"}, 1),
        ({"status": "queued"}, 1),
        ({"workload": "tests.explode"}, 1),
        ({"mode_used": "inline"}, 2),
        ({"q": "PayloadRejectedError"}, 1),
        ({"q": "admin"}, 1),
        ({"created_at__gte": "2999-01-01T00:00:00+00:00"}, 0),
    ],
)
@pytest.mark.usefixtures("jobs")
def test_the_jobs_admin_lists_filters_and_searches(
    admin_client: Client, query: dict[str, str], count: int
) -> None:
    response = admin_client.get(CHANGELIST, query)

    assert response.status_code == 200
    assert response.context["cl"].result_count == count


def test_a_jobs_outcome_is_read_only_and_links_to_its_dispatch(
    admin_client: Client, jobs: list[CpuJobRecord]
) -> None:
    done = jobs[0]
    done.refresh_from_db()
    url = f"{CHANGELIST}{done.pk}/change/"

    page = admin_client.get(url)
    admin_client.post(url, {"status": "queued", "workload": "forged", "size": "1"})

    body = page.content.decode()
    entry = DispatchLog.objects.get(dispatch_id=done.dispatch_id)
    assert page.status_code == 200
    assert f'href="/admin/interp_exec/dispatchlog/{entry.pk}/change/"' in body
    assert 'name="status"' not in body
    assert 'name="value"' not in body
    view_on_site = re.search(r'href="(/admin/r/\d+/[^"]+/)"', body)
    assert view_on_site is not None
    assert admin_client.get(view_on_site[1])["Location"].endswith(f"/cpu/jobs/{done.pk}/")
    done.refresh_from_db()
    assert (done.status, done.workload) == ("ok", "tests.echo")


def test_jobs_are_not_added_in_the_admin(admin_client: Client) -> None:
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert not admin_client.get(CHANGELIST).context["has_add_permission"]


@pytest.mark.usefixtures("jobs")
def test_the_admin_index_lists_flags_jobs_and_the_dispatch_log(admin_client: Client) -> None:
    body = admin_client.get("/admin/").content.decode()

    for path in ("executorflag", "cpujobrecord", "dispatchlog"):
        assert f'href="/admin/interp_exec/{path}/"' in body
    assert 'href="/admin/waffle/switch/"' in body
