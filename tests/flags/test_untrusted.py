"""A workload whose flag says untrusted runs only in processes: its crash cannot take
the worker (or the web server) down, whatever the mode, size or kill switch."""

import os

import pytest
from waffle.testutils import override_switch

from interp_exec import CpuJob, get_cpu_port
from interp_exec.core.domain import ExecutorMode
from interp_exec.routing.flag_policy import DEFAULT_FLAG, KILL_SWITCH, flag_name, policy_from_flags
from tests.flag_helpers import set_flag


def test_an_untrusted_flag_isolates_its_workload_and_cpu_default_s_the_rest() -> None:
    set_flag(flag_name("tests.echo"), untrusted=True, everyone=True, mode="inline")
    set_flag(DEFAULT_FLAG, untrusted=False)

    assert policy_from_flags(CpuJob("tests.echo", {}), None).isolated
    assert not policy_from_flags(CpuJob("tests.explode", {}), None).isolated

    set_flag(DEFAULT_FLAG, untrusted=True)
    assert policy_from_flags(CpuJob("tests.explode", {}), None).isolated


def test_the_kill_switch_keeps_an_untrusted_workload_in_processes() -> None:
    set_flag(flag_name("tests.echo"), untrusted=True, everyone=True, mode="interpreters")

    with override_switch(KILL_SWITCH, active=True):
        policy = policy_from_flags(CpuJob("tests.echo", {}), None)

    assert (policy.mode, policy.isolated) == (ExecutorMode.INLINE, True)


@pytest.mark.parametrize("mode", ["inline", "interpreters"])
def test_a_crashing_untrusted_job_fails_in_a_process_and_the_host_carries_on(mode: str) -> None:
    set_flag(flag_name("tests.crash"), untrusted=True, everyone=True, mode=mode, min_task_size=0)
    port = get_cpu_port()

    crashed = port.run(CpuJob("tests.crash", {"size": 1, "seed": 1}, size=1))
    after = port.run(CpuJob("tests.echo", {"after": "the crash"}))

    assert (crashed.status, crashed.mode_used) == ("failed", "processes")
    assert crashed.fallback_reason.startswith("isolated:")
    assert crashed.pid != os.getpid()
    assert (after.status, after.value) == ("ok", {"after": "the crash"})
