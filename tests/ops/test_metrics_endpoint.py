"""``/metrics/``: who may read it, and that its figures agree with the stored records."""

from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from interp_exec import CpuJob, get_cpu_port
from interp_exec.models import CpuJobRecord, DispatchLog, JobRecordStatus
from interp_exec.task_queue.sweep import sweep_expired_jobs
from tests.ops.conftest import TOKEN, delta, scrape, value

# Far above any threshold: the fixed mode is kept, not sent inline as a small job.
LARGE = 1_000_000


@pytest.mark.usefixtures("metrics_token")
def test_only_staff_or_the_bearer_token_may_read(client: Client) -> None:
    assert client.get("/cpu/metrics/").status_code == 403
    wrong = client.get("/cpu/metrics/", headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 403
    assert TOKEN not in wrong.content.decode()
    assert (
        client.get("/cpu/metrics/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    )

    client.force_login(User.objects.create_user("member"))
    assert client.get("/cpu/metrics/").status_code == 403
    client.force_login(User.objects.create_user("operator", is_staff=True))
    assert client.get("/cpu/metrics/").status_code == 200


def test_without_a_token_set_a_bearer_header_gets_nothing(client: Client) -> None:
    assert client.get("/cpu/metrics/", headers={"Authorization": "Bearer "}).status_code == 403


@pytest.mark.usefixtures("metrics_token")
def test_dispatch_counts_and_timings_match_the_dispatch_log_in_every_mode(client: Client) -> None:
    before = scrape(client)
    for mode in ("inline", "interpreters", "processes"):
        port = get_cpu_port(mode)
        port.map([CpuJob("tests.echo", {"n": i}, size=LARGE) for i in range(3)])
        port.run(CpuJob("tests.explode", {}, size=LARGE))
    small = get_cpu_port("interpreters").run(CpuJob("text.dedupe", {"paragraphs": []}, size=1))
    refused = get_cpu_port().run(CpuJob("no.such.workload", {}, size=1))
    after = scrape(client)

    rows = Counter(DispatchLog.objects.values_list("workload", "mode_used", "status"))
    assert {mode for _, mode, _ in rows} == {"inline", "interpreters", "processes", ""}
    assert (small.mode_used, refused.status.value) == ("inline", "refused")
    for (workload, mode, status), n in rows.items():
        shown = "unregistered" if workload == "no.such.workload" else workload
        labels = {"workload": shown, "mode_used": mode, "status": status}
        assert delta(before, after, "interp_exec_dispatches_total", **labels) == n, labels
        if status != "refused":
            timing = {"workload": workload, "mode_used": mode}
            assert delta(before, after, "interp_exec_total_seconds_count", **timing) == n
    assert (
        delta(
            before,
            after,
            "interp_exec_fallbacks_total",
            workload="text.dedupe",
            mode_requested="interpreters",
            mode_used="inline",
            reason="below_min_task_size",
        )
        == 1
    )
    assert (
        delta(
            before,
            after,
            "interp_exec_refusals_total",
            workload="unregistered",
            reason="UnknownWorkload",
        )
        == 1
    )
    # Only jobs that returned have a run time: echo's three per mode, not explode's.
    echo_inline = {"workload": "tests.echo", "mode_used": "inline"}
    assert delta(before, after, "interp_exec_run_seconds_count", **echo_inline) == 3
    explode = {"workload": "tests.explode", "mode_used": "inline"}
    assert delta(before, after, "interp_exec_run_seconds_count", **explode) == 0


@pytest.mark.usefixtures("metrics_token")
def test_job_gauges_count_the_records_by_state(client: Client) -> None:
    now = timezone.now()
    for status, waited in [
        (JobRecordStatus.QUEUED, timedelta(minutes=7)),
        (JobRecordStatus.QUEUED, timedelta(seconds=5)),
        (JobRecordStatus.RUNNING, timedelta(0)),
        (JobRecordStatus.OK, timedelta(0)),
        (JobRecordStatus.FAILED, timedelta(0)),
        (JobRecordStatus.REFUSED, timedelta(0)),
    ]:
        CpuJobRecord.objects.create(
            workload="tests.echo", size=1, status=status, queued_at=now - waited
        )

    series = scrape(client)

    assert value(series, "interp_exec_jobs", state="queued") == 2
    assert value(series, "interp_exec_jobs", state="running") == 1
    assert value(series, "interp_exec_jobs", state="finished") == 3
    assert 7 * 60 <= value(series, "interp_exec_oldest_queued_job_age_seconds") < 7 * 60 + 60


@pytest.mark.usefixtures("metrics_token")
def test_the_sweep_counts_what_it_requeued_and_gave_up(client: Client) -> None:
    expired = timezone.now() - timedelta(minutes=1)
    for attempts in (1, 99):
        CpuJobRecord.objects.create(
            workload="tests.echo",
            size=1,
            status=JobRecordStatus.RUNNING,
            attempts=attempts,
            lease_expires_at=expired,
        )
    before = scrape(client)

    report = sweep_expired_jobs()
    after = scrape(client)

    assert (len(report.requeued), len(report.failed)) == (1, 1)
    assert delta(before, after, "interp_exec_sweep_jobs_total", action="requeued") == 1
    assert delta(before, after, "interp_exec_sweep_jobs_total", action="gave_up") == 1
    assert delta(before, after, "interp_exec_sweep_jobs_total", action="resent") == 0
    assert delta(before, after, "interp_exec_sweep_runs_total") == 1
