"""The admin's flag form: every bad value is a form error and the flag stays as it was."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from interp_exec.core.domain import ExecutorMode
from interp_exec.core.workloads import load_configured_workloads
from interp_exec.models import ExecutorFlag
from interp_exec.models.flags import MAX_POOL_WORKERS
from interp_exec.routing.flag_policy import DEFAULT_FLAG, flag_name
from tests.flag_helpers import change_form_data
from tests.fuzz.strategies import FUZZ, bad_whole_number, none_of, not_a_number

KNOWN_FLAGS = {DEFAULT_FLAG} | {flag_name(w.name) for w in load_configured_workloads()}
# What the database stores in a positive integer column (SQLite: 64 bits).
_, MAX_STORED = connection.ops.integer_field_range("PositiveIntegerField")

BAD_VALUES = {
    "percent": st.one_of(
        not_a_number(),
        st.floats(max_value=-0.001).map(str),
        st.floats(min_value=100.0, allow_infinity=False).map(str),
    ),
    # A list of ids with at least one that is no user: words, ids beyond the
    # database's range, ids of nobody.
    "users": st.lists(
        st.one_of(
            none_of(set()).filter(lambda t: "," not in t and not t.strip().isdigit()),
            st.integers(min_value=2**63).map(str),
            st.integers(min_value=10**6, max_value=2**62).map(str),
        ),
        min_size=1,
        max_size=4,
    ).map(",".join),
    "groups": st.one_of(none_of(set()), st.integers(min_value=10**6).map(str)),
    "mode": none_of({m.value for m in ExecutorMode}),
    "min_task_size": bad_whole_number(0, MAX_STORED),
    "max_payload_bytes": bad_whole_number(1, MAX_STORED),
    "max_workers": bad_whole_number(1, MAX_POOL_WORKERS),
    "timeout_s": st.one_of(
        not_a_number(),
        st.floats(max_value=0.009).map(str),
        st.floats(min_value=600.0, allow_infinity=False).map(str),  # the queue's timeout
    ),
    "name": st.one_of(
        st.text(min_size=1, max_size=40).map(lambda t: f"cpu.{t}"),
        st.just(""),
        st.text(min_size=101, max_size=120),
    ).filter(lambda name: name.strip() not in KNOWN_FLAGS),
}


@pytest.fixture
def flag_form(admin_client: Client) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The default flag's change URL, its form as the admin would post it, its row."""
    flag = ExecutorFlag.objects.get(name=DEFAULT_FLAG)
    url = f"/admin/interp_exec/executorflag/{flag.pk}/change/"
    row: dict[str, Any] = dict(ExecutorFlag.objects.values().get(pk=flag.pk))
    return url, change_form_data(admin_client, url), row


@settings(FUZZ, max_examples=60)
@given(
    field_and_value=st.sampled_from(sorted(BAD_VALUES)).flatmap(
        lambda field: st.tuples(st.just(field), BAD_VALUES[field])
    )
)
def test_a_bad_flag_value_is_a_form_error_and_changes_nothing(
    admin_client: Client,
    flag_form: tuple[str, dict[str, Any], dict[str, Any]],
    field_and_value: tuple[str, str],
) -> None:
    url, data, before = flag_form
    field, value = field_and_value

    response = admin_client.post(url, {**data, field: value})

    assert response.status_code == 200, (response.status_code, field, value)
    assert response.context["adminform"].form.errors, (field, value)
    assert ExecutorFlag.objects.values().get(pk=before["id"]) == before
