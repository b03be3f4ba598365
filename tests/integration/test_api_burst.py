"""A burst of API requests on a real ``runserver`` lets through no more than the rate.

The site runs as ``make run`` runs it (``runserver``, threaded, DEBUG off, the
database cache) on a free port of 127.0.0.1, on the test database, with a limit
of 20 requests a minute. 200 requests from 20 threads arrive at once, each with
the same person's token: at most 20 may pass, plus the requests in flight at the
moment the limit is crossed (one per thread), and every other one is a 429. With
the throttle's history read and written back, all 200 passed such a limit.
"""

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from tests.private_servers import free_port, wait_until_accepting
from tests.qcluster import ROOT, stop, worker_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RATE = 20
THREADS = 20
REQUESTS = 200


@pytest.fixture
def site(django_db_setup: None, tmp_path: Path) -> Iterator[str]:
    """The site's URL, served by ``runserver`` on the test database until the test ends."""
    port = free_port()
    env = worker_env({"EPISODIC_API_RATE": f"{RATE}/minute"})
    with (tmp_path / "runserver.log").open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_accepting(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(server)


def answer_of(url: str, token: str) -> tuple[int, str]:
    """The status and content type of a GET of ``url`` with ``token``."""
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            json.load(response)
            return int(response.status), response.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"]


def test_a_burst_from_many_threads_passes_at_most_the_rate_plus_the_threads(site: str) -> None:
    token = Token.objects.create(user=get_user_model().objects.create_user("burst")).key
    url = f"{site}/cpu/api/jobs/"

    with ThreadPoolExecutor(THREADS) as threads:
        answers = Counter(threads.map(lambda _: answer_of(url, token), range(REQUESTS)))

    statuses = Counter({status: n for (status, _), n in answers.items()})
    print(f"burst of {REQUESTS} from {THREADS} threads at {RATE}/minute: {dict(statuses)}")
    assert {kind for _, kind in answers} == {"application/json"}, answers
    assert set(statuses) <= {200, 429}, statuses
    assert RATE <= statuses[200] <= RATE + THREADS, statuses
