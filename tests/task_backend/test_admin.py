"""Task jobs in the admin: beside workload jobs on the jobs page; their flags editable."""

from collections.abc import Callable
from typing import Any

from django.test import Client

from interp_exec.models import CpuJobRecord, ExecutorFlag
from interp_exec.task_queue.drain import run_cpu_job
from tests.flag_helpers import change_form_data
from tests.task_backend import tasks

CHANGELIST = "/admin/interp_exec/cpujobrecord/"


def test_the_jobs_page_lists_task_jobs_beside_workload_jobs_and_filters_by_kind(
    admin_client: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    workload_job = CpuJobRecord.objects.create(workload="tests.echo", size=2)
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.word_lengths.enqueue(["abc"])
    run_cpu_job(result.id)

    every = admin_client.get(CHANGELIST).content.decode()
    only_tasks = admin_client.get(CHANGELIST, {"kind": "task"}).content.decode()
    only_workloads = admin_client.get(CHANGELIST, {"kind": "workload"}).content.decode()
    page = admin_client.get(f"{CHANGELIST}{result.id}/change/").content.decode()

    assert str(workload_job.pk) in every
    assert result.id in every
    assert "tests.task_backend.tasks.word_lengths (default)" in every
    assert (result.id in only_tasks, str(workload_job.pk) in only_tasks) == (True, False)
    assert (result.id in only_workloads, str(workload_job.pk) in only_workloads) == (False, True)
    assert "Task (django.tasks)" in page
    for field in ("task_backend", "task_queue", "task_priority", "run_after", "worker_ids"):
        assert f"field-{field}" in page, field


def test_a_task_flag_can_be_changed_in_the_admin_once_the_task_has_jobs(
    admin_client: Client, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        tasks.add.enqueue(1)
    flag = ExecutorFlag.objects.get(name="cpu.tests.task_backend.tasks.add")
    url = f"/admin/interp_exec/executorflag/{flag.pk}/change/"

    response = admin_client.post(url, change_form_data(admin_client, url, everyone="true"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    flag.refresh_from_db()
    assert flag.everyone is True
