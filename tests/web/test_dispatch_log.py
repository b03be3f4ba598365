"""Every dispatch through the site's ports leaves one DispatchLog row equal to its outcome."""

from dataclasses import fields
from typing import Any

import pytest
from django.test import Client

from interp_exec import CpuJob, JobOutcome, get_cpu_port
from interp_exec.admin.dispatch_summary import ModeSummary, percentile, summarize
from interp_exec.models import DispatchLog
from interp_exec.routing.flag_policy import flag_name
from tests.flag_helpers import set_flag

CHANGELIST = "/admin/interp_exec/dispatchlog/"
LOGGED = [f.name for f in fields(JobOutcome) if f.name != "value"]


def assert_logged_as(outcome: JobOutcome) -> DispatchLog:
    row = DispatchLog.objects.get(dispatch_id=outcome.dispatch_id)
    expected = outcome.as_dict()
    assert {name: getattr(row, name) for name in LOGGED} == {
        name: expected[name] for name in LOGGED
    }
    return row


@pytest.mark.parametrize("mode", ["inline", "interpreters", "processes"])
def test_each_dispatch_leaves_one_row_equal_to_its_outcome(mode: str) -> None:
    set_flag(flag_name("tests.echo"), mode=mode, everyone=True, min_task_size=0)

    outcome = get_cpu_port().run(CpuJob("tests.echo", {"seed": 4}, size=3))

    row = assert_logged_as(outcome)
    assert DispatchLog.objects.count() == 1
    assert (row.status, row.mode_used) == ("ok", mode)
    assert row.policy_source == f"flag {flag_name('tests.echo')} is active"


def test_a_failed_job_is_logged_with_its_error() -> None:
    outcome = get_cpu_port("interpreters").run(CpuJob("tests.explode", {"seed": 9}, size=1))

    row = assert_logged_as(outcome)
    assert (row.status, row.error_type) == ("failed", "PayloadRejectedError")
    assert "payload 9 rejected" in row.error_message
    assert "PayloadRejectedError" in row.error_traceback


@pytest.mark.parametrize(
    ("job", "error_type"),
    [
        (CpuJob("no.such.workload", {}, size=1), "UnknownWorkload"),
        (CpuJob("tests.echo", {"blob": "x" * 200}, size=1), "PayloadTooLarge"),
        (CpuJob("tests.echo", {1, 2}, size=1), "InvalidJob"),
    ],
)
def test_refused_jobs_are_logged_too(job: CpuJob, error_type: str) -> None:
    set_flag(flag_name("tests.echo"), max_payload_bytes=100)

    outcome = get_cpu_port().run(job)

    row = assert_logged_as(outcome)
    assert (row.status, row.error_type, row.mode_used) == ("refused", error_type, "")


def test_map_logs_one_row_per_job() -> None:
    jobs = [CpuJob("tests.echo", {"i": i}, size=1) for i in range(5)]

    outcomes = get_cpu_port("interpreters").map(jobs)

    assert DispatchLog.objects.count() == 5
    for outcome in outcomes:
        assert_logged_as(outcome)


# --- Summary ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "pct", "expected"),
    [
        ([], 50, None),
        ([7.0], 95, 7.0),
        ([4.0, 1.0, 3.0, 2.0], 50, 2.0),
        ([float(v) for v in range(1, 101)], 95, 95.0),
        ([float(v) for v in range(1, 101)], 50, 50.0),
        ([1.0, 2.0, 100.0], 95, 100.0),
    ],
)
def test_percentile_is_a_value_that_occurred(
    values: list[float], pct: float, expected: float | None
) -> None:
    assert percentile(values, pct) == expected


def log(workload: str, mode: str, status: str = "ok", run_ms: float = 1.0, **extra: Any) -> None:
    DispatchLog.objects.create(
        dispatch_id=f"{workload}-{mode}-{DispatchLog.objects.count()}",
        workload=workload,
        mode_requested="interpreters",
        mode_used=mode,
        status=status,
        run_ms=run_ms,
        **extra,
    )


def make_history() -> None:
    for run_ms in (10.0, 20.0, 30.0, 40.0):
        log("audio.loudness", "interpreters", run_ms=run_ms)
    log("audio.loudness", "interpreters", status="failed", run_ms=500.0, error_type="ValueError")
    log("audio.loudness", "inline", run_ms=90.0)
    log("text.dedupe", "", status="refused", run_ms=0.0, error_type="PayloadTooLarge")


def test_summary_counts_failures_and_takes_percentiles_of_ok_runs() -> None:
    make_history()

    summary = summarize(DispatchLog.objects.all())

    assert summary == [
        ModeSummary("audio.loudness", "inline", 1, 0, 90.0, 90.0),
        ModeSummary("audio.loudness", "interpreters", 5, 1, 20.0, 40.0),
        ModeSummary("text.dedupe", "", 1, 1, None, None),
    ]


def test_summary_percentiles_use_only_the_latest_rows_when_bounded() -> None:
    for run_ms in (1000.0, 1000.0, 1.0, 2.0):  # the two slow ones are the oldest
        log("audio.loudness", "inline", run_ms=run_ms)

    (row,) = summarize(DispatchLog.objects.all(), sample_limit=2)

    assert (row.count, row.p95_run_ms) == (4, 2.0)


# --- Admin --------------------------------------------------------------------


def test_the_dispatch_log_admin_is_read_only(admin_client: Client) -> None:
    make_history()
    entry = DispatchLog.objects.first()
    assert entry is not None
    url = f"{CHANGELIST}{entry.pk}/change/"

    listing = admin_client.get(CHANGELIST)
    detail = admin_client.get(url)
    edit = admin_client.post(url, {"workload": "forged"})

    assert listing.status_code == detail.status_code == 200
    assert not listing.context["has_add_permission"]
    assert b'name="_save"' not in detail.content
    assert edit.status_code == 403
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_client.post(f"{CHANGELIST}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert DispatchLog.objects.filter(workload="forged").count() == 0
    assert DispatchLog.objects.count() == 7


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ({"workload": "audio.loudness"}, 6),
        ({"mode_used": "inline"}, 1),
        ({"status": "refused"}, 1),
        ({"status": "failed", "workload": "audio.loudness"}, 1),
        ({"q": "PayloadTooLarge"}, 1),
        ({"q": "text.dedupe-"}, 1),
        ({"created_at__gte": "2000-01-01T00:00:00+00:00"}, 7),
        ({"created_at__gte": "2999-01-01T00:00:00+00:00"}, 0),
    ],
)
def test_the_dispatch_log_admin_filters_and_searches(
    admin_client: Client, query: dict[str, str], count: int
) -> None:
    make_history()

    response = admin_client.get(CHANGELIST, query)

    assert response.status_code == 200
    assert response.context["cl"].result_count == count


def test_the_summary_covers_the_filtered_rows_only(admin_client: Client) -> None:
    make_history()

    everything = admin_client.get(CHANGELIST)
    loudness = admin_client.get(CHANGELIST, {"workload": "audio.loudness", "mode_used": "inline"})

    assert len(everything.context["summary"]) == 3
    assert loudness.context["summary"] == [
        ModeSummary("audio.loudness", "inline", 1, 0, 90.0, 90.0)
    ]
    body = everything.content.decode()
    assert 'id="dispatch-summary"' in body
    assert "— (refused)" in body
