"""Fixtures for the browser tests: one Chromium, a fresh context per test, a qcluster.

The site is pytest-django's ``live_server`` (a thread of this process) on the
file test database, which the qcluster subprocess opens too; so tests commit
what the server and the worker should see (``transaction=True``). Each test gets
its own browser context (cookies, storage) on the one browser, a ``Steps``
recorder, and artifacts under ``test-artifacts/e2e/`` when it fails.

Run only these with ``make test PYTEST_ARGS="-m browser"``.
"""

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, Error, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.e2e.browser import (
    PageProblems,
    Steps,
    browser_unavailable,
    launch_chromium,
    save_artifacts,
)
from tests.qcluster import QCluster, running_qcluster

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
# Playwright's own default (5 s) is tight for a page served by a thread of a
# busy test process; waits for a job to finish give their own, longer, timeout.
expect.set_options(timeout=10_000)

_CALL_REPORT = pytest.StashKey[pytest.TestReport]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep the outcome of the test's body where its page fixture can read it."""
    report = yield
    if report.when == "call":
        item.stash[_CALL_REPORT] = report
    return report


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for every browser test; skipped (failed under CI) if it cannot start."""
    with pytest.MonkeyPatch.context() as env:
        # Playwright's sync API runs its asyncio loop in this thread (on a greenlet)
        # and the loop counts as running while the test's own code runs too. Django
        # then takes the test's ORM calls (fixtures, flushes, assertions) for calls
        # from async code and refuses them (SynchronousOnlyOperation). They are not:
        # this code is synchronous and nothing else uses the loop's thread, so the
        # guard is switched off, for as long as Playwright runs and no longer. The
        # live server's threads and the qcluster never had the loop.
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        try:
            playwright = sync_playwright().start()
        except Error as exc:
            browser_unavailable(f"Playwright did not start: {exc.message}")
        try:
            chromium = launch_chromium(playwright)
            yield chromium
            chromium.close()
        finally:
            playwright.stop()


@pytest.fixture(scope="package")
def qcluster(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[QCluster]:
    """A worker that knows the test workloads too (tests.explode for the failing job)."""
    with running_qcluster(
        tmp_path_factory.mktemp("qcluster"),
        {"INTERP_EXEC_WORKLOADS": "tests.workload_fixtures"},
    ) as cluster:
        yield cluster


@pytest.fixture
def context_options() -> dict[str, Any]:
    """Options of each test's browser context; a module overrides it for a phone."""
    return DESKTOP


@dataclass
class Tab:
    page: Page
    steps: Steps


@pytest.fixture
def tab(
    browser: Browser,
    live_server: LiveServer,
    context_options: dict[str, Any],
    request: pytest.FixtureRequest,
) -> Iterator[Tab]:
    context = browser.new_context(base_url=live_server.url, **context_options)
    page = context.new_page()
    problems = PageProblems()
    problems.watch(page)
    steps = Steps(page)
    yield Tab(page, steps)

    report = request.node.stash.get(_CALL_REPORT, None)
    folder = None
    if problems or (report is not None and report.failed):
        folder = save_artifacts(request.node.name, page, steps, problems)
    context.close()
    if problems:
        pytest.fail(f"the page met errors (see {folder}):\n{problems.describe()}")


@pytest.fixture
def page(tab: Tab) -> Page:
    """A page in a fresh browser context, served from ``live_server``."""
    return tab.page


@pytest.fixture
def steps(tab: Tab) -> Steps:
    """Call ``steps.take(label)`` after each step: the screenshots are kept on failure."""
    return tab.steps
