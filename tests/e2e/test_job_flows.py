"""An admin routes a workload in the browser, queues jobs and watches them end.

The site is the live server, the jobs run in a real qcluster subprocess, and
every step goes through the pages a person uses: the admin's flag form, the job
form, and the status page, whose script polls ``status.json`` until the job ends.
"""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.e2e.browser import Steps
from tests.e2e.flows import job_field, queue_job, route_workload_in_admin, sign_in
from tests.qcluster import QCluster

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

JOB_ENDS_WITHIN_MS = 60_000
# Large enough that the worker cannot finish the job (build a 600 kB sample, ship
# it to a subinterpreter, count 100,000 words: a quarter of a second at least)
# before the browser has drawn the status page, so the page has to update itself
# to show the end.
READABILITY_SIZE = 100_000
TIMINGS = re.compile(r"^run [\d,.]+ ms · wait [\d,.]+ ms · total [\d,.]+ ms$")


@pytest.fixture
def admin_page(page: Page, admin_user: User) -> Page:
    """The page, signed in as a superuser (pytest-django's ``admin_user``)."""
    sign_in(page, admin_user.get_username(), "password")
    return page


def expect_job_to_end(page: Page, status: str, cluster: QCluster) -> None:
    """Wait, within bounds, until the status page says ``status``; else show the worker's log."""
    try:
        expect(job_field(page, "status")).to_have_text(status, timeout=JOB_ENDS_WITHIN_MS)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- qcluster log ---\n{cluster.log()[-5000:]}") from None


def test_an_admin_switches_a_workload_to_interpreters_and_the_status_page_follows_its_job(
    admin_page: Page, steps: Steps, qcluster: QCluster
) -> None:
    page = admin_page
    route_workload_in_admin(page, "transcript.readability", "interpreters")
    steps.take("flag saved")

    first_paint = queue_job(page, "transcript.readability", READABILITY_SIZE)
    steps.take("job queued")
    assert 'data-finished="false"' in first_paint, (
        "the job ended before its page was first drawn, so this test cannot show the page "
        "updating itself: raise READABILITY_SIZE"
    )
    # Gone if the page reloads: what follows must come from the page's own script.
    page.evaluate("() => { window.e2eSameDocument = true; }")

    expect_job_to_end(page, "ok", qcluster)
    steps.take("job ended")
    expect(job_field(page, "status")).to_have_class("status-ok")
    expect(job_field(page, "mode_requested")).to_have_text("interpreters")
    expect(job_field(page, "mode_used")).to_have_text("interpreters")
    expect(job_field(page, "timings")).to_have_text(TIMINGS)
    expect(job_field(page, "value_summary")).to_contain_text('"sentences": ')
    expect(page.locator('[data-row="fallback_reason"]')).to_be_hidden()
    assert page.evaluate("() => window.e2eSameDocument === true"), "the page was reloaded"


def test_a_numpy_workload_asked_onto_subinterpreters_shows_it_ran_in_processes_and_why(
    admin_page: Page, steps: Steps, qcluster: QCluster
) -> None:
    page = admin_page
    route_workload_in_admin(page, "audio.spectrum", "interpreters")
    steps.take("flag saved")

    queue_job(page, "audio.spectrum", 400)
    steps.take("job queued")

    expect_job_to_end(page, "ok", qcluster)
    steps.take("job ended")
    expect(job_field(page, "mode_requested")).to_have_text("interpreters")
    expect(job_field(page, "mode_used")).to_have_text("processes")
    reason = job_field(page, "fallback_reason")
    expect(reason).to_be_visible()
    expect(reason).to_contain_text("fails in a subinterpreter")
    expect(reason).to_contain_text("numpy")
    expect(job_field(page, "timings")).to_have_text(TIMINGS)


def test_a_failing_job_shows_its_error_type_and_message_not_a_server_error(
    admin_page: Page, steps: Steps, qcluster: QCluster
) -> None:
    page = admin_page
    queue_job(page, "tests.explode", 1, seed=7)
    steps.take("job queued")

    expect_job_to_end(page, "failed", qcluster)
    steps.take("job ended")
    expect(page).to_have_title(re.compile(r"^tests\.explode job"))
    expect(job_field(page, "status")).to_have_class("status-failed")
    expect(job_field(page, "error")).to_have_text("PayloadRejectedError: payload 7 rejected")
    page.get_by_text("Traceback", exact=True).click()
    expect(job_field(page, "error_traceback")).to_contain_text("payload 7 rejected")
    expect(page.locator('[data-row="value_summary"]')).to_be_hidden()
    steps.take("traceback open")
