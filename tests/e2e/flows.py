"""What a person does on the site, step by step, as the browser tests drive it.

Each flow acts through the page as a person would (labels, buttons, links) and
waits, within bounds, for the page to show that the step worked.
"""

import re

from playwright.sync_api import FilePayload, Locator, Page, expect

from interp_exec.routing.flag_policy import flag_name

JOB_PAGE = re.compile(r"/cpu/jobs/[0-9a-f-]{36}/$")


def sign_in(page: Page, username: str, password: str) -> None:
    """Sign in through the admin's login form (the site's login page)."""
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def route_workload_in_admin(page: Page, workload: str, mode: str) -> None:
    """Open the workload's flag, send every job of any size to ``mode``, and save."""
    page.goto("/admin/interp_exec/executorflag/")
    page.get_by_role("link", name=flag_name(workload), exact=True).click()
    # By role: the label "Mode" alone also names the fieldset "Which jobs go to the mode".
    page.get_by_role("combobox", name="Mode").select_option(mode)
    page.get_by_role("combobox", name="Everyone").select_option(label="Yes")
    page.get_by_role("spinbutton", name="Min task size").fill("0")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")


def queue_job(page: Page, workload: str, size: int, seed: int = 1) -> str:
    """Queue a job from the job form; returns the HTML of the status page's first paint."""
    page.goto("/cpu/jobs/")
    page.get_by_label("Workload").select_option(workload)
    page.get_by_label("Size").fill(str(size))
    page.get_by_label("Seed").fill(str(seed))
    with page.expect_response(JOB_PAGE) as first_paint:
        page.get_by_role("button", name="Queue job").click()
    expect(page).to_have_url(JOB_PAGE)
    expect(page.locator(".message-success")).to_contain_text(f"Queued a {workload} job")
    return first_paint.value.text()


def job_field(page: Page, name: str) -> Locator:
    """The status page's element for ``name`` (its ``data-field``), which the script updates."""
    return page.locator(f'#job [data-field="{name}"]')


def sign_in_on_the_site(page: Page, username: str, password: str) -> None:
    """Sign in through the site's own login page (for people who are not staff)."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def queue_upload(page: Page, workload: str, file_name: str, content: bytes) -> None:
    """Open the workload's input page from the job list, upload one file and queue it."""
    page.goto("/cpu/jobs/")
    page.get_by_role("link", name=workload, exact=True).click()
    page.get_by_label("Upload a file").check()
    page.get_by_label("File:", exact=True).set_input_files(
        files=FilePayload(name=file_name, mimeType="application/octet-stream", buffer=content)
    )
    page.get_by_role("button", name="Queue job").click()
    expect(page).to_have_url(JOB_PAGE)
    expect(page.locator(".message-success")).to_contain_text(f"Queued a {workload} job")
