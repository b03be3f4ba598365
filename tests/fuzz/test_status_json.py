"""status.json: a bad id, someone else's job or a wrong method is a 4xx, never a 5xx."""

from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from interp_exec.models import CpuJobRecord
from tests.fuzz.strategies import FUZZ


@pytest.fixture
def jobs(client: Client) -> dict[str, str]:
    """The signed-in person's job and another person's, by id."""
    users = get_user_model().objects
    me = users.create_user("me", password="pw-me-12345")
    other = users.create_user("other", password="pw-other-12345")
    client.force_login(me)
    return {
        "mine": str(CpuJobRecord.objects.create(workload="tests.echo", size=1, created_by=me).pk),
        "theirs": str(
            CpuJobRecord.objects.create(workload="tests.echo", size=1, created_by=other).pk
        ),
    }


# Path segments the URL pattern must refuse or find nothing for.
bad_ids = st.one_of(
    st.uuids().map(str),  # no such job
    st.text(min_size=1, max_size=60).map(lambda t: quote(t, safe="")),
    st.uuids().map(lambda u: u.hex.upper()),  # a UUID, but not as the pattern writes it
    st.just("theirs"),
)


@settings(FUZZ, max_examples=60)
@given(job_id=bad_ids, method=st.sampled_from(["get", "head", "post", "delete"]))
def test_a_status_request_that_finds_no_job_of_the_person_is_a_4xx(
    client: Client, jobs: dict[str, str], job_id: str, method: str
) -> None:
    url = f"/cpu/jobs/{jobs['theirs'] if job_id == 'theirs' else job_id}/status.json"

    response = getattr(client, method)(url)

    assert 400 <= response.status_code < 500, (response.status_code, url, method)
    assert jobs["theirs"] not in response.content.decode()


@settings(FUZZ, max_examples=30)
@given(method=st.sampled_from(["post", "put", "patch", "delete"]), body=st.binary(max_size=200))
def test_any_method_but_get_on_a_persons_own_status_is_405(
    client: Client, jobs: dict[str, str], method: str, body: bytes
) -> None:
    response = getattr(client, method)(
        f"/cpu/jobs/{jobs['mine']}/status.json", body, content_type="application/octet-stream"
    )

    assert response.status_code == 405
    assert CpuJobRecord.objects.count() == 2


def test_the_persons_own_status_is_served(client: Client, jobs: dict[str, str]) -> None:
    """The refusals above are not the URL failing for everyone."""
    response = client.get(f"/cpu/jobs/{jobs['mine']}/status.json")

    assert response.status_code == 200
    assert response.json()["id"] == jobs["mine"]
