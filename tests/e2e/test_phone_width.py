"""The job pages on a phone: nothing wider than the screen, statuses in colour, times in ms.

The jobs are stored rows, as a worker would have finished them: this is about
how the pages lay out what they show, not about running jobs.
"""

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from interp_exec.models import CpuJobPayload, CpuJobRecord
from interp_exec.task_queue.stored_payloads import storable_json
from tests.e2e.browser import Steps
from tests.e2e.flows import job_field, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

# A phone-sized screen (an iPhone 12 to 15's CSS pixels), drawn as a phone draws it.
PHONE_WIDTH = 390
PHONE = {
    "viewport": {"width": PHONE_WIDTH, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
MIN_TEXT_PX = 16


@pytest.fixture
def context_options() -> dict[str, Any]:
    return PHONE


@pytest.fixture
def jobs(admin_user: User) -> dict[str, CpuJobRecord]:
    """A finished job of each kind, with the longest text each field may hold in practice."""
    common: dict[str, Any] = {"created_by": admin_user, "attempts": 1}
    ok = CpuJobRecord.objects.create(
        workload="transcript.readability",
        size=20_000,
        seed=1,
        status="ok",
        mode_requested="interpreters",
        mode_used="processes",
        fallback_reason=(
            "not interpreter-safe: import episodic_site.workloads.spectrum fails in a "
            "subinterpreter (ImportError: module numpy._core._multiarray_umath does not "
            "support loading in subinterpreters)"
        ),
        value={"top_words": [[f"word{i}", i] for i in range(60)], "sentences": 1234},
        wait_ms=0.412,
        run_ms=1234.5,
        total_ms=1240.25,
        **common,
    )
    failed = CpuJobRecord.objects.create(
        workload="tests.explode",
        size=1,
        seed=7,
        status="failed",
        mode_requested="inline",
        mode_used="inline",
        error_type="PayloadRejectedError",
        error_message="payload 7 rejected: " + "x" * 120,
        error_traceback="Traceback (most recent call last):\n"
        + '  File "/a/very/long/path/to/a/module/that/does/not/wrap.py", line 1\n' * 5
        + "PayloadRejectedError: payload 7 rejected",
        wait_ms=0.2,
        run_ms=None,
        total_ms=3.5,
        **common,
    )
    return {"ok": ok, "failed": failed}


def assert_fits_the_screen(page: Page) -> None:
    scroll_width, inner_width = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, (
        f"{page.url} scrolls sideways on a phone: {scroll_width} px wide in {inner_width} px"
    )


def colour(page: Page, selector: str) -> str:
    value: str = page.locator(selector).first.evaluate("el => getComputedStyle(el).color")
    return value


def test_the_job_form_and_list_fit_a_phone_and_show_statuses_in_colour(
    page: Page, steps: Steps, admin_user: User, jobs: dict[str, CpuJobRecord]
) -> None:
    sign_in(page, admin_user.get_username(), "password")
    page.goto("/cpu/jobs/")
    steps.take("job form")

    assert_fits_the_screen(page)
    font_px = page.locator("main").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert font_px >= MIN_TEXT_PX
    for control in ("Workload", "Size", "Seed"):
        box = page.get_by_label(control).bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE_WIDTH, control
    ok_colour, failed_colour = colour(page, ".status-ok"), colour(page, ".status-failed")
    assert len({ok_colour, failed_colour, colour(page, "main")}) == 3
    expect(page.get_by_role("cell", name="1,234.5 ms")).to_be_visible()


def test_a_finished_job_page_fits_a_phone_with_its_times_in_ms(
    page: Page, steps: Steps, admin_user: User, jobs: dict[str, CpuJobRecord]
) -> None:
    sign_in(page, admin_user.get_username(), "password")
    page.goto(jobs["ok"].get_absolute_url())
    steps.take("ok job")

    assert_fits_the_screen(page)
    expect(job_field(page, "status")).to_have_class("status-ok")
    expect(job_field(page, "timings")).to_have_text(
        "run 1,234.5 ms · wait 0.412 ms · total 1,240.2 ms"
    )
    expect(job_field(page, "fallback_reason")).to_be_visible()


def test_a_failed_job_page_fits_a_phone_with_its_traceback_open(
    page: Page, steps: Steps, admin_user: User, jobs: dict[str, CpuJobRecord]
) -> None:
    sign_in(page, admin_user.get_username(), "password")
    page.goto(jobs["failed"].get_absolute_url())
    page.get_by_text("Traceback", exact=True).click()
    steps.take("failed job, traceback open")

    assert_fits_the_screen(page)
    expect(job_field(page, "status")).to_have_class("status-failed")
    expect(job_field(page, "error")).to_contain_text("PayloadRejectedError: payload 7 rejected")
    expect(job_field(page, "timings")).to_have_text(re.compile(r"total 3\.5 ms$"))


@pytest.mark.parametrize("workload", ["transcript.readability", "text.dedupe", "audio.loudness"])
def test_the_input_pages_fit_a_phone(
    page: Page, steps: Steps, admin_user: User, workload: str
) -> None:
    sign_in(page, admin_user.get_username(), "password")
    page.goto(f"/cpu/jobs/new/{workload}/")
    steps.take(workload)

    assert_fits_the_screen(page)
    page.locator('input[name="source"][value="sample"]').check()
    expect(page.get_by_role("spinbutton", name="Size:")).to_be_visible()
    assert_fits_the_screen(page)


def test_readable_results_fit_a_phone(page: Page, steps: Steps, admin_user: User) -> None:
    long_name = "episode_042_the_lighthouse_keepers_daughter_and_the_harbour_festival_notes.txt"
    dedupe = CpuJobRecord.objects.create(
        workload="text.dedupe",
        size=3,
        status="ok",
        created_by=admin_user,
        value={"paragraphs": 3, "candidate_pairs": 1, "duplicate_pairs": [[0, 2, 0.9531]]},
    )
    CpuJobPayload.objects.create(
        job=dedupe,
        json_text=storable_json(
            {"paragraphs": ["a", "b", "c"], "names": [long_name, "b.txt", long_name + "2"]}
        ),
    )
    sign_in(page, admin_user.get_username(), "password")
    page.goto(dedupe.get_absolute_url())
    steps.take("dedupe result")

    expect(page.get_by_role("cell", name="95.3 %")).to_be_visible()
    assert_fits_the_screen(page)
