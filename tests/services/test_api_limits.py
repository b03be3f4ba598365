"""What the API and the queue refuse on PostgreSQL and Redis as they do on SQLite.

A stored payload is text, so it nests as deep as the dispatcher allows (2,000);
NUL (which PostgreSQL's text columns refuse) and lone surrogates are refused before
storing with the same ``InvalidJob`` as anywhere. The throttle counts in Redis (its
INCR), one place per request however many threads ask at once.
"""

import threading

import pytest

from interp_exec.contrib.api.request_counts import count_request
from interp_exec.core.domain import InvalidJob
from interp_exec.core.domain.json_text import MAX_PAYLOAD_DEPTH
from interp_exec.models import CpuJobPayload
from interp_exec.task_queue.queueing import queue_cpu_job
from tests.concurrency import at_once
from tests.unit.hostile_values import nested

pytestmark = [pytest.mark.services, pytest.mark.integration, pytest.mark.django_db]


def test_a_payload_as_deep_as_the_dispatcher_allows_is_stored_one_deeper_is_refused() -> None:
    queue_cpu_job("tests.echo", 1, payload=nested(MAX_PAYLOAD_DEPTH - 1))
    with pytest.raises(InvalidJob, match="nests lists or objects 2,001 deep"):
        queue_cpu_job("tests.echo", 1, payload=nested(MAX_PAYLOAD_DEPTH))

    assert CpuJobPayload.objects.count() == 1
    assert CpuJobPayload.objects.get().job.payload == nested(MAX_PAYLOAD_DEPTH - 1)


@pytest.mark.parametrize(
    ("payload", "problem"),
    [({"text": "a\x00b"}, "NUL character"), ({"text": "a\ud800"}, r"U\+D800")],
)
def test_text_jsonb_cannot_hold_is_refused_before_storing(payload: object, problem: str) -> None:
    with pytest.raises(InvalidJob, match=problem):
        queue_cpu_job("tests.echo", 1, payload=payload)

    assert CpuJobPayload.objects.count() == 0


def test_requests_at_once_each_get_their_own_place_in_redis() -> None:
    places: list[int] = []
    lock = threading.Lock()

    def requests() -> None:
        for _ in range(5):
            place = count_request("interp_exec:api:user:services", 60).count
            with lock:
                places.append(place)

    at_once(20, requests)

    assert sorted(places) == list(range(1, 101))
