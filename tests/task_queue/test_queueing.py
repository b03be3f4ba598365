"""queue_cpu_job: the service behind the form, also for code that queues its own data."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django_q.models import OrmQ

from interp_exec.core.domain import InvalidJob, PayloadTooLarge, UnknownWorkload
from interp_exec.models import CpuJobRecord
from interp_exec.routing.flag_policy import flag_name
from interp_exec.task_queue.drain import run_cpu_job
from interp_exec.task_queue.queueing import checked_payload, queue_cpu_job
from interp_exec.web.job_status import job_status
from tests.flag_helpers import set_flag
from tests.unit.hostile_values import nested


def test_an_explicit_payload_is_stored_and_run_as_given(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        record = queue_cpu_job("tests.echo", 2, payload={"episode": 12}, user=AnonymousUser())

    run_cpu_job(record.pk)
    record.refresh_from_db()
    assert record.created_by is None
    assert record.payload == record.value == {"episode": 12}
    assert OrmQ.objects.count() == 1


def test_a_checked_payload_is_stored_as_its_text_and_its_limit_checked_again() -> None:
    checked = checked_payload("tests.echo", {"episode": 12})
    set_flag(flag_name("tests.echo"), max_payload_bytes=len(checked.json_text) - 1)

    with pytest.raises(PayloadTooLarge, match="over this workload's limit"):
        queue_cpu_job("tests.echo", 2, payload=checked)
    assert CpuJobRecord.objects.count() == 0

    set_flag(flag_name("tests.echo"), max_payload_bytes=len(checked.json_text))
    record = queue_cpu_job("tests.echo", 2, payload=checked)
    assert record.stored_payload.json_text == checked.json_text
    assert record.payload == {"episode": 12}


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"workload": "no.such", "size": 1}, UnknownWorkload, "registered workloads: "),
        ({"workload": "tests.echo", "size": 0}, InvalidJob, "from 1 to"),
        ({"workload": "tests.echo", "size": True}, InvalidJob, "whole number"),
        ({"workload": "tests.echo", "size": 1, "payload": {1, 2}}, InvalidJob, "JSON"),
        (
            {"workload": "tests.echo", "size": 1, "payload": {"x": float("nan")}},
            InvalidJob,
            "JSON",
        ),
        ({"workload": "tests.echo", "size": 1.5}, InvalidJob, "size must be a whole number"),
        ({"workload": "tests.echo", "size": 2.0}, InvalidJob, "got 2.0"),
        ({"workload": "tests.echo", "size": "3"}, InvalidJob, "got '3'"),
        ({"workload": "tests.echo", "size": None}, InvalidJob, "got None"),
        ({"workload": "tests.echo", "size": 10**30}, InvalidJob, "from 1 to 1000000"),
        ({"workload": "tests.echo", "size": 10**5000}, InvalidJob, "a whole number of"),
        ({"workload": "tests.echo", "size": 1, "seed": 1.5}, InvalidJob, "seed must be"),
        ({"workload": "tests.echo", "size": 1, "seed": -1}, InvalidJob, "from 0 to 2147483647"),
        ({"workload": "tests.echo", "size": 1, "seed": 2**31}, InvalidJob, "got 2147483648"),
        ({"workload": "tests.echo", "size": 1, "seed": True}, InvalidJob, "got True"),
        ({"workload": "tests.echo", "size": 1, "seed": "1"}, InvalidJob, "got '1'"),
        ({"workload": ["tests.echo"], "size": 1}, UnknownWorkload, "named by text"),
        ({"workload": None, "size": 1}, UnknownWorkload, "named by text"),
        (
            {"workload": "tests.echo", "size": 1, "payload": nested(200_000)},
            InvalidJob,
            "nested too deeply",
        ),
    ],
)
def test_a_bad_job_is_refused_and_nothing_is_stored(
    django_capture_on_commit_callbacks: Any,
    arguments: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(error, match=message):
        queue_cpu_job(**arguments)

    assert not CpuJobRecord.objects.exists()
    assert not OrmQ.objects.exists()


def test_a_job_whose_worker_died_says_so_on_its_status() -> None:
    record = CpuJobRecord.objects.create(
        workload="tests.echo",
        size=1,
        status="running",
        attempts=1,
        lease_expires_at=timezone.now() - timedelta(minutes=1),
    )

    status = job_status(record)

    assert status["finished"] is False
    assert "stopped before finishing" in status["display"]["note"]
