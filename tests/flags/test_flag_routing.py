"""Flags decide where jobs run: per workload, by rule, behind a kill switch."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.test import override_settings
from waffle.models import Switch
from waffle.testutils import override_flag, override_switch

from interp_exec import CpuJob, get_cpu_port
from interp_exec.models import DispatchLog, ExecutorFlag
from interp_exec.routing.flag_policy import (
    DEFAULT_FLAG,
    KILL_SWITCH,
    ensure_workload_flags,
    flag_name,
    is_active_for_job,
    policy_from_flags,
    rollout_bucket,
)
from tests.flag_helpers import set_flag

ECHO = flag_name("tests.echo")
BIG = 10**6  # above any min_task_size used here; the echo payload stays tiny


def run_echo(user_id: int | None = None, key: str | None = None) -> str:
    job = CpuJob("tests.echo", {"n": 1}, size=BIG, user_id=user_id, rollout_key=key)
    return get_cpu_port().run(job).mode_used


def test_flags_made_at_migrate_are_inactive_even_for_superusers(admin_user: User) -> None:
    readability = ExecutorFlag.objects.get(name=flag_name("transcript.readability"))
    assert ExecutorFlag.objects.filter(name=DEFAULT_FLAG).exists()
    assert Switch.objects.filter(name=KILL_SWITCH, active=False).exists()
    assert (readability.everyone, readability.superusers, readability.percent) == (
        None,
        False,
        None,
    )

    job = CpuJob("transcript.readability", {"text": "One. Two."}, size=BIG, user_id=admin_user.pk)
    outcome = get_cpu_port().run(job)

    assert outcome.mode_used == "inline"
    assert "is not active" in DispatchLog.objects.get().policy_source


def test_override_flag_turns_a_workload_on_and_off() -> None:
    set_flag(ECHO, mode="interpreters", everyone=False)

    with override_flag(ECHO, active=True):
        assert run_echo() == "interpreters"
    assert run_echo() == "inline"


@pytest.mark.parametrize("mode", ["inline", "interpreters", "processes"])
def test_the_flags_mode_is_where_active_jobs_run(mode: str) -> None:
    set_flag(ECHO, mode=mode, everyone=True)

    assert run_echo() == mode


def test_kill_switch_wins_over_flags_and_over_a_fixed_mode() -> None:
    set_flag(ECHO, mode="interpreters", everyone=True)

    with override_switch(KILL_SWITCH, active=True):
        flagged = run_echo()
        fixed = get_cpu_port("interpreters").run(CpuJob("tests.echo", {}, size=BIG))

    assert (flagged, fixed.mode_requested, fixed.mode_used) == ("inline", "inline", "inline")
    assert set(DispatchLog.objects.values_list("policy_source", flat=True)) == {
        f"switch {KILL_SWITCH} is on"
    }
    assert run_echo() == "interpreters"


def test_a_fixed_mode_still_takes_its_limits_from_the_flag() -> None:
    set_flag(ECHO, everyone=False, min_task_size=BIG + 1)

    outcome = get_cpu_port("interpreters").run(CpuJob("tests.echo", {}, size=BIG))

    assert outcome.mode_used == "inline"
    assert f"below min_task_size {BIG + 1}" in outcome.fallback_reason


def test_the_default_flag_serves_workloads_without_their_own() -> None:
    ExecutorFlag.objects.filter(name=ECHO).delete()
    set_flag(DEFAULT_FLAG, mode="processes", everyone=True)

    assert run_echo() == "processes"


def test_percent_rollout_is_fixed_per_job_and_near_the_percent() -> None:
    flag = set_flag(ECHO, mode="interpreters", percent=Decimal("30.0"))
    jobs = [CpuJob("tests.echo", {}, rollout_key=f"job-{i}") for i in range(4000)]

    first = [is_active_for_job(flag, job) for job in jobs]
    again = [is_active_for_job(flag, job) for job in jobs]

    assert first == again
    assert 0.27 < sum(first) / len(first) < 0.33
    # Without a key, the job's content decides: equal jobs, equal answers.
    assert rollout_bucket(ECHO, CpuJob("tests.echo", {"a": 1}, size=5)) == rollout_bucket(
        ECHO, CpuJob("tests.echo", {"a": 1}, size=5)
    )


def test_percent_rollout_routes_the_same_job_the_same_way_every_time() -> None:
    set_flag(ECHO, mode="interpreters", percent=Decimal("50.0"))
    keys = [f"episode-{i}" for i in range(8)]

    first = [run_echo(key=key) for key in keys]
    again = [run_echo(key=key) for key in keys]

    assert first == again
    assert set(first) == {"inline", "interpreters"}


def test_user_and_group_rules_apply_to_jobs_queued_by_a_person() -> None:
    users = get_user_model().objects
    alice = users.create_user("alice")
    bob = users.create_user("bob")
    carol = users.create_user("carol")
    editors = Group.objects.create(name="editors")
    carol.groups.add(editors)
    flag = set_flag(ECHO, mode="interpreters")
    flag.users.add(alice)
    flag.groups.add(editors)
    flag.flush()

    assert run_echo(user_id=alice.pk) == "interpreters"
    assert run_echo(user_id=carol.pk) == "interpreters"
    assert run_echo(user_id=bob.pk) == "inline"
    assert run_echo(user_id=None) == "inline"


def test_staff_rule_applies_to_jobs_by_staff_only() -> None:
    users = get_user_model().objects
    staff = users.create_user("sam", is_staff=True)
    plain = users.create_user("pat")
    set_flag(ECHO, mode="interpreters", staff=True)

    assert run_echo(user_id=staff.pk) == "interpreters"
    assert run_echo(user_id=plain.pk) == "inline"


@override_settings(
    INTERP_EXEC={
        "POLICY_SOURCE": "interp_exec.routing.flag_policy.policy_from_flags",
        "MIN_TASK_SIZE": 11,
        "MAX_PAYLOAD_BYTES": 12_000,
        "TIMEOUT_S": 13.0,
        "MAX_WORKERS": 3,
    }
)
def test_blank_limits_inherit_the_default_flag_then_the_settings() -> None:
    set_flag(ECHO, min_task_size=None, max_payload_bytes=None, timeout_s=None)
    set_flag(DEFAULT_FLAG, min_task_size=None, max_payload_bytes=None, timeout_s=None)
    job = CpuJob("tests.echo", {})

    from_settings = policy_from_flags(job, None)
    set_flag(DEFAULT_FLAG, min_task_size=21, max_payload_bytes=22_000, timeout_s=23.0)
    from_default = policy_from_flags(job, None)
    set_flag(ECHO, min_task_size=31, max_payload_bytes=32_000, timeout_s=33.0)
    from_flag = policy_from_flags(job, None)

    def limits(policy: object) -> tuple[object, ...]:
        return tuple(
            getattr(policy, f) for f in ("min_task_size", "max_payload_bytes", "timeout_s")
        )

    assert limits(from_settings) == (11, 12_000, 13.0)
    assert limits(from_default) == (21, 22_000, 23.0)
    assert limits(from_flag) == (31, 32_000, 33.0)
    assert from_settings.max_workers == 3


def test_pool_size_comes_from_the_default_flag_alone() -> None:
    set_flag(ECHO, max_workers=7)
    set_flag(DEFAULT_FLAG, max_workers=2)

    assert policy_from_flags(CpuJob("tests.echo", {}), None).max_workers == 2


def test_ensure_workload_flags_adds_missing_flags_and_keeps_edited_ones() -> None:
    ensure_workload_flags()  # workloads registered by other tests since the migration
    readability = flag_name("transcript.readability")
    set_flag(readability, everyone=True, mode="processes")
    ExecutorFlag.objects.filter(name=flag_name("audio.loudness")).delete()
    Switch.objects.filter(name=KILL_SWITCH).delete()

    created = ensure_workload_flags()

    assert created == [flag_name("audio.loudness")]
    edited = ExecutorFlag.objects.get(name=readability)
    assert (edited.everyone, edited.mode) == (True, "processes")
    assert Switch.objects.get(name=KILL_SWITCH).active is False
    assert ensure_workload_flags() == []
