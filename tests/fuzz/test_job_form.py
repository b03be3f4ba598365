"""The job form (POST /cpu/jobs/): every bad input is a form error; nothing is queued."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_q.models import OrmQ
from hypothesis import given, settings
from hypothesis import strategies as st

from interp_exec.core.workloads import load_configured_workloads
from interp_exec.models import CpuJobRecord
from interp_exec.task_queue.queueing import MAX_JOB_SIZE, MAX_SEED
from tests.fuzz.strategies import FUZZ, bad_whole_number, none_of

WORKLOADS = {w.name for w in load_configured_workloads()}

GOOD = {
    "workload": st.sampled_from(sorted(WORKLOADS)),
    "size": st.integers(1, MAX_JOB_SIZE).map(str),
    "seed": st.one_of(st.just(""), st.integers(0, MAX_SEED).map(str)),
}
BAD = {
    "workload": st.one_of(none_of(WORKLOADS), st.just("")),
    "size": st.one_of(bad_whole_number(1, MAX_JOB_SIZE), st.just("")),
    "seed": bad_whole_number(0, MAX_SEED),
}


@st.composite
def bad_job_forms(draw: Any) -> dict[str, str]:
    """Every field good or bad at random, and at least one of them bad."""
    must_be_bad = draw(st.sampled_from(sorted(BAD)))
    return {
        field: draw(BAD[field] if field == must_be_bad else st.one_of(GOOD[field], BAD[field]))
        for field in GOOD
    }


@pytest.fixture
def signed_in(client: Client) -> Client:
    client.force_login(get_user_model().objects.create_user("fuzz", password="pw-fuzz-12345"))
    return client


@settings(FUZZ, max_examples=70)
@given(data=bad_job_forms())
def test_a_bad_job_form_is_refused_with_a_form_error_and_queues_nothing(
    signed_in: Client, data: dict[str, str]
) -> None:
    response = signed_in.post("/cpu/jobs/", data)

    assert response.status_code == 200, (response.status_code, data)
    assert response.context["form"].errors, data
    assert not CpuJobRecord.objects.exists()
    assert not OrmQ.objects.exists()
