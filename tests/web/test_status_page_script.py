"""The status page's inline script updates the page from status.json until the job ends.

Run under Node.js against a minimal DOM (``status_page_harness.js``), fed the
page the server rendered and the JSON the server answered.
"""

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from interp_exec.routing.flag_policy import flag_name
from interp_exec.task_queue.drain import run_cpu_job
from interp_exec.task_queue.queueing import queue_cpu_job
from tests.flag_helpers import set_flag

HARNESS = Path(__file__).with_name("status_page_harness.js")
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(NODE is None, reason="needs Node.js to run the page's script")


class StatusPage(HTMLParser):
    """Collects the inline script, the #job root and every element the script touches."""

    def __init__(self) -> None:
        super().__init__()
        self.script = ""
        self.root: dict[str, str] = {}
        self.elements: list[dict[str, Any]] = []
        self._open: list[dict[str, Any] | None] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {k: v or "" for k, v in attrs}
        self._in_script = tag == "script"
        if named.get("id") == "job":
            self.root = {"statusUrl": named["data-status-url"], "finished": named["data-finished"]}
        touched = {"data-field", "data-row", "data-status", "data-html", "data-raw-json"} & (
            named.keys()
        )
        element = (
            {"attrs": named, "text": "", "hidden": "hidden" in named, "open": "open" in named}
            if touched
            else None
        )
        if element:
            self.elements.append(element)
        if tag not in {"link", "meta", "input", "br", "img"}:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script += data
        elif self._open and self._open[-1] is not None:
            self._open[-1]["text"] += data


def run_script(page: str, responses: list[dict[str, Any]]) -> dict[str, Any]:
    parsed = StatusPage()
    parsed.feed(page)
    stdin = {
        "script": parsed.script,
        "root": parsed.root,
        "elements": parsed.elements,
        "responses": responses,
    }
    assert NODE is not None
    done = subprocess.run(
        [NODE, str(HARNESS)],
        input=json.dumps(stdin),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def by_field(result: dict[str, Any], attribute: str) -> dict[str, dict[str, Any]]:
    return {e["attrs"][attribute]: e for e in result["elements"] if attribute in e["attrs"]}


def test_the_page_of_a_waiting_job_shows_its_outcome_once_it_ends(client: Client) -> None:
    user = get_user_model().objects.create_user("host")
    client.force_login(user)
    set_flag(flag_name("tests.echo"), mode="interpreters", everyone=True, min_task_size=10)
    record = queue_cpu_job("tests.echo", 4, user=user)
    url = f"/cpu/jobs/{record.pk}/"
    page = client.get(url).content.decode()
    waiting = client.get(f"{url}status.json").json()
    run_cpu_job(record.pk)
    finished = client.get(f"{url}status.json").json()

    result = run_script(page, [waiting, waiting, finished])

    fields = by_field(result, "data-field")
    rows = by_field(result, "data-row")
    assert result["fetches"] == 3  # polled until the job ended, then stopped
    assert fields["status"]["text"] == "ok"
    assert fields["status"]["className"] == "status-ok"
    assert fields["mode_requested"]["text"] == "interpreters"
    assert fields["mode_used"]["text"] == "inline"
    assert fields["timings"]["text"] == finished["display"]["timings"]
    assert "below min_task_size 10" in fields["fallback_reason"]["text"]
    assert not rows["fallback_reason"]["hidden"]
    assert not rows["timings"]["hidden"]
    assert not rows["value_summary"]["hidden"]
    assert rows["error"]["hidden"]
    assert rows["error_traceback"]["hidden"]


def test_the_page_of_a_finished_job_does_not_poll(client: Client) -> None:
    user = get_user_model().objects.create_user("host")
    client.force_login(user)
    record = queue_cpu_job("tests.explode", 1, user=user)
    run_cpu_job(record.pk)

    result = run_script(client.get(f"/cpu/jobs/{record.pk}/").content.decode(), [])

    assert result["fetches"] == 0
    assert by_field(result, "data-field")["status"]["className"] == "status-failed"
    assert not by_field(result, "data-row")["error_traceback"]["hidden"]


def test_the_readable_result_appears_when_the_job_ends(client: Client) -> None:
    user = get_user_model().objects.create_user("host")
    client.force_login(user)
    record = queue_cpu_job(
        "transcript.readability", 6, payload={"text": "Welcome back. Birds and bees!"}, user=user
    )
    url = f"/cpu/jobs/{record.pk}/"
    page = client.get(url).content.decode()
    waiting = client.get(f"{url}status.json").json()
    run_cpu_job(record.pk)
    finished = client.get(f"{url}status.json").json()

    result = run_script(page, [waiting, finished])

    shown = by_field(result, "data-html")["result"]
    raw = next(e for e in result["elements"] if "data-raw-json" in e["attrs"])
    assert waiting["result_html"] == ""
    assert 'data-result="transcript.readability"' in finished["result_html"]
    assert shown["innerHTML"] == finished["result_html"]
    assert raw["open"] is False  # the readable result shows; the raw JSON is a click away
    assert (
        by_field(result, "data-field")["value_json"]["text"] == (finished["display"]["value_json"])
    )
