"""A program queues a job over HTTP with its token and polls it until a real qcluster ends it."""

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from pytest_django.live_server_helper import LiveServer
from rest_framework.authtoken.models import Token

from tests.qcluster import QCluster

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FINISH_WITHIN_S = 60
SUBTITLES_AS_PAYLOAD = {
    "text": "Welcome back. Today we talk about birds and bees!",
    "spoken_seconds": 6,
}


def call(method: str, url: str, token: str, body: Any = None) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_a_program_queues_a_payload_and_polls_it_to_its_value(
    live_server: LiveServer, qcluster: QCluster
) -> None:
    user = get_user_model().objects.create_user("program")
    token = Token.objects.create(user=user).key

    status, job = call(
        "POST",
        f"{live_server.url}/cpu/api/jobs/",
        token,
        {"workload": "transcript.readability", "payload": SUBTITLES_AS_PAYLOAD},
    )
    assert status == 201, job
    deadline = time.monotonic() + FINISH_WITHIN_S
    while not job["finished"]:
        qcluster.assert_alive()
        assert time.monotonic() < deadline, f"still {job['status']}:\n{qcluster.log()}"
        time.sleep(0.2)
        status, job = call("GET", job["url"], token)
        assert status == 200, job

    assert job["status"] == "ok", job
    assert job["value"]["words"] == 9
    assert job["value"]["words_per_minute"] == 90.0
    assert call("GET", job["url"], "not-a-token")[0] == 401
