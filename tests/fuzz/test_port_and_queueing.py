"""queue_cpu_job and get_cpu_port("inline").map: bad arguments are refused, never raised.

``queue_cpu_job`` draws calls with at least one bad argument: each must raise an
``InterpExecError`` (never TypeError, OverflowError, ValueError, RecursionError)
and store nothing. ``map`` draws lists of good and bad jobs mixed: it must raise
nothing and answer one outcome per job, in order, good ones ok with their payload
back, bad ones refused. 70 + 60 generated inputs (the lists hold about 190 jobs).
"""

import math
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django_q.models import OrmQ
from hypothesis import given, settings
from hypothesis import strategies as st

from interp_exec import CpuJob, JobStatus, get_cpu_port
from interp_exec.core.domain import InterpExecError
from interp_exec.core.domain.execution import MAX_SIZE
from interp_exec.core.workloads import load_configured_workloads
from interp_exec.models import CpuJobPayload, CpuJobRecord
from interp_exec.task_queue.queueing import MAX_JOB_SIZE, MAX_SEED, queue_cpu_job
from tests.fuzz.strategies import FUZZ
from tests.unit.hostile_values import nested

WORKLOADS = {w.name for w in load_configured_workloads()}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


def not_an_int_in(low: int, high: int) -> st.SearchStrategy[Any]:
    """Anything but a real int from ``low`` to ``high``: floats (1.5 and 2.0), bools,
    text, None, containers, and ints out of range (up to thousands of digits)."""
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.text(max_size=5),
        st.none(),
        st.lists(st.integers(), max_size=2),
        st.integers(max_value=low - 1),
        st.integers(min_value=high + 1),
        st.sampled_from([10**30, 10**5000, -(10**5000)]),
    )


# Built once: a list this deep takes a tenth of a second to make.
TOO_DEEP = nested(200_000)


def bad_payloads() -> st.SearchStrategy[Any]:
    """Payloads no JSON holds: sets, NaN and infinities, bytes, non-text keys, too deep."""
    return st.one_of(
        st.sets(st.integers(), min_size=1, max_size=3),
        st.sampled_from([math.nan, math.inf, -math.inf]).map(lambda f: {"x": f}),
        st.binary(min_size=1, max_size=5).map(lambda b: {"blob": b}),
        st.just({(1, 2): "tuple key"}),
        st.builds(object).map(lambda o: [o]),
        st.just(TOO_DEEP),
    )


def bad_names() -> st.SearchStrategy[Any]:
    """Workload names no registry holds: unknown text, other types, unhashable ones."""
    return st.one_of(
        st.text(max_size=40).filter(lambda t: t not in WORKLOADS),
        st.integers(),
        st.none(),
        st.lists(st.text(max_size=5), max_size=2),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=1),
    )


GOOD_QUEUE = {
    "workload": st.just("tests.echo"),
    "size": st.integers(1, MAX_JOB_SIZE),
    "seed": st.one_of(st.none(), st.integers(0, MAX_SEED)),
    "payload": st.one_of(st.none(), st.dictionaries(st.text(max_size=5), json_values)),
}
BAD_QUEUE = {
    "workload": bad_names(),
    "size": not_an_int_in(1, MAX_JOB_SIZE),
    "seed": not_an_int_in(0, MAX_SEED).filter(lambda v: v is not None),
    "payload": bad_payloads(),
}


@st.composite
def bad_queue_calls(draw: Any) -> dict[str, Any]:
    """Every argument good or bad at random, and at least one of them bad."""
    must_be_bad = draw(st.sampled_from(sorted(BAD_QUEUE)))
    return {
        name: draw(BAD_QUEUE[name] if name == must_be_bad else GOOD_QUEUE[name])
        for name in GOOD_QUEUE
    }


@pytest.fixture
def person() -> Any:
    return get_user_model().objects.create_user("fuzz-queue")


@settings(FUZZ, max_examples=70)
@given(arguments=bad_queue_calls())
def test_a_bad_queue_call_raises_an_interp_exec_error_and_stores_nothing(
    person: Any, arguments: dict[str, Any]
) -> None:
    workload = arguments.pop("workload")
    size = arguments.pop("size")
    with pytest.raises(InterpExecError):
        queue_cpu_job(workload, size, user=person, **arguments)

    assert not CpuJobRecord.objects.exists()
    assert not CpuJobPayload.objects.exists()
    assert not OrmQ.objects.exists()


def good_jobs() -> st.SearchStrategy[CpuJob]:
    return st.builds(
        CpuJob,
        workload=st.just("tests.echo"),
        payload=st.dictionaries(st.text(max_size=5), json_values, max_size=3),
        size=st.integers(0, MAX_SIZE),
    )


def bad_jobs() -> st.SearchStrategy[CpuJob]:
    """A job with one bad part: its name, its size, its payload or its timeout."""
    return st.one_of(
        st.builds(CpuJob, workload=bad_names(), payload=st.just({})),
        st.builds(
            CpuJob,
            workload=st.just("tests.echo"),
            payload=st.just({}),
            size=not_an_int_in(0, MAX_SIZE),
        ),
        st.builds(CpuJob, workload=st.just("tests.echo"), payload=bad_payloads()),
        st.builds(
            CpuJob,
            workload=st.just("tests.echo"),
            payload=st.just({}),
            timeout_s=st.one_of(
                st.floats(max_value=0),
                st.sampled_from([math.nan, math.inf, "1", True, 10**400]),
            ),
        ),
    )


GOOD_JOBS, BAD_JOBS = good_jobs(), bad_jobs()


@settings(FUZZ, max_examples=60)
@given(
    jobs=st.lists(
        st.one_of(st.tuples(st.just(False), GOOD_JOBS), st.tuples(st.just(True), BAD_JOBS)),
        min_size=1,
        max_size=6,
    )
)
def test_map_answers_every_job_in_order_and_refuses_only_the_bad_ones(
    jobs: list[tuple[bool, CpuJob]],
) -> None:
    outcomes = get_cpu_port("inline").map([job for _, job in jobs])

    assert len(outcomes) == len(jobs)
    for (bad, job), outcome in zip(jobs, outcomes, strict=True):
        if bad:
            assert outcome.status is JobStatus.REFUSED, (job, outcome)
            assert outcome.error_message
        else:
            assert outcome.status is JobStatus.OK, (job, outcome)
            assert outcome.value == job.payload
