"""Pages to queue a job and follow it: login, CSRF, validation, status and its JSON."""

from pathlib import Path
from typing import Any

import django
import django_q.tasks
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client
from django_q.models import OrmQ

import interp_exec
from interp_exec.core.domain import PayloadTooLarge
from interp_exec.core.workloads import get_workload
from interp_exec.models import CpuJobRecord
from interp_exec.routing.flag_policy import flag_name
from interp_exec.task_backend.workloads import task_workload
from interp_exec.task_queue import queueing
from interp_exec.task_queue.drain import run_cpu_job
from interp_exec.task_queue.queueing import MAX_JOB_SIZE, queue_cpu_job
from interp_exec.web.job_status import format_ms
from tests.flag_helpers import set_flag
from tests.task_backend import tasks

JOBS = "/cpu/jobs/"
SOME_ID = "0b6d2c34-9f4e-4c55-8d0a-2f1e8f0c7a11"


@pytest.fixture
def person(client: Client) -> User:
    user = get_user_model().objects.create_user("host", password="pw-host-12345")
    client.force_login(user)
    return user


def queued_nothing() -> bool:
    return not CpuJobRecord.objects.exists() and not OrmQ.objects.exists()


def detail(record: CpuJobRecord) -> str:
    return f"{JOBS}{record.pk}/"


@pytest.mark.parametrize("path", ["", f"{SOME_ID}/", f"{SOME_ID}/status.json"])
def test_job_pages_need_a_login(client: Client, path: str) -> None:
    response = client.get(f"{JOBS}{path}")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert queued_nothing()


def test_queueing_needs_a_login(client: Client) -> None:
    response = client.post(JOBS, {"workload": "audio.loudness", "size": "10"})

    assert response.status_code == 302
    assert queued_nothing()


def test_the_job_page_offers_every_registered_workload(client: Client, person: User) -> None:
    response = client.get(JOBS)

    body = response.content.decode()
    assert response.status_code == 200
    for name in ("transcript.readability", "audio.loudness", "text.dedupe", "audio.spectrum"):
        assert f'value="{name}"' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert f'max="{MAX_JOB_SIZE}"' in body


def test_a_job_queued_from_the_form_is_stored_and_handed_to_the_queue(
    client: Client, person: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(JOBS, {"workload": "audio.loudness", "size": "500", "seed": "4"})

    record = CpuJobRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(record)
    assert (record.workload, record.size, record.seed, record.status) == (
        "audio.loudness",
        500,
        4,
        "queued",
    )
    assert record.created_by == person
    assert record.payload is None  # rebuilt from the seed by the worker
    assert OrmQ.objects.count() == 1
    assert record.task_id == OrmQ.objects.get().task_id()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"workload": "no.such", "size": "10"}, "workload", "Select a valid choice"),
        ({"workload": "audio.loudness", "size": "0"}, "size", "greater than or equal to 1"),
        ({"workload": "audio.loudness", "size": "-4"}, "size", "greater than or equal to 1"),
        (
            {"workload": "audio.loudness", "size": str(MAX_JOB_SIZE + 1)},
            "size",
            f"less than or equal to {MAX_JOB_SIZE}",
        ),
        ({"workload": "audio.loudness", "size": "ten"}, "size", "Enter a whole number"),
        ({"workload": "audio.loudness"}, "size", "This field is required"),
        ({"workload": "audio.loudness", "size": "10", "seed": "-1"}, "seed", "greater than"),
    ],
)
def test_bad_input_is_shown_with_the_form_and_nothing_is_queued(
    client: Client,
    person: User,
    django_capture_on_commit_callbacks: Any,
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(JOBS, data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert message in response.content.decode().replace("&#x27;", "'")
    assert queued_nothing()


def test_a_payload_over_the_workloads_limit_is_refused_before_queueing(
    client: Client, person: User, django_capture_on_commit_callbacks: Any
) -> None:
    set_flag(flag_name("audio.loudness"), max_payload_bytes=10_000)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(JOBS, {"workload": "audio.loudness", "size": "100000"})

    errors = " ".join(response.context["form"].errors["size"])
    assert response.status_code == 200
    assert "over this workload's limit of 10,000" in errors
    assert "choose a smaller size" in errors
    assert queued_nothing()


@pytest.mark.parametrize(
    "workload", ["text.dedupe", "transcript.readability", "audio.loudness", "audio.spectrum"]
)
def test_a_huge_payload_is_refused_without_being_built(
    monkeypatch: pytest.MonkeyPatch, workload: str
) -> None:
    """A million audio samples took 0.6 s to make only to be refused."""
    real = get_workload(workload)
    sizes: list[int] = []

    def counting_sample(size: int, seed: int) -> Any:
        sizes.append(size)
        return real.sample_payload(size, seed)

    monkeypatch.setattr(queueing, "get_workload", lambda name: real.replace(sample=counting_sample))

    with pytest.raises(PayloadTooLarge, match="would be about"):
        queue_cpu_job(workload, MAX_JOB_SIZE)
    assert max(sizes) < 1_000  # estimated from short samples, not built at full size
    assert queued_nothing()


def test_a_task_is_neither_offered_nor_queued_by_the_forms(
    client: Client, person: User, django_capture_on_commit_callbacks: Any
) -> None:
    path = task_workload(tasks.add).name

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(JOBS, {"workload": path, "size": "1"})
        page = client.post(f"{JOBS}new/{path}/", {"source": "sample", "size": "1"})

    assert "Select a valid choice" in " ".join(response.context["form"].errors["workload"])
    assert f'value="{path}"' not in response.content.decode()
    assert page.status_code == 404
    assert queued_nothing()


def test_a_post_without_the_csrf_token_is_refused(person: User) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person)

    response = strict.post(JOBS, {"workload": "audio.loudness", "size": "10"})

    assert response.status_code == 403
    assert queued_nothing()


def test_a_job_the_queue_does_not_accept_ends_failed_with_the_reason(
    person: User, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broker_down(*args: object, **kwargs: object) -> str:
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(django_q.tasks, "async_task", broker_down)

    with django_capture_on_commit_callbacks(execute=True):
        record = queue_cpu_job("audio.loudness", 10, user=person)

    record.refresh_from_db()
    assert (record.status, record.error_type) == ("failed", "ConnectionError")
    assert "did not accept the job: broker unreachable" in record.error_message


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_queues_refusal_is_raised_and_the_job_kept_failed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """So a page answers 503 naming the broker (tests/services: a real Redis stopped)."""

    def broker_down(*args: object, **kwargs: object) -> str:
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(django_q.tasks, "async_task", broker_down)

    with pytest.raises(ConnectionError, match="broker unreachable"):
        queue_cpu_job("audio.loudness", 10)

    record = CpuJobRecord.objects.get()
    assert (record.status, record.error_type) == ("failed", "ConnectionError")


def run(record: CpuJobRecord) -> CpuJobRecord:
    run_cpu_job(record.pk)
    record.refresh_from_db()
    return record


def test_the_status_page_of_a_finished_job_shows_its_outcome(client: Client, person: User) -> None:
    set_flag(flag_name("audio.loudness"), mode="interpreters", everyone=True, min_task_size=0)
    record = run(queue_cpu_job("audio.loudness", 800, seed=2, user=person))

    response = client.get(detail(record))
    body = response.content.decode()

    assert response.status_code == 200
    assert 'class="status-ok" data-field="status">ok<' in body
    assert '<dd data-field="mode_requested">interpreters</dd>' in body
    assert '<dd data-field="mode_used">interpreters</dd>' in body
    assert f"run {format_ms(record.run_ms)} · wait {format_ms(record.wait_ms)}" in body
    assert f"total {format_ms(record.total_ms)}</dd>" in body
    assert "&quot;rms_dbfs&quot;: " in body  # the value, summarised as JSON
    assert 'data-finished="true"' in body


def test_the_status_json_carries_the_outcome_and_the_page_strings(
    client: Client, person: User
) -> None:
    record = run(queue_cpu_job("audio.spectrum", 300, user=person))

    data = client.get(f"{detail(record)}status.json").json()

    assert data["status"] == "ok"
    assert data["finished"] is True
    assert data["mode_used"] == record.mode_used
    assert data["run_ms"] == record.run_ms
    assert data["display"]["status"] == "ok"
    assert data["display"]["timings"].startswith("run ")
    assert data["display"]["value_summary"].startswith("{")


def test_a_failed_job_shows_its_error_and_traceback(client: Client, person: User) -> None:
    record = run(queue_cpu_job("tests.explode", 1, seed=5, user=person))

    body = client.get(detail(record)).content.decode()

    assert "status-failed" in body
    assert "PayloadRejectedError: payload 5 rejected" in body
    assert '<details data-row="error_traceback">' in body
    assert "Traceback" in body


# A traceback as a worker stores it: paths of this checkout, site-packages and elsewhere.
SERVER_TRACEBACK = (
    "Traceback (most recent call last):\n"
    f'  File "{Path(interp_exec.__file__).parent}/adapters/inline.py", line 40, in run\n'
    f'  File "{Path(django.__file__).parent}/db/models/query.py", line 12, in get\n'
    '  File "/srv/elsewhere/hook.py", line 3, in hook\n'
    f"OSError: cannot read {Path(interp_exec.__file__).parent}/workloads/data.bin\n"
)


def failed_job(owner: User) -> CpuJobRecord:
    return CpuJobRecord.objects.create(
        workload="tests.echo",
        size=1,
        created_by=owner,
        status="failed",
        error_type="OSError",
        error_message=f"cannot read {Path(interp_exec.__file__).parent}/workloads/data.bin",
        error_traceback=SERVER_TRACEBACK,
    )


def test_the_owner_sees_the_traceback_with_module_relative_paths_only(
    client: Client, person: User
) -> None:
    record = failed_job(person)

    page = client.get(detail(record)).content.decode()
    data = client.get(f"{detail(record)}status.json").json()

    for text in (page, data["display"]["error_traceback"], data["error_message"]):
        assert str(Path(interp_exec.__file__).parent.parent) not in text
        assert "/srv/elsewhere" not in text
    shown = data["display"]["error_traceback"]
    assert 'File "interp_exec/adapters/inline.py", line 40, in run' in shown
    assert 'File "django/db/models/query.py", line 12, in get' in shown
    assert 'File "hook.py", line 3, in hook' in shown
    assert data["display"]["error"] == "OSError: cannot read interp_exec/workloads/data.bin"


def test_staff_see_the_traceback_whole(admin_client: Client, person: User) -> None:
    record = failed_job(person)

    data = admin_client.get(f"{detail(record)}status.json").json()

    assert data["display"]["error_traceback"] == SERVER_TRACEBACK


def test_a_fallback_is_explained_on_the_status_page(client: Client, person: User) -> None:
    set_flag(flag_name("tests.echo"), mode="interpreters", everyone=True, min_task_size=50)
    record = run(queue_cpu_job("tests.echo", 5, user=person))

    body = client.get(detail(record)).content.decode()

    assert "size 5 is below min_task_size 50" in body
    assert '<div data-row="fallback_reason">' in body


def test_a_waiting_job_polls_its_status_until_it_ends(client: Client, person: User) -> None:
    record = queue_cpu_job("audio.loudness", 10, user=person)

    page = client.get(detail(record)).content.decode()
    status = client.get(f"{detail(record)}status.json")

    assert 'data-finished="false"' in page
    assert f'data-status-url="{detail(record)}status.json"' in page
    assert "setTimeout(poll" in page
    assert "<script src=" not in page  # inline, no CDN
    assert status.json()["finished"] is False
    assert status.json()["display"]["note"].startswith("Waiting for a task-queue worker")
    assert "no-store" in status["Cache-Control"]


def test_people_see_their_own_jobs_and_staff_see_everyones(client: Client, person: User) -> None:
    mine = queue_cpu_job("audio.loudness", 10, user=person)
    other = get_user_model().objects.create_user("other")
    theirs = queue_cpu_job("text.dedupe", 10, user=other)

    listing = client.get(JOBS).content.decode()
    assert detail(mine) in listing
    assert detail(theirs) not in listing
    assert client.get(detail(theirs)).status_code == 404
    assert client.get(f"{detail(theirs)}status.json").status_code == 404

    person.is_staff = True
    person.save()
    assert client.get(detail(theirs)).status_code == 200
    assert detail(theirs) in client.get(JOBS).content.decode()


def test_job_pages_and_status_are_never_cached(client: Client, person: User) -> None:
    record = failed_job(person)

    for url in ("/cpu/jobs/", detail(record), f"{detail(record)}status.json"):
        directives = {d.strip() for d in client.get(url)["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, url


def test_another_persons_job_answers_like_a_missing_one(client: Client, person: User) -> None:
    other = get_user_model().objects.create_user("other", password="password")
    theirs = failed_job(other)
    missing = CpuJobRecord(workload="tests.echo", size=1)  # never saved: no such id

    for record in (theirs, missing):
        assert client.get(detail(record)).status_code == 404
        assert client.get(f"{detail(record)}status.json").status_code == 404
