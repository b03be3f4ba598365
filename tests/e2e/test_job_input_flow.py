"""A person uploads an episode's subtitles in the browser and reads the result.

Through the pages a person uses: the job list's link to the workload's input
page, its upload (the page's script shows only the chosen input's fields), and
the status page, which shows the readable result once the qcluster has run it.
The browsable API is opened under the site's Content-Security-Policy too.
"""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import ConsoleMessage, Page, expect

from interp_exec.models import CpuJobRecord
from tests.e2e.browser import Steps
from tests.e2e.flows import queue_upload, sign_in_on_the_site
from tests.qcluster import QCluster

pytestmark = [
    pytest.mark.browser,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

JOB_ENDS_WITHIN_MS = 60_000
SRT = (
    b"1\r\n00:00:00,000 --> 00:00:04,000\r\n<i>Welcome back</i> to the show about birds.\r\n\r\n"
    b"2\r\n00:00:05,000 --> 00:00:08,000\r\nToday we talk about bees and flowers.\r\n"
)


@pytest.fixture
def person_page(page: Page) -> Page:
    get_user_model().objects.create_user("producer", password="pw-producer-12345")
    sign_in_on_the_site(page, "producer", "pw-producer-12345")
    return page


def csp_violations(page: Page) -> list[str]:
    """Console errors that say the Content-Security-Policy refused something, as they come."""
    seen: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            seen.append(message.text)

    page.on("console", note)
    return seen


def test_a_person_uploads_subtitles_and_reads_the_readability_of_the_episode(
    person_page: Page, steps: Steps, qcluster: QCluster
) -> None:
    page = person_page
    refused = csp_violations(page)
    page.goto("/cpu/jobs/new/transcript.readability/")
    page.get_by_label("Upload a file").check()
    expect(page.locator('fieldset[data-source="sample"]')).to_be_hidden()
    expect(page.locator('fieldset[data-source="upload"]')).to_be_visible()

    queue_upload(page, "transcript.readability", "episode-12.srt", SRT)
    steps.take("job queued")

    result = page.locator('[data-result="transcript.readability"]')
    try:
        expect(result).to_be_visible(timeout=JOB_ENDS_WITHIN_MS)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\n--- qcluster log ---\n{qcluster.log()[-5000:]}") from None
    steps.take("result shown")
    # 14 words in 7 s of cues: 120 words a minute, measured, not estimated.
    expect(result.get_by_role("row", name="Words per minute")).to_contain_text("120")
    expect(result.get_by_role("row", name="Spoken minutes")).to_contain_text(
        "measured from the subtitle cues"
    )
    expect(result.get_by_role("row", name="Flesch reading ease")).to_contain_text("listening")
    expect(page.get_by_text("Raw JSON")).to_be_visible()
    assert refused == []


def test_the_browsable_api_runs_its_scripts_under_the_sites_csp(
    person_page: Page, steps: Steps
) -> None:
    page = person_page
    refused = csp_violations(page)

    page.goto("/cpu/api/jobs/")
    steps.take("browsable api")

    expect(page.get_by_role("heading", name="Job List")).to_be_visible()
    assert page.evaluate("() => typeof window.jQuery") == "function"  # its static scripts ran
    # Its POST form is sent by its script, with the CSRF token its script reads.
    page.get_by_role("textbox", name="Content:").fill(
        '{"workload": "text.dedupe", "size": 20, "seed": 2}'
    )
    page.get_by_role("button", name="POST").click()
    expect(page.locator(".response-info")).to_contain_text("HTTP 201 Created")
    steps.take("job posted")
    assert CpuJobRecord.objects.get().size == 20
    assert refused == []
