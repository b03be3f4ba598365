"""Jobs queued from the view run in a real qcluster; admin changes reach it live."""

import time
from typing import Any

import pytest
from django.test import Client

from interp_exec.models import CpuJobRecord, DispatchLog, ExecutorFlag
from interp_exec.routing.flag_policy import flag_name
from tests.flag_helpers import change_form_data
from tests.qcluster import QCluster, wait_out_flag_refresh

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

JOBS = "/cpu/jobs/"
FINISH_WITHIN_S = 60


def configure_in_admin(client: Client, workload: str, **changes: Any) -> None:
    flag = ExecutorFlag.objects.get(name=flag_name(workload))
    url = f"/admin/interp_exec/executorflag/{flag.pk}/change/"
    response = client.post(url, change_form_data(client, url, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    wait_out_flag_refresh()


def queue_from_the_view(client: Client, workload: str, size: int) -> CpuJobRecord:
    response = client.post(JOBS, {"workload": workload, "size": str(size), "seed": "1"})
    assert response.status_code == 302, response.content.decode()
    record = CpuJobRecord.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])
    assert record.task_id, "the task was not handed to the queue"
    return record


def wait_until_finished(record: CpuJobRecord, cluster: QCluster) -> CpuJobRecord:
    deadline = time.monotonic() + FINISH_WITHIN_S
    while True:
        record.refresh_from_db()
        if record.is_finished:
            return record
        cluster.assert_alive()
        if time.monotonic() > deadline:
            pytest.fail(
                f"job {record.pk} still {record.status} after {FINISH_WITHIN_S} s; "
                f"qcluster log:\n{cluster.log()}"
            )
        time.sleep(0.2)


def status_of(client: Client, record: CpuJobRecord) -> dict[str, Any]:
    data: dict[str, Any] = client.get(f"{JOBS}{record.pk}/status.json").json()
    return data


def test_a_job_from_the_view_runs_on_subinterpreters_and_a_flag_change_applies_live(
    admin_client: Client, qcluster: QCluster
) -> None:
    configure_in_admin(
        admin_client,
        "transcript.readability",
        everyone="true",
        mode="interpreters",
        min_task_size="0",
    )
    first = wait_until_finished(
        queue_from_the_view(admin_client, "transcript.readability", 300), qcluster
    )

    page = admin_client.get(f"{JOBS}{first.pk}/").content.decode()
    data = status_of(admin_client, first)
    assert (data["status"], data["mode_requested"], data["mode_used"]) == (
        "ok",
        "interpreters",
        "interpreters",
    )
    assert '<dd data-field="mode_used">interpreters</dd>' in page
    assert 'class="status-ok"' in page
    assert isinstance(first.value, dict)
    assert first.value["words"] > 0
    log = DispatchLog.objects.get(dispatch_id=first.dispatch_id)
    assert log.pid != qcluster.process.pid  # a worker process, not the cluster's parent
    assert log.interpreter_id not in (None, 0)  # a subinterpreter, not the main one

    # Same worker, no restart: the admin turns the flag off, the next job runs inline.
    configure_in_admin(admin_client, "transcript.readability", everyone="false")
    second = wait_until_finished(
        queue_from_the_view(admin_client, "transcript.readability", 300), qcluster
    )

    assert (second.status, second.mode_used) == ("ok", "inline")
    assert "is not active" in DispatchLog.objects.get(dispatch_id=second.dispatch_id).policy_source
    assert DispatchLog.objects.get(dispatch_id=second.dispatch_id).pid == log.pid
    assert first.attempts == second.attempts == 1


def test_a_numpy_workload_asked_onto_subinterpreters_runs_in_processes_and_says_why(
    admin_client: Client, qcluster: QCluster
) -> None:
    configure_in_admin(
        admin_client, "audio.spectrum", everyone="true", mode="interpreters", min_task_size="0"
    )
    record = wait_until_finished(queue_from_the_view(admin_client, "audio.spectrum", 400), qcluster)

    data = status_of(admin_client, record)
    page = admin_client.get(f"{JOBS}{record.pk}/").content.decode()
    assert (data["status"], data["mode_requested"], data["mode_used"]) == (
        "ok",
        "interpreters",
        "processes",
    )
    assert data["fallback_reason"].startswith("not interpreter-safe")
    assert "numpy" in data["fallback_reason"]
    assert '<div data-row="fallback_reason">' in page
    assert isinstance(record.value, dict)
    assert record.value["samples"] == 400


def test_each_worker_warms_its_interpreter_pool_when_it_starts(qcluster: QCluster) -> None:
    qcluster.wait_for_log('"event": "cpu.worker_warmed_up"')
