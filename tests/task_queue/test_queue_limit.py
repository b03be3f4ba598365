"""MAX_QUEUED_PER_USER: a person may have so many jobs queued or running, no more."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from interp_exec.core.domain import InterpExecError, QueueLimitReached
from interp_exec.models import CpuJobRecord, JobRecordStatus
from interp_exec.task_queue.queueing import queue_cpu_job

LIMIT_SENTENCE = "you already have 2 jobs queued or running, the most one person may have"


@pytest.fixture
def limit_of_two(settings: Any) -> None:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "MAX_QUEUED_PER_USER": 2}


@pytest.fixture
def people() -> tuple[Any, Any]:
    users = get_user_model().objects
    return users.create_user("ana", password="pw-ana-12345"), users.create_user("ben")


@pytest.mark.usefixtures("limit_of_two")
def test_past_the_limit_a_job_is_refused_and_not_stored(people: tuple[Any, Any]) -> None:
    ana, ben = people
    first = queue_cpu_job("tests.echo", 1, user=ana)
    queue_cpu_job("tests.echo", 1, user=ana)

    with pytest.raises(QueueLimitReached, match=LIMIT_SENTENCE) as refused:
        queue_cpu_job("tests.echo", 1, user=ana)

    assert isinstance(refused.value, InterpExecError)
    assert CpuJobRecord.objects.filter(created_by=ana).count() == 2
    queue_cpu_job("tests.echo", 1, user=ben)  # the limit is per person

    # A running job still counts; a finished one does not.
    CpuJobRecord.objects.filter(pk=first.pk).update(status=JobRecordStatus.RUNNING)
    with pytest.raises(QueueLimitReached):
        queue_cpu_job("tests.echo", 1, user=ana)
    CpuJobRecord.objects.filter(pk=first.pk).update(status=JobRecordStatus.OK)
    queue_cpu_job("tests.echo", 1, user=ana)


def test_no_limit_when_the_setting_is_none(settings: Any, people: tuple[Any, Any]) -> None:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "MAX_QUEUED_PER_USER": None}
    for _ in range(3):
        queue_cpu_job("tests.echo", 1, user=people[0])
    assert CpuJobRecord.objects.count() == 3


@pytest.mark.usefixtures("limit_of_two")
def test_the_job_form_shows_the_limit_as_a_form_error(
    client: Client, people: tuple[Any, Any]
) -> None:
    ana = people[0]
    client.force_login(ana)
    for _ in range(2):
        queue_cpu_job("tests.echo", 1, user=ana)

    response = client.post("/cpu/jobs/", {"workload": "tests.echo", "size": "1", "seed": ""})

    assert response.status_code == 200
    assert any(LIMIT_SENTENCE in error for error in response.context["form"].non_field_errors())
    assert LIMIT_SENTENCE in response.content.decode()
    assert CpuJobRecord.objects.count() == 2
