"""The JSON API: a real client, real tokens, the same checks as the job form.

Token and session authentication, per-user throttling, one person's jobs hidden
from another (404, as a missing one), staff seeing all, and the OpenAPI schema.
"""

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client
from django_q.models import OrmQ
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from interp_exec.core.domain import InvalidJob
from interp_exec.models import CpuJobRecord
from interp_exec.routing.flag_policy import flag_name
from interp_exec.task_backend.workloads import task_workload
from interp_exec.task_queue.drain import run_cpu_job
from interp_exec.task_queue.queueing import queue_cpu_job
from tests.api_clients import JOBS, client_with_token, counts
from tests.flag_helpers import set_flag
from tests.task_backend import tasks


@pytest.fixture
def person() -> User:
    return get_user_model().objects.create_user("host", password="pw-host-12345")


@pytest.fixture
def api(person: User) -> APIClient:
    return client_with_token(person)


def test_every_endpoint_needs_authentication() -> None:
    anonymous = APIClient()

    for response in (
        anonymous.get(JOBS),
        anonymous.post(JOBS, {"workload": "text.dedupe", "size": 10}, format="json"),
        anonymous.get(f"{JOBS}0b6d2c34-9f4e-4c55-8d0a-2f1e8f0c7a11/"),
    ):
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert wrong.get(JOBS).status_code == 401
    assert counts() == (0, 0, 0)


def test_a_payload_is_queued_measured_and_polled_until_it_has_a_value(
    api: APIClient, person: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(
            JOBS,
            {
                "workload": "transcript.readability",
                "payload": {"text": "One two three. Four five!", "spoken_seconds": 3},
            },
            format="json",
        )

    assert created.status_code == 201, created.json()
    job = created.json()
    record = CpuJobRecord.objects.get()
    assert (job["id"], job["size"], job["status"], job["finished"]) == (
        str(record.pk),
        5,
        "queued",
        False,
    )
    assert record.created_by == person
    assert record.payload == {"text": "One two three. Four five!", "spoken_seconds": 3}
    assert job["url"] == f"http://testserver{JOBS}{record.pk}/"
    assert job["page"] == f"http://testserver/cpu/jobs/{record.pk}/"
    assert OrmQ.objects.count() == 1

    run_cpu_job(record.pk)
    polled = api.get(job["url"]).json()

    assert (polled["status"], polled["finished"]) == ("ok", True)
    assert polled["value"]["words_per_minute"] == 100.0
    assert polled["run_ms"] is not None


def test_a_sample_is_queued_from_its_size_and_seed(api: APIClient) -> None:
    response = api.post(JOBS, {"workload": "audio.loudness", "size": 500, "seed": 4}, format="json")

    record = CpuJobRecord.objects.get()
    assert response.status_code == 201
    assert (record.size, record.seed, record.payload) == (500, 4, None)


@pytest.mark.parametrize(
    ("body", "field", "problem"),
    [
        ({"workload": "no.such", "size": 3}, "workload", '"no.such" is not a valid choice'),
        ({"workload": "text.dedupe"}, "size", "give a payload, or the size"),
        ({"workload": "text.dedupe", "size": 0}, "size", "greater than or equal to 1"),
        (
            {"workload": "text.dedupe", "payload": {"paragraphs": ["a", "b"]}, "seed": 1},
            "seed",
            "leave it out when you give a payload",
        ),
        (
            {"workload": "transcript.readability", "payload": {"text": 5}},
            "payload",
            'an object with its "text" as a string',
        ),
        (
            {"workload": "transcript.readability", "payload": {"text": "?!"}},
            "payload",
            "the input holds no words",
        ),
        (
            {"workload": "audio.loudness", "payload": {"pcm16_b64": "AAAA", "channels": 9}},
            "payload",
            "channels must be a whole number from 1 to 8",
        ),
        (
            {"workload": "tests.echo", "payload": {"x": 1}},
            "size",
            "tests.echo cannot measure a payload: give the job's size with it",
        ),
    ],
)
def test_a_bad_request_is_a_400_naming_the_field_and_nothing_is_stored(
    api: APIClient,
    django_capture_on_commit_callbacks: Any,
    body: dict[str, Any],
    field: str,
    problem: str,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(JOBS, body, format="json")

    assert response.status_code == 400
    assert problem in " ".join(response.json()[field])
    assert counts() == (0, 0, 0)


def test_a_post_naming_a_task_is_a_400_and_nothing_is_stored(
    api: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    """Once this process knows the task (as its enqueue or a worker makes it known), it
    is a workload of the registry; still nobody but its own enqueue may queue it."""
    path = task_workload(tasks.add).name

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            JOBS,
            {"workload": path, "payload": {"args": [1], "kwargs": {"b": 2, "c": 3}}, "size": 1},
            format="json",
        )

    assert response.status_code == 400
    assert f'"{path}" is not a valid choice' in response.json()["workload"][0]
    assert counts() == (0, 0, 0)
    schema = api.get("/cpu/api/schema/", {"format": "json"}).json()
    workload = schema["components"]["schemas"]["JobRequest"]["properties"]["workload"]
    assert path not in schema["components"]["schemas"][workload["$ref"].rpartition("/")[2]]["enum"]
    with pytest.raises(InvalidJob, match="only its own enqueue"):
        queue_cpu_job(path, 1, payload={"args": [1], "kwargs": {}})
    assert counts() == (0, 0, 0)


def test_a_payload_over_the_workloads_limit_is_a_400(api: APIClient) -> None:
    set_flag(flag_name("transcript.readability"), max_payload_bytes=1_000)

    response = api.post(
        JOBS,
        {"workload": "transcript.readability", "payload": {"text": "word " * 300}},
        format="json",
    )

    assert response.status_code == 400
    assert (
        "over this workload's limit of about 166 words of English text "
        "(a payload of 1,000 bytes and 1,000,000 words)" in response.json()["payload"][0]
    )
    assert counts() == (0, 0, 0)


def test_a_body_over_the_api_limit_is_a_413_without_being_read_whole(
    api: APIClient, settings: Any
) -> None:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "API_MAX_BODY_BYTES": 5_000}

    response = api.post(
        JOBS,
        {"workload": "transcript.readability", "payload": {"text": "word " * 2_000}},
        format="json",
    )

    assert response.status_code == 413
    assert "over 5,000 bytes" in response.json()["detail"]
    assert counts() == (0, 0, 0)


def test_a_person_sees_only_their_own_jobs_and_staff_see_all(api: APIClient, person: User) -> None:
    mine = queue_cpu_job("text.dedupe", 10, user=person)
    other = get_user_model().objects.create_user("other")
    theirs = queue_cpu_job("audio.loudness", 10, user=other)

    listed = api.get(JOBS).json()
    assert [job["id"] for job in listed["results"]] == [str(mine.pk)]
    assert api.get(f"{JOBS}{theirs.pk}/").status_code == 404
    assert api.get(f"{JOBS}{mine.pk}/").status_code == 200

    staff = get_user_model().objects.create_user("staff", is_staff=True)
    staff_api = client_with_token(staff)
    assert {job["id"] for job in staff_api.get(JOBS).json()["results"]} == {
        str(mine.pk),
        str(theirs.pk),
    }
    assert staff_api.get(f"{JOBS}{theirs.pk}/").status_code == 200


def test_requests_past_the_per_user_rate_are_refused_with_429(
    person: User, api: APIClient, settings: Any
) -> None:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "API_RATE": "3/minute"}
    other = client_with_token(get_user_model().objects.create_user("other"))

    statuses = [api.get(JOBS).status_code for _ in range(4)]
    refused = api.post(JOBS, {"workload": "text.dedupe", "size": 10}, format="json")

    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert other.get(JOBS).status_code == 200  # counted per user
    assert counts() == (0, 0, 0)


def test_session_sign_in_works_with_the_csrf_check(person: User) -> None:
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(person)

    assert browser.get(JOBS).status_code == 200
    refused = browser.post(JOBS, {"workload": "text.dedupe", "size": 10}, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert counts() == (0, 0, 0)


def test_the_schema_endpoint_serves_valid_openapi(api: APIClient) -> None:
    response = api.get("/cpu/api/schema/", {"format": "json"})

    schema = response.json()
    validate_schema(schema)  # type: ignore[no-untyped-call]  # OpenAPI 3.0 JSON Schema
    assert schema["openapi"].startswith("3.")
    assert {"/cpu/api/jobs/", "/cpu/api/jobs/{id}/"} <= set(schema["paths"])
    assert set(schema["paths"]["/cpu/api/jobs/"]) == {"get", "post"}
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    workload = schema["components"]["schemas"]["JobRequest"]["properties"]["workload"]
    enum = schema["components"]["schemas"][workload["$ref"].rpartition("/")[2]]["enum"]
    assert {"transcript.readability", "audio.loudness", "text.dedupe"} <= set(enum)


def test_the_browsable_api_loads_under_the_sites_csp(client: Client, person: User) -> None:
    client.force_login(person)

    response = client.get(JOBS, headers={"accept": "text/html"})

    body = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert response.status_code == 200
    assert "script-src 'self'" in policy
    assert "unsafe" not in policy
    # Every script is a file from this site or an inert JSON block: none needs the nonce.
    for tag in re.findall(r"<script[^>]*>", body):
        assert 'src="/static/rest_framework/' in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son[a-z]+=", body)  # no inline event handlers
    assert ' style="' not in body  # no inline styles, which style-src refuses
    assert "<style" not in body


def test_tokens_are_made_in_the_admin(admin_client: Client) -> None:
    assert admin_client.get("/admin/authtoken/tokenproxy/add/").status_code == 200
