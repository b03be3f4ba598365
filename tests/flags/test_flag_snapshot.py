"""Each process routes by its snapshot of the flags, and sees another process's change
once the shared version token says so (``interp_exec.routing.flag_snapshot``)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache

from interp_exec.core.domain import CpuJob, ExecutorMode
from interp_exec.models import ExecutorFlag
from interp_exec.routing.flag_policy import flag_name, policy_from_flags
from interp_exec.routing.flag_snapshot import VERSION_KEY, current_flags
from tests.flag_helpers import set_flag

ECHO = flag_name("tests.echo")


def mode_now() -> ExecutorMode:
    return policy_from_flags(CpuJob("tests.echo", {}), None).mode


def changed_by_another_process(**fields: Any) -> None:
    """What another process's save looks like from here: the rows change, no signal."""
    ExecutorFlag.objects.filter(name=ECHO).update(**fields)


@pytest.fixture
def refresh_every(settings: Any) -> Callable[[float], None]:
    def configure(seconds: float) -> None:
        settings.INTERP_EXEC = {**settings.INTERP_EXEC, "FLAG_REFRESH_S": seconds}

    return configure


def test_a_save_in_this_process_applies_to_the_next_job_at_once(
    refresh_every: Callable[[float], None],
) -> None:
    refresh_every(3600)
    set_flag(ECHO, everyone=True, mode="interpreters")
    assert mode_now() is ExecutorMode.INTERPRETERS

    set_flag(ECHO, mode="processes")

    assert mode_now() is ExecutorMode.PROCESSES


def test_another_process_s_change_waits_for_the_version_token(
    refresh_every: Callable[[float], None],
) -> None:
    refresh_every(0)
    set_flag(ECHO, everyone=True, mode="interpreters")
    assert mode_now() is ExecutorMode.INTERPRETERS
    changed_by_another_process(mode="processes")

    assert mode_now() is ExecutorMode.INTERPRETERS  # the token has not changed

    cache.set(VERSION_KEY, "after-the-other-process-committed")
    assert mode_now() is ExecutorMode.PROCESSES


def test_the_token_is_read_at_most_once_per_refresh_period(
    refresh_every: Callable[[float], None],
) -> None:
    refresh_every(3600)
    set_flag(ECHO, everyone=True, mode="interpreters")
    snapshot = current_flags()
    changed_by_another_process(mode="processes")
    cache.set(VERSION_KEY, "a-change-within-the-period")

    assert current_flags() is snapshot
    assert mode_now() is ExecutorMode.INTERPRETERS


def test_a_lost_token_counts_as_a_change(refresh_every: Callable[[float], None]) -> None:
    refresh_every(0)
    set_flag(ECHO, everyone=True, mode="interpreters")
    assert mode_now() is ExecutorMode.INTERPRETERS
    changed_by_another_process(mode="processes")

    cache.clear()

    assert mode_now() is ExecutorMode.PROCESSES


def test_a_committed_save_gives_every_process_a_new_token(
    django_capture_on_commit_callbacks: Any,
) -> None:
    before = current_flags().version

    with django_capture_on_commit_callbacks(execute=True):
        set_flag(ECHO, everyone=True)

    assert cache.get(VERSION_KEY) not in (None, before)


def test_a_change_to_a_flag_s_users_reaches_every_process(
    django_capture_on_commit_callbacks: Any, django_user_model: Any
) -> None:
    flag = set_flag(ECHO, everyone=None, percent=None, mode="interpreters")
    user = django_user_model.objects.create_user("producer")
    versions = [cache.get(VERSION_KEY)]

    with django_capture_on_commit_callbacks(execute=True):
        flag.users.add(user)
    versions.append(cache.get(VERSION_KEY))

    assert versions[0] != versions[1]
    job = CpuJob("tests.echo", {}, user_id=user.pk)
    assert policy_from_flags(job, None).mode is ExecutorMode.INTERPRETERS
