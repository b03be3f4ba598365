"""Every malformed request to the API is a JSON 4xx naming the problem, never a page.

The body is read as a stream up to the API's own limit, in UTF-8 only, its depth
measured before it is parsed; Django's own refusals (a bad Host header, a path
with no view, a server error) come back as JSON on the API's paths too. Nothing
is stored for any of them.
"""

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from interp_exec.contrib.api.views import JobViewSet
from interp_exec.core.domain import InvalidJob
from interp_exec.core.domain.json_text import MAX_PAYLOAD_DEPTH
from interp_exec.models import CpuJobRecord
from interp_exec.task_queue.queueing import queue_cpu_job
from tests.api_clients import JOBS, client_with_token, counts
from tests.unit.hostile_values import nested

ECHO = {"workload": "transcript.readability", "payload": {"text": "Hello there."}}


@pytest.fixture
def person() -> User:
    return get_user_model().objects.create_user("program")


@pytest.fixture
def api(person: User) -> APIClient:
    return client_with_token(person)


def post_raw(api: APIClient, body: bytes, content_type: str = "application/json") -> Any:
    return api.post(JOBS, body, content_type=content_type)


def body_with_payload(payload_json: str, workload: str = "tests.echo") -> bytes:
    return f'{{"workload": "{workload}", "payload": {payload_json}, "size": 1}}'.encode()


def refused(response: Any, status: int) -> str:
    """The refusal's detail, once it is checked to be JSON with ``status``."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    answer = response.json()
    assert counts() == (0, 0, 0)
    return json.dumps(answer)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b'{"workload": "tests.echo", "size": 1', "not JSON"),
        (b"\xff\xfe{}", "not UTF-8 text: byte 0xff at offset 0"),
        (b'{"workload": "caf\xe9"}', "not UTF-8 text: byte 0xe9 at offset 17"),
        (b'{"workload": "\xed\xa0\x80"}', "not UTF-8 text: byte 0xed"),  # an encoded surrogate
        (b'{"workload": "\\ud800", "size": 1}', "U+D800, half of a UTF-16 surrogate pair"),
        (body_with_payload('{"a": {"\\udfff": 1}}'), "U+DFFF"),
        (body_with_payload('["ok", "\\ud83d"]'), "U+D83D"),
        (body_with_payload('{"x": NaN}'), "NaN is not a JSON number"),
        (body_with_payload("[-Infinity]"), "-Infinity is not a JSON number"),
        (body_with_payload("[1e400]"), "out of a float's range"),
        (body_with_payload("1" * 5000), "not JSON"),  # past Python's digits limit
        (body_with_payload("[" * 100_000 + "]" * 100_000), "nests lists or objects 100,001 deep"),
        (body_with_payload("[" * 2_001 + "]" * 2_001), "may nest 2,000 deep"),
        (body_with_payload('["\\uD800"]'), "U+D800"),  # the escape in capitals
        (b"[" * 3_000_000, "nests lists or objects 3,000,000 deep"),
    ],
)
def test_a_body_that_cannot_be_read_is_a_json_400_naming_the_problem(
    api: APIClient, body: bytes, problem: str
) -> None:
    assert problem in refused(post_raw(api, body), 400)


def test_a_payload_as_deep_as_a_job_may_be_is_queued_one_deeper_is_refused(
    api: APIClient,
) -> None:
    """Stored as text, a payload nests as deep on SQLite as anywhere: when it was a JSON
    column, SQLite's JSON_VALID check stopped at 1,000 levels."""
    deepest = "[" * MAX_PAYLOAD_DEPTH + "]" * MAX_PAYLOAD_DEPTH

    assert post_raw(api, body_with_payload(deepest)).status_code == 201
    with pytest.raises(InvalidJob, match="nests lists or objects 2,001 deep, more than the 2,000"):
        queue_cpu_job("tests.echo", 1, payload=nested(MAX_PAYLOAD_DEPTH))
    assert counts()[1] == 1
    assert CpuJobRecord.objects.get().payload == nested(MAX_PAYLOAD_DEPTH - 1)


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json; charset=latin-1",
        "application/json; charset=unicode_escape",
        "application/json; charset=utf-16",
        "application/json; charset=no-such-codec",
    ],
)
def test_a_charset_other_than_utf8_is_a_json_415(api: APIClient, content_type: str) -> None:
    body = json.dumps(ECHO).encode()

    assert "must be JSON in UTF-8" in refused(post_raw(api, body, content_type), 415)


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data"]
)
def test_a_media_type_other_than_json_is_a_json_415(api: APIClient, content_type: str) -> None:
    assert "Unsupported media type" in refused(post_raw(api, b"workload=x", content_type), 415)


def test_utf8_named_any_way_is_read(api: APIClient) -> None:
    for content_type in ("application/json; charset=UTF-8", "application/json; charset=utf8"):
        response = post_raw(api, json.dumps(ECHO).encode(), content_type)
        assert response.status_code == 201, response.json()


def test_a_field_the_request_does_not_take_is_a_400(api: APIClient) -> None:
    response = api.post(JOBS, {**ECHO, "priority": 9}, format="json")

    assert "unknown field 'priority'" in refused(response, 400)


def test_a_body_over_djangos_form_limit_is_read_up_to_the_apis_own_limit(
    api: APIClient, settings: Any
) -> None:
    """REST framework read the body whole through request.body, where Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE applied: an API limit above it could not be used."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "API_MAX_BODY_BYTES": 50_000}
    text = "word " * 6_000  # 30,000 bytes: over Django's limit, under the API's

    created = api.post(
        JOBS, {"workload": "transcript.readability", "payload": {"text": text}}, format="json"
    )
    assert created.status_code == 201, created.content[:300]
    assert created.json()["size"] == 6_000

    stored = counts()
    too_large = api.post(
        JOBS,
        {"workload": "transcript.readability", "payload": {"text": text * 2}},
        format="json",
    )
    assert too_large.status_code == 413
    assert "over 50,000 bytes" in too_large.json()["detail"]
    assert counts() == stored


def test_a_declared_length_over_the_limit_is_refused_before_reading(
    api: APIClient, settings: Any
) -> None:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "API_MAX_BODY_BYTES": 100}
    body = json.dumps(ECHO).encode()

    response = api.post(JOBS, body, content_type="application/json", CONTENT_LENGTH="1000000")

    assert "over 100 bytes" in refused(response, 413)


def test_a_bad_host_header_is_a_json_400(api: APIClient) -> None:
    response = api.post(JOBS, ECHO, format="json", headers={"host": "evil.example"})

    assert "Host header" in refused(response, 400)


def test_a_path_with_no_view_under_the_api_is_a_json_404(api: APIClient) -> None:
    assert "no API resource" in refused(api.get("/cpu/api/no-such-thing/"), 404)


def test_a_form_post_in_another_charset_keeps_its_reason_as_json(api: APIClient) -> None:
    """The site's own middleware refuses it (before the CSRF check reads it) in plain text."""
    response = post_raw(api, b"a=1", "application/x-www-form-urlencoded; charset=latin-1")

    assert "Form data must be sent as UTF-8" in refused(response, 400)


def test_a_server_error_under_the_api_is_a_json_500(
    person: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: JobViewSet) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(JobViewSet, "get_queryset", broken)
    api = client_with_token(person, raise_request_exception=False)

    response = api.get(JOBS)

    assert response.status_code == 500
    assert response.json() == {"detail": "the server failed while answering; the error is logged"}


def test_pages_outside_the_api_keep_their_html_errors(client: Any) -> None:
    response = client.get("/cpu/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
