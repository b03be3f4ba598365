"""The JSON API (POST /cpu/api/jobs/): every bad body is a JSON 4xx; nothing is stored.

Bodies that cannot be read (nested too deep, invalid UTF-8, lone surrogates, NaN,
not a JSON object) are 400s; a charset other than UTF-8 is a 415; a request that
reads but asks for a job no workload takes (a numeric extreme or a wrong type in
any payload field of any workload, a field missing or one too many) is a 400
naming the field at fault. Never a 5xx, never an HTML page, and no record,
payload or task stored. 200 + 60 + 250 bodies per run (``api_strategies``).
"""

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from hypothesis import given, settings
from rest_framework.test import APIClient

from tests.api_clients import JOBS, client_with_token, counts
from tests.fuzz.api_strategies import NOT_UTF8_CHARSETS, bad_requests, unreadable_bodies
from tests.fuzz.strategies import FUZZ

GOOD = {"workload": "transcript.readability", "payload": {"text": "Hello there."}}
FIELDS = {"workload", "payload", "size", "seed", "non_field_errors"}


@pytest.fixture
def api(settings: Any) -> APIClient:
    """A program's client, with a rate no run of this suite reaches."""
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "API_RATE": "100000/minute"}
    return client_with_token(get_user_model().objects.create_user("fuzz-api"))


def post(api: APIClient, body: bytes, content_type: str = "application/json") -> Any:
    return api.post(JOBS, body, content_type=content_type)


def assert_refused_as_json(response: Any, status: int, sent: object) -> Any:
    assert response.status_code == status, (response.status_code, response.content[:300], sent)
    assert response["Content-Type"] == "application/json", sent
    assert counts() == (0, 0, 0), sent
    return response.json()


@settings(FUZZ, max_examples=200)
@given(body=unreadable_bodies())
def test_a_body_that_cannot_be_read_is_a_json_400(api: APIClient, body: bytes) -> None:
    answer = assert_refused_as_json(post(api, body), 400, body[:200])

    assert answer


@settings(FUZZ, max_examples=60)
@given(charset=NOT_UTF8_CHARSETS)
def test_a_body_in_another_charset_is_a_json_415(api: APIClient, charset: str) -> None:
    response = post(api, json.dumps(GOOD).encode(), f"application/json; charset={charset}")

    answer = assert_refused_as_json(response, 415, charset)
    assert "must be JSON in UTF-8" in answer["detail"]


@settings(FUZZ, max_examples=250)
@given(request=bad_requests())
def test_a_request_no_workload_takes_is_a_json_400_naming_the_field(
    api: APIClient, request: dict[str, Any]
) -> None:
    response = post(api, json.dumps(request).encode())

    answer = assert_refused_as_json(response, 400, request)
    assert set(answer) <= FIELDS, answer
    assert all(isinstance(m, str) and m for ms in answer.values() for m in ms), answer


def test_the_good_request_the_bad_ones_are_made_from_is_queued(api: APIClient) -> None:
    """The refusals above are not the endpoint refusing everything."""
    assert post(api, json.dumps(GOOD).encode()).status_code == 201
