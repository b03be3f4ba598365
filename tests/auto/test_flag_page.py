"""A workload flag's admin page shows what auto would choose per size band, and why."""

import re

from django.test import Client
from django.urls import reverse

from interp_exec.models import ExecutorFlag
from interp_exec.routing.flag_policy import DEFAULT_FLAG, flag_name
from tests.auto.logged import logged
from tests.flag_helpers import change_form_data, set_flag

ECHO = "tests.echo"


def page_of(flag: ExecutorFlag) -> str:
    return reverse("admin:interp_exec_executorflag_change", args=[flag.pk])


def test_the_page_charts_each_band_with_auto_choice_and_reason(admin_client: Client) -> None:
    set_flag(DEFAULT_FLAG, max_workers=2)
    flag = set_flag(flag_name(ECHO), mode="interpreters", everyone=True)
    logged(ECHO, "inline", 3000, 10.0)
    logged(ECHO, "interpreters", 3000, 12.0, wait_ms=0.5)
    logged(ECHO, "inline", 100, 0.05)
    logged(ECHO, "processes", 100, 0.05, wait_ms=1.0)

    html = admin_client.get(page_of(flag)).content.decode()

    chart = html[html.index('<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart"') :]
    chart = chart[: chart.index("</svg>")]
    assert len(re.findall(r'class="bar mode-inline"', chart)) == 2
    assert len(re.findall(r'class="bar mode-interpreters"', chart)) == 1
    assert len(re.findall(r'class="bar mode-processes"', chart)) == 1
    assert "size 2,048-4,095: auto picks interpreters" in chart
    assert "size 64-127: auto picks inline" in chart
    assert "auto: interpreters, 1.6x inline at size 2,048-4,095 over the last 30 jobs" in html


def test_without_figures_the_page_says_so(admin_client: Client) -> None:
    flag = set_flag(flag_name(ECHO), mode="auto", everyone=True)

    html = admin_client.get(page_of(flag)).content.decode()

    assert "No figures yet" in html
    assert 'class="bar-chart"' not in html


def test_auto_can_be_chosen_in_the_form(admin_client: Client) -> None:
    flag = set_flag(flag_name(ECHO), mode="interpreters", everyone=True)

    response = admin_client.post(
        page_of(flag), change_form_data(admin_client, page_of(flag), mode="auto")
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    flag.refresh_from_db()
    assert flag.mode == "auto"
