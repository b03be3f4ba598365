"""A benchmark run saved by ``run_interp_bench`` opens in the admin with its charts drawn."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Page, expect

from interp_exec.models import BenchmarkRun
from tests.e2e.browser import Steps
from tests.e2e.flows import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

MODES = ("inline", "interpreters", "processes")


def test_a_saved_benchmark_run_draws_one_bar_per_mode_in_each_chart(
    page: Page, steps: Steps, admin_user: User
) -> None:
    # A real, tiny run: the rows are the ones the command stores, not made up here.
    call_command(
        "run_interp_bench",
        *("--workload", "transcript.readability", "--size", "200"),
        *("--jobs", "2", "--repeat", "1", "--workers", "2"),
        stdout=io.StringIO(),
    )
    run = BenchmarkRun.objects.get()

    sign_in(page, admin_user.get_username(), "password")
    page.goto("/admin/interp_exec/benchmarkrun/")
    page.locator("#result_list tbody a").first.click()
    expect(page).to_have_url(f"/admin/interp_exec/benchmarkrun/{run.pk}/change/")
    steps.take("run opened")

    charts = page.locator("svg.bar-chart")
    expect(charts).to_have_count(2)
    for chart in charts.all():
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        expect(chart.locator("rect.bar")).to_have_count(len(MODES))
        for mode in MODES:
            bar = chart.locator(f"rect.bar.mode-{mode}")
            expect(bar).to_have_count(1)
            box = bar.bounding_box()
            assert box is not None, f"the {mode} bar is not drawn"
            assert box["width"] > 0, f"the {mode} bar has no length"
    steps.take("charts drawn")
