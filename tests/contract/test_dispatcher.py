"""What the dispatcher adds to every adapter: thresholds, tracing, pool life cycle."""

import logging
from typing import Any

import pytest
import structlog.testing

from interp_exec import CpuJob, ExecutorMode, JobStatus, get_cpu_port
from interp_exec.core.adapters.capability import CapabilityProbe
from interp_exec.core.domain import UnknownExecutorMode
from interp_exec.core.settings_policy import settings_policy
from interp_exec.core.wiring import AdapterSet
from interp_exec.core.workloads import get_workload

EVENT_FIELDS = {"dispatch_id", "workload", "mode_requested", "mode_used", "size"}


def test_jobs_below_min_task_size_run_inline_and_say_why(
    settings: Any, port_settings: list[tuple[str, dict[str, Any]]]
) -> None:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "MIN_TASK_SIZE": 1000}
    outcome = get_cpu_port("interpreters").run(CpuJob("tests.echo", {"x": 1}, size=999))
    assert outcome.mode_requested == "interpreters"
    assert outcome.mode_used == "inline"
    assert "size 999 is below min_task_size 1000" in outcome.fallback_reason
    assert [e for e, _ in port_settings] == ["cpu.fallback", "cpu.complete"]
    assert port_settings[0][1]["fallback_reason"] == outcome.fallback_reason


def test_mode_comes_from_settings_when_not_fixed(settings: Any) -> None:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "DEFAULT_MODE": "processes"}
    outcome = get_cpu_port().run(CpuJob("tests.echo", {}, size=1))
    assert (outcome.mode_requested, outcome.mode_used) == ("processes", "processes")


def test_default_is_inline() -> None:
    outcome = get_cpu_port().run(CpuJob("tests.echo", {}, size=10**6))
    assert outcome.mode_used == "inline"


def test_unknown_mode_is_an_error_for_the_caller() -> None:
    with pytest.raises(UnknownExecutorMode, match="'threads'"):
        get_cpu_port("threads")


def test_every_dispatch_is_traced_with_the_same_ids(
    port_settings: list[tuple[str, dict[str, Any]]],
) -> None:
    outcome = get_cpu_port("interpreters").run(CpuJob("tests.echo", {"a": 1}, size=3))
    (dispatch, dispatch_fields), (complete, complete_fields) = port_settings
    assert (dispatch, complete) == ("cpu.dispatch", "cpu.complete")
    assert dispatch_fields.keys() >= EVENT_FIELDS
    assert EVENT_FIELDS | {"wait_ms", "run_ms", "status", "pid"} <= complete_fields.keys()
    assert dispatch_fields["dispatch_id"] == complete_fields["dispatch_id"] == outcome.dispatch_id
    assert complete_fields["run_ms"] == outcome.run_ms
    assert "value" not in complete_fields  # results are stored with the job, not logged


def test_a_failed_job_is_traced_as_failed(port_settings: list[tuple[str, dict[str, Any]]]) -> None:
    get_cpu_port("processes").run(CpuJob("tests.explode", {"seed": 1}, size=1))
    assert [e for e, _ in port_settings] == ["cpu.dispatch", "cpu.failed"]
    assert port_settings[1][1]["error_type"] == "PayloadRejectedError"


def test_a_broken_sink_does_not_fail_the_job(settings: Any) -> None:
    settings.INTERP_EXEC = {
        **settings.INTERP_EXEC,
        "EVENT_SINKS": ["tests.workload_fixtures.explode"],
    }
    outcome = get_cpu_port("inline").run(CpuJob("tests.echo", {"still": "ok"}, size=1))
    assert outcome.value == {"still": "ok"}


@pytest.mark.parametrize("round_", range(5))
def test_a_crashed_worker_process_fails_its_job_and_the_pool_is_replaced(round_: int) -> None:
    port = get_cpu_port("processes")
    crashed = port.run(CpuJob("tests.crash", {}, size=1))
    assert crashed.status is JobStatus.FAILED
    assert crashed.error_type == "BrokenProcessPool"
    assert "worker died abruptly" in crashed.error_message
    after = port.map([CpuJob("tests.echo", {"i": i}, size=1) for i in range(3)])
    assert [o.value for o in after] == [{"i": 0}, {"i": 1}, {"i": 2}]


def test_a_new_pool_size_replaces_the_pool() -> None:
    adapters = AdapterSet(CapabilityProbe())
    two = adapters.adapter(ExecutorMode.INTERPRETERS, 2)
    assert adapters.adapter(ExecutorMode.INTERPRETERS, 2) is two
    three = adapters.adapter(ExecutorMode.INTERPRETERS, 3)
    assert three is not two
    assert three.max_workers == 3
    adapters.shutdown()


def test_settings_policy_reads_every_limit(settings: Any) -> None:
    settings.INTERP_EXEC = {
        "DEFAULT_MODE": "interpreters",
        "MIN_TASK_SIZE": 7,
        "MAX_PAYLOAD_BYTES": 8,
        "MAX_WORKERS": 3,
        "TIMEOUT_S": 9,
        "PROCESSES_ENABLED": False,
    }
    policy = settings_policy(CpuJob("tests.echo", {}), None)
    assert (policy.mode, policy.min_task_size, policy.max_payload_bytes) == (
        ExecutorMode.INTERPRETERS,
        7,
        8,
    )
    assert (policy.max_workers, policy.timeout_s, policy.processes_enabled) == (3, 9.0, False)


def test_a_workload_declared_threshold_applies_when_the_site_sets_none(settings: Any) -> None:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "MIN_TASK_SIZE": None}
    declared = get_workload("transcript.readability").min_task_size
    assert declared
    policy = settings_policy(CpuJob("transcript.readability", {}, size=1), None)
    assert policy.min_task_size == declared
    assert settings_policy(CpuJob("tests.echo", {}, size=1), None).min_task_size == 0


def test_the_site_threshold_beats_the_declared_one(settings: Any) -> None:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "MIN_TASK_SIZE": 7}
    policy = settings_policy(CpuJob("transcript.readability", {}, size=1), None)
    assert policy.min_task_size == 7


def test_a_job_logs_one_line_at_info_small_ones_none_and_every_sink_sees_all(
    settings: Any, port_settings: list[tuple[str, dict[str, Any]]], caplog: pytest.LogCaptureFixture
) -> None:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "MIN_TASK_SIZE": 1000}
    port = get_cpu_port("interpreters")

    def events() -> list[tuple[str, str]]:
        with structlog.testing.capture_logs() as logs:
            port.run(CpuJob("tests.echo", {}, size=1))
            port.run(CpuJob("tests.echo", {}, size=1000))
        return [(e["event"], e["log_level"]) for e in logs]

    caplog.set_level(logging.DEBUG, logger="interp_exec")
    assert events() == [
        ("cpu.fallback", "debug"),
        ("cpu.complete", "debug"),
        ("cpu.dispatch", "debug"),  # the job's start; its end carries the same fields
        ("cpu.complete", "info"),
    ]
    assert len(port_settings) == 4
    # At info, the debug events are not even built; the sinks still see every one.
    caplog.set_level(logging.INFO, logger="interp_exec")
    assert events() == [("cpu.complete", "info")]
    assert len(port_settings) == 8
