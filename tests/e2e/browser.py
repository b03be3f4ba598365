"""Debian's Chromium driven by Playwright, and what a browser test leaves behind.

Playwright's own browser download does not work on these hosts, so the tests
launch the system's Chromium (``scripts/ensure-chromium.sh`` installs it) by
path. When it is missing or cannot start, the browser tests skip with the
reason, except under CI (``CI`` set), where they must run and so fail instead.

A failing test leaves, under ``test-artifacts/e2e/<test>/``, one screenshot per
step it reached (``Steps.take``), a screenshot and the HTML of the page as it
failed, and the server errors and script errors the page met.
"""

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pytest
from playwright.sync_api import Browser, Error, Page, Playwright, Response

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
# The host has no open network: without these, Chromium keeps trying to reach
# Google's services (updates, sync, field trials) and logs each refusal.
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests may run as root, where the sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def browser_unavailable(reason: str) -> NoReturn:
    """Skip the browser tests with ``reason``; under CI fail them, since CI must run them."""
    if in_ci():
        pytest.fail(f"{reason}; CI must run the browser tests", pytrace=False)
    pytest.skip(reason)


def launch_chromium(playwright: Playwright) -> Browser:
    if not CHROMIUM.exists():
        browser_unavailable(
            f"Chromium is not installed at {CHROMIUM} (scripts/ensure-chromium.sh installs it)"
        )
    try:
        return playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    except Error as exc:
        browser_unavailable(f"Chromium at {CHROMIUM} did not start: {exc.message.splitlines()[0]}")


@dataclass
class Steps:
    """Screenshots of each step a test reaches, kept in memory until it fails."""

    page: Page
    shots: list[tuple[str, bytes]] = field(default_factory=list)

    def take(self, label: str) -> None:
        self.shots.append((label, self.page.screenshot(full_page=True)))


@dataclass
class PageProblems:
    """What went wrong in the page without failing a Playwright call by itself."""

    server_errors: list[str] = field(default_factory=list)
    script_errors: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("response", self._on_response)
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))

    def _on_response(self, response: Response) -> None:
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def __bool__(self) -> bool:
        return bool(self.server_errors or self.script_errors)

    def describe(self) -> str:
        lines = [f"server error: {e}" for e in self.server_errors]
        lines += [f"script error: {e}" for e in self.script_errors]
        return "\n".join(lines)


def save_artifacts(test_name: str, page: Page, steps: Steps, problems: PageProblems) -> Path:
    """Write what the test saw into its own folder (emptied first); return the folder."""
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for number, (label, png) in enumerate(steps.shots, start=1):
        (folder / f"{number:02d}-{re.sub(r'[^a-z0-9]+', '-', label.lower())}.png").write_bytes(png)
    if not page.is_closed():
        page.screenshot(path=folder / "failed.png", full_page=True)
        (folder / "failed.html").write_text(page.content())
    if problems:
        (folder / "problems.txt").write_text(problems.describe() + "\n")
    return folder
