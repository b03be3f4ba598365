"""The flag admin: a saved change routes the next job; bad values and people are refused."""

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from waffle.admin import FlagAdmin, SwitchAdmin
from waffle.models import Switch
from waffle.testutils import override_switch

from interp_exec import CpuJob, get_cpu_port
from interp_exec.admin.flags import ExecutorFlagAdmin
from interp_exec.models import ExecutorFlag
from interp_exec.routing.flag_policy import DEFAULT_FLAG, KILL_SWITCH, flag_name
from tests.flag_helpers import change_form_data, set_flag

ECHO = flag_name("tests.echo")
CHANGELIST = "/admin/interp_exec/executorflag/"


def change_url(flag: ExecutorFlag) -> str:
    return f"{CHANGELIST}{flag.pk}/change/"


def echo_mode() -> str:
    return get_cpu_port().run(CpuJob("tests.echo", {}, size=10**6)).mode_used


def save_in_admin(client: Client, flag: ExecutorFlag, capture: Any, **changes: Any) -> int:
    """Post the change form and return the status code (302: saved).

    Waffle clears its cache on commit, so the commit callbacks are run.
    """
    data = change_form_data(client, change_url(flag), **changes)
    with capture(execute=True):
        return client.post(change_url(flag), data).status_code


def test_our_admin_replaces_waffles_for_the_swapped_flag_model() -> None:
    assert isinstance(admin.site._registry[ExecutorFlag], ExecutorFlagAdmin)
    assert isinstance(admin.site._registry[ExecutorFlag], FlagAdmin)
    # Waffle's own, with the site's lookup check mixed in (episodic_site.admin_site).
    assert type(admin.site._registry[Switch]).__bases__[1] is SwitchAdmin


def test_a_flag_saved_in_the_admin_routes_the_next_job(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    flag = set_flag(ECHO, mode="interpreters", everyone=False)
    assert echo_mode() == "inline"  # and the flag is now in the cache

    saved = save_in_admin(admin_client, flag, django_capture_on_commit_callbacks, everyone="true")
    assert saved == 302
    assert echo_mode() == "interpreters"

    save_in_admin(admin_client, flag, django_capture_on_commit_callbacks, mode="processes")
    assert echo_mode() == "processes"


def test_the_kill_switch_saved_in_the_admin_forces_inline(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    set_flag(ECHO, mode="interpreters", everyone=True)
    switch = Switch.objects.get(name=KILL_SWITCH)
    url = f"/admin/waffle/switch/{switch.pk}/change/"
    assert echo_mode() == "interpreters"

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, change_form_data(admin_client, url, active="on"))

    assert response.status_code == 302
    assert echo_mode() == "inline"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("min_task_size", "-1", "greater than or equal to 0"),
        ("max_payload_bytes", "-5", "greater than or equal to"),
        ("max_payload_bytes", "0", "greater than or equal to 1"),
        ("timeout_s", "0", "greater than or equal to 0.01"),
        ("timeout_s", "-3", "greater than or equal to 0.01"),
        ("timeout_s", "600", "task queue's timeout of 600 s"),
        ("timeout_s", "inf", "Enter a number"),
        ("percent", "-1", "from 0 to 99.9"),
        ("mode", "threads", "Select a valid choice"),
        ("max_workers", "4", f"set its size on {DEFAULT_FLAG}"),
        ("name", "cpu.no.such.workload", "names no registered workload"),
        # Waffle's user box looked "abc" up as an id while redrawing the form: a 500.
        ("users", "abc", "is not a valid value"),
        ("users", "1,abc", "is not a valid value"),
        ("users", "99999999999999999999", "Select a valid choice"),
        ("groups", "99999999999999999999", "Select a valid choice"),
    ],
)
def test_the_flag_form_refuses_impossible_settings_and_changes_nothing(
    admin_client: Client, field: str, value: str, message: str
) -> None:
    flag = set_flag(ECHO, mode="interpreters", everyone=False, timeout_s=30.0)
    before = ExecutorFlag.objects.filter(pk=flag.pk).values().get()

    data = change_form_data(admin_client, change_url(flag), **{field: value})
    response = admin_client.post(change_url(flag), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert ExecutorFlag.objects.filter(pk=flag.pk).values().get() == before


def test_processes_mode_is_refused_when_the_site_disables_processes(
    admin_client: Client, settings: Any
) -> None:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "PROCESSES_ENABLED": False}
    flag = set_flag(ECHO, mode="interpreters")

    data = change_form_data(admin_client, change_url(flag), mode="processes")
    response = admin_client.post(change_url(flag), data)

    assert "Processes are disabled" in " ".join(response.context["adminform"].form.errors["mode"])


def test_the_default_flag_may_size_the_pool(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    flag = ExecutorFlag.objects.get(name=DEFAULT_FLAG)
    empty_pool = admin_client.post(
        change_url(flag), change_form_data(admin_client, change_url(flag), max_workers="0")
    )
    assert "greater than or equal to 1" in str(empty_pool.context["adminform"].form.errors)

    saved = save_in_admin(admin_client, flag, django_capture_on_commit_callbacks, max_workers="3")

    assert saved == 302
    assert ExecutorFlag.objects.get(pk=flag.pk).max_workers == 3


def test_a_person_who_is_not_staff_cannot_change_a_flag(client: Client) -> None:
    flag = set_flag(ECHO, mode="interpreters", everyone=False)
    user = get_user_model().objects.create_user("visitor", password="pw-visitor-1")
    client.force_login(user)

    response = client.post(change_url(flag), {"name": ECHO, "everyone": "true", "mode": "inline"})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    flag.refresh_from_db()
    assert (flag.everyone, flag.mode) == (False, "interpreters")


def test_staff_without_the_change_permission_get_403_and_nothing_changes(client: Client) -> None:
    flag = set_flag(ECHO, mode="interpreters", everyone=False)
    user = get_user_model().objects.create_user("viewer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_executorflag"))
    client.force_login(user)

    assert client.get(change_url(flag)).status_code == 200  # may look
    response = client.post(change_url(flag), {"name": ECHO, "everyone": "true", "mode": "inline"})

    assert response.status_code == 403
    flag.refresh_from_db()
    assert (flag.everyone, flag.mode) == (False, "interpreters")


def test_the_flag_list_shows_each_flags_mode_and_whom_it_is_active_for(
    admin_client: Client,
) -> None:
    set_flag(ECHO, mode="processes", everyone=None, percent="25.0", staff=True)
    set_flag(DEFAULT_FLAG, mode="interpreters", everyone=True)

    response = admin_client.get(CHANGELIST)
    rows = {
        row.name: (row.mode, response.context["cl"].model_admin.applies_to(row))
        for row in response.context["cl"].result_list
    }

    assert response.status_code == 200
    assert rows[ECHO] == ("processes", "25.0% of jobs; jobs by staff")
    assert rows[DEFAULT_FLAG] == ("interpreters", "every job")
    assert rows[flag_name("transcript.readability")][1] == "no job (no rule set)"


def test_the_flag_list_filters_by_mode(admin_client: Client) -> None:
    set_flag(ECHO, mode="processes")

    response = admin_client.get(CHANGELIST, {"mode": "processes"})

    assert [f.name for f in response.context["cl"].result_list] == [ECHO]


def test_the_flag_list_warns_while_the_kill_switch_is_on(admin_client: Client) -> None:
    with override_switch(KILL_SWITCH, active=True):
        response = admin_client.get(CHANGELIST)

    assert f"The switch {KILL_SWITCH} is on" in response.content.decode()


def test_the_change_form_groups_and_explains_the_executor_fields(admin_client: Client) -> None:
    flag = set_flag(ECHO)

    response = admin_client.get(change_url(flag))
    fieldsets = {fs.name: [f for line in fs for f in line] for fs in response.context["adminform"]}
    body = response.content.decode()

    executor = [f.field.name for f in fieldsets["Executor"]]
    assert executor == [
        "mode",
        "untrusted",
        "min_task_size",
        "max_payload_bytes",
        "max_workers",
        "timeout_s",
    ]
    assert "round trip would cost more than it saves" in body
    assert "the same job always gets the same answer" in body
