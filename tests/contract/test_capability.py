"""The capability probe and the fallbacks it drives."""

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interp_exec import CpuJob, ExecutorMode, JobStatus, get_cpu_port
from interp_exec.core.adapters.capability import CapabilityProbe, probe_imports
from interp_exec.core.workloads import get_workload

REFUSAL = "does not support loading in subinterpreters"


def test_probe_accepts_pure_python_modules() -> None:
    verdict = probe_imports(["json", "episodic_site.workloads.transcript"])
    assert verdict.interpreter_safe
    assert verdict.reason == ""


def test_probe_refuses_numpy_and_names_module_and_error() -> None:
    verdict = probe_imports(["episodic_site.workloads.spectrum"])
    assert not verdict.interpreter_safe
    assert "import episodic_site.workloads.spectrum fails in a subinterpreter" in verdict.reason
    assert f"ImportError: module numpy._core._multiarray_umath {REFUSAL}" in verdict.reason


def test_probe_leaves_the_host_interpreter_untouched() -> None:
    sys.modules.pop("interp_exec_probe_marker", None)
    probe_imports(["json"])
    assert "interp_exec_probe_marker" not in sys.modules


def test_verdicts_are_cached_per_workload(monkeypatch: pytest.MonkeyPatch) -> None:
    probe = CapabilityProbe()
    calls: list[list[str]] = []

    def counting_probe(modules: list[str]) -> Any:
        calls.append(modules)
        return probe_imports(modules)

    monkeypatch.setattr("interp_exec.core.adapters.capability.probe_imports", counting_probe)
    workload = get_workload("transcript.readability")
    assert probe.verdict(workload).interpreter_safe
    assert probe.verdict(workload).interpreter_safe
    assert calls == [["episodic_site.workloads.transcript"]]
    assert probe.safe_modules() == ("episodic_site.workloads.transcript",)


def test_a_workload_declared_unsafe_is_never_probed() -> None:
    verdict = CapabilityProbe().verdict(get_workload("tests.crash"))
    assert not verdict.interpreter_safe
    assert "declared interpreter_safe=False" in verdict.reason


def test_numpy_workload_is_refused_by_the_probe_and_runs_in_processes(
    port_settings: list[tuple[str, dict[str, Any]]],
) -> None:
    job = CpuJob("audio.spectrum", get_workload("audio.spectrum").sample_payload(500, 3), size=500)
    outcome = get_cpu_port("interpreters").run(job)
    assert [event for event, _ in port_settings] == ["cpu.fallback", "cpu.complete"]
    assert outcome.status is JobStatus.OK
    assert outcome.mode_requested == "interpreters"
    assert outcome.mode_used == "processes"
    assert "import episodic_site.workloads.spectrum fails in a subinterpreter" in (
        outcome.fallback_reason
    )
    assert outcome.value == get_cpu_port("inline").run(job).value


def test_numpy_workload_runs_inline_when_processes_are_disabled(settings: Any) -> None:
    settings.INTERP_EXEC = {**settings.INTERP_EXEC, "PROCESSES_ENABLED": False}
    job = CpuJob("audio.spectrum", get_workload("audio.spectrum").sample_payload(100, 3), size=100)
    outcome = get_cpu_port("interpreters").run(job)
    assert outcome.status is JobStatus.OK
    assert outcome.mode_used == "inline"


def test_an_unsafe_import_at_run_time_is_caught_rerun_and_remembered(
    port_settings: list[tuple[str, dict[str, Any]]],
) -> None:
    port = get_cpu_port("interpreters")
    first = port.run(CpuJob("tests.lazy_numpy", {"size": 10}, size=10))
    assert first.status is JobStatus.OK
    assert first.value == 45
    assert first.mode_used == "processes"
    assert "at run time" in first.fallback_reason
    assert REFUSAL in first.fallback_reason
    assert first.fallback_reason.endswith("re-ran in processes")
    fallbacks = [f for e, f in port_settings if e == "cpu.fallback"]
    assert len(fallbacks) == 1
    assert fallbacks[0]["dispatch_id"] == first.dispatch_id

    # The verdict is remembered: the next job goes straight to processes.
    second = port.run(CpuJob("tests.lazy_numpy", {"size": 4}, size=4))
    assert second.value == 6
    assert second.mode_used == "processes"
    assert "at run time" in second.fallback_reason
    assert not second.fallback_reason.endswith("re-ran in processes")


@pytest.fixture
def runtime_only_module(tmp_path: Path) -> Iterator[str]:
    """A workload module importable only through a runtime ``sys.path`` addition."""
    (tmp_path / "runtime_path_workload.py").write_text(
        textwrap.dedent(
            """
            from interp_exec import cpu_workload

            @cpu_workload("tests.runtime_path", sample=lambda size, seed: {"n": size})
            def triangle(payload):
                return sum(range(payload["n"] + 1))
            """
        )
    )
    sys.path.insert(0, str(tmp_path))
    try:
        __import__("runtime_path_workload")
        yield "tests.runtime_path"
    finally:
        sys.path.remove(str(tmp_path))


def test_workers_see_runtime_additions_to_sys_path(runtime_only_module: str) -> None:
    # A fresh pool: the one already running was started before the path changed.
    from interp_exec.core.adapters.interpreters import InterpreterPoolAdapter

    with InterpreterPoolAdapter(max_workers=1) as adapter:
        outcome = adapter.run(CpuJob(runtime_only_module, {"n": 100}, size=100))
    assert outcome.status is JobStatus.OK, outcome.error_message
    assert outcome.value == 5050
    assert outcome.interpreter_id not in (None, 0)


def test_processes_are_refused_nothing_by_the_probe() -> None:
    outcome = get_cpu_port(ExecutorMode.PROCESSES).run(CpuJob("tests.lazy_numpy", {"size": 3}))
    assert (outcome.mode_used, outcome.fallback_reason) == ("processes", "")
