"""The benchmark admin: list, read-only detail with SVG charts, and the comparison."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from interp_exec.models import BenchmarkRun
from tests.bench.figures import figures, stored_run

pytestmark = pytest.mark.django_db

MODES = ("inline", "interpreters", "processes")
WORKLOADS = ("audio.loudness", "transcript.readability")


def full_run(**fields: object) -> BenchmarkRun:
    return stored_run([figures(w, m) for w in WORKLOADS for m in MODES], **fields)


def svgs(html: str) -> list[str]:
    """The page's charts (the admin's own icons are SVG too)."""
    return re.findall(r'<svg [^>]*class="bar-chart".*?</svg>', html, flags=re.DOTALL)


def test_run_list_shows_runs_with_their_workloads_and_regressions(admin_client: Client) -> None:
    full_run(regressions=["audio.loudness"])

    response = admin_client.get(reverse("admin:interp_exec_benchmarkrun_changelist"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "bench-host" in body
    assert "audio.loudness, transcript.readability" in body
    assert "0123456789" in body


def test_run_detail_draws_one_bar_per_mode_and_workload_in_each_chart(
    admin_client: Client,
) -> None:
    run = full_run()

    response = admin_client.get(reverse("admin:interp_exec_benchmarkrun_change", args=[run.pk]))

    assert response.status_code == 200
    charts = svgs(response.content.decode())
    assert len(charts) == 2
    throughput, speedup = charts
    assert "Throughput by mode (jobs/s" in throughput
    assert "Speedup over inline" in speedup
    for chart in charts:
        assert chart.count('class="bar mode-') == len(MODES) * len(WORKLOADS)
        for mode in MODES:
            assert chart.count(f'class="bar mode-{mode}"') == len(WORKLOADS)
        assert 'width="100%"' in chart
        assert "viewBox=" in chart
    assert 'class="reference"' in speedup
    assert "ideal 2x" in speedup
    assert "11.43 jobs/s" in throughput, "8 jobs in 0.7 s, written next to its bar"


def test_run_detail_is_read_only_and_lists_the_results(admin_client: Client) -> None:
    run = full_run()

    response = admin_client.get(reverse("admin:interp_exec_benchmarkrun_change", args=[run.pk]))

    body = response.content.decode()
    assert 'name="_save"' not in body
    assert body.count("transcript.readability") >= len(MODES)
    add = admin_client.get(reverse("admin:interp_exec_benchmarkrun_add"))
    assert add.status_code == 403


def test_run_detail_links_to_a_comparison_with_the_run_before(admin_client: Client) -> None:
    earlier, later = full_run(), full_run()

    response = admin_client.get(reverse("admin:interp_exec_benchmarkrun_change", args=[later.pk]))

    compare = reverse("admin:interp_exec_benchmarkrun_compare", args=[earlier.pk, later.pk])
    assert f'href="{compare}"' in response.content.decode()


def test_compare_view_shows_both_figures_and_the_change(admin_client: Client) -> None:
    before = stored_run([figures("text.dedupe", "interpreters", jobs_per_s=10.0)])
    after = stored_run([figures("text.dedupe", "interpreters", jobs_per_s=12.0)])

    response = admin_client.get(
        reverse("admin:interp_exec_benchmarkrun_compare", args=[before.pk, after.pk])
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "text.dedupe &middot; interpreters" in body
    row = re.search(r"throughput \(jobs/s\)</th>(.*?)</tr>", body, flags=re.DOTALL)
    assert row is not None
    cells = re.findall(r'<td class="number ?([a-z]*)">([^<]*)</td>', row.group(1))
    assert cells == [("", "10.00"), ("", "12.00"), ("better", "20.0%")]


def test_compare_action_needs_exactly_two_runs(admin_client: Client) -> None:
    first, second, third = full_run(), full_run(), full_run()
    changelist = reverse("admin:interp_exec_benchmarkrun_changelist")

    two = admin_client.post(
        changelist,
        {"action": "compare_selected", "_selected_action": [second.pk, first.pk]},
    )
    three = admin_client.post(
        changelist,
        {"action": "compare_selected", "_selected_action": [first.pk, second.pk, third.pk]},
        follow=True,
    )

    assert two.status_code == 302
    assert two["Location"] == reverse(
        "admin:interp_exec_benchmarkrun_compare", args=[first.pk, second.pk]
    )
    assert "Select exactly two runs" in three.content.decode()


@pytest.mark.parametrize("page", ["compare", "change"])
def test_staff_without_the_view_permission_get_403_whether_the_run_exists_or_not(
    client: Client, page: str
) -> None:
    # Before: the comparison looked the runs up first, so a missing one answered 404
    # and an existing one 403, telling anyone with staff status which runs exist.
    staff = User.objects.create_user("staff", password="password", is_staff=True)
    client.force_login(staff)
    run = full_run()
    missing = run.pk + 100
    urls = {
        "compare": [
            reverse("admin:interp_exec_benchmarkrun_compare", args=[run.pk, run.pk]),
            reverse("admin:interp_exec_benchmarkrun_compare", args=[missing, missing]),
        ],
        "change": [
            reverse("admin:interp_exec_benchmarkrun_change", args=[run.pk]),
            reverse("admin:interp_exec_benchmarkrun_change", args=[missing]),
        ],
    }[page]

    assert [client.get(url).status_code for url in urls] == [403, 403]
