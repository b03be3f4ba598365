"""The port contract: every mode gives the same answers and the same kind of errors.

Each test runs against ``get_cpu_port(mode)`` for all three modes (the dispatcher
with the mode fixed, so thresholds, probe and tracing apply) and, where it says
so, against the bare adapters too.
"""

import threading
import time
from typing import Any

import pytest

from interp_exec import CpuJob, ExecutorMode, JobOutcome, JobStatus, get_cpu_port
from interp_exec.core.adapters.base import ExecutionAdapter
from interp_exec.core.workloads import get_workload

MODES = list(ExecutorMode)
SHIPPED = ["transcript.readability", "audio.loudness", "text.dedupe", "audio.spectrum"]
SIZES = [0, 1, 40, 400]
ROUNDS = 20


def sample_job(workload: str, size: int, seed: int = 1) -> CpuJob:
    return CpuJob(workload, get_workload(workload).sample_payload(size, seed), size=size)


@pytest.fixture(params=MODES, ids=str)
def mode(request: pytest.FixtureRequest) -> ExecutorMode:
    mode: ExecutorMode = request.param
    return mode


@pytest.mark.parametrize("workload", SHIPPED)
def test_every_mode_returns_identical_results(workload: str) -> None:
    jobs = [sample_job(workload, size, seed) for size in SIZES for seed in (1, 2)]
    by_mode = {mode: get_cpu_port(mode).map(jobs) for mode in MODES}
    baseline = [o.value for o in by_mode[ExecutorMode.INLINE]]
    assert all(o.status is JobStatus.OK for outcomes in by_mode.values() for o in outcomes)
    for mode, outcomes in by_mode.items():
        assert [o.value for o in outcomes] == baseline, f"{mode} disagrees with inline"
        expected = mode
        if workload == "audio.spectrum" and mode is ExecutorMode.INTERPRETERS:
            expected = ExecutorMode.PROCESSES  # numpy cannot load in a subinterpreter
        assert {o.mode_used for o in outcomes} == {expected.value}


def test_bare_adapters_agree_with_each_other(bare_adapter: ExecutionAdapter) -> None:
    jobs = [sample_job(w, 200) for w in SHIPPED if w != "audio.spectrum"]
    outcomes = bare_adapter.map(jobs)
    expected = [get_workload(j.workload).func(j.payload) for j in jobs]
    assert [o.value for o in outcomes] == expected
    assert {o.mode_used for o in outcomes} == {bare_adapter.mode.value}


def test_outcomes_say_where_the_job_ran(mode: ExecutorMode) -> None:
    outcome = get_cpu_port(mode).run(sample_job("transcript.readability", 50))
    assert outcome.mode_requested == outcome.mode_used == mode.value
    assert outcome.fallback_reason == ""
    assert outcome.pid is not None
    assert outcome.run_ms > 0
    assert outcome.total_ms >= outcome.run_ms
    assert len(outcome.dispatch_id) == 32
    if mode is ExecutorMode.INTERPRETERS:
        assert outcome.interpreter_id not in (None, 0)
    else:
        assert outcome.interpreter_id == 0


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_map_keeps_input_order_when_jobs_finish_out_of_order(
    mode: ExecutorMode, round_: int
) -> None:
    # The first jobs spin longest, so with two workers they finish last.
    spins = [0.02, 0.015, 0.01, 0.005, 0.0, 0.0]
    jobs = [CpuJob("tests.echo", {"i": i, "spin_s": s}, size=1) for i, s in enumerate(spins)]
    outcomes = get_cpu_port(mode).map(jobs)
    assert [o.value["i"] for o in outcomes] == list(range(len(spins)))
    assert len({o.dispatch_id for o in outcomes}) == len(spins)


@pytest.mark.parametrize("round_", range(ROUNDS))
@pytest.mark.parametrize("mode", [ExecutorMode.INTERPRETERS, ExecutorMode.PROCESSES], ids=str)
def test_concurrent_callers_share_the_pool_safely(mode: ExecutorMode, round_: int) -> None:
    port = get_cpu_port(mode)
    results: dict[int, list[JobOutcome]] = {}

    def call(caller: int) -> None:
        jobs = [CpuJob("tests.echo", {"caller": caller, "i": i}, size=1) for i in range(4)]
        results[caller] = port.map(jobs)

    threads = [threading.Thread(target=call, args=(c,)) for c in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [0, 1, 2, 3]
    for caller, outcomes in results.items():
        assert [o.value for o in outcomes] == [{"caller": caller, "i": i} for i in range(4)]
        assert {o.mode_used for o in outcomes} == {mode.value}


def test_exception_in_a_job_keeps_type_message_and_remote_traceback(mode: ExecutorMode) -> None:
    port = get_cpu_port(mode)
    outcome = port.run(CpuJob("tests.explode", {"seed": 7}, size=1))
    assert outcome.status is JobStatus.FAILED
    assert outcome.error_type == "PayloadRejectedError"
    assert outcome.error_message == "payload 7 rejected"
    assert "workload_fixtures.py" in outcome.error_traceback
    assert "raise PayloadRejectedError" in outcome.error_traceback
    # The pool survived: the next job on the same port runs.
    assert port.run(CpuJob("tests.echo", {"after": "failure"}, size=1)).value == {
        "after": "failure"
    }


def test_an_exception_that_cannot_be_pickled_still_reads_clearly(mode: ExecutorMode) -> None:
    outcome = get_cpu_port(mode).run(CpuJob("tests.unpicklable_error", {}, size=1))
    assert outcome.status is JobStatus.FAILED
    # Processes report the pickling error, subinterpreters a snapshot of the original:
    # either way the original type is named where a reader looks.
    readable = f"{outcome.error_type} {outcome.error_message} {outcome.error_traceback}"
    assert "UnpicklableError" in readable
    assert "holds something that cannot be pickled" in readable


def test_a_result_that_is_not_json_fails_the_job(mode: ExecutorMode) -> None:
    outcome = get_cpu_port(mode).run(CpuJob("tests.not_json_result", {}, size=1))
    assert outcome.status is JobStatus.FAILED
    assert outcome.error_type == "TypeError"
    assert "not JSON serializable" in outcome.error_message


def test_a_job_over_its_timeout_is_timed_out_and_the_pool_recovers(mode: ExecutorMode) -> None:
    port = get_cpu_port(mode)
    started = time.perf_counter()
    outcome = port.run(CpuJob("tests.echo", {"spin_s": 2.0}, size=1, timeout_s=0.3))
    waited = time.perf_counter() - started
    assert outcome.status is JobStatus.TIMED_OUT
    assert outcome.error_type == "TimeoutError"
    assert "timeout of 0.3 s" in outcome.error_message
    if mode is not ExecutorMode.INLINE:
        # The caller is released at the timeout, long before the job would end.
        assert waited < 1.5
    # Capacity is back: two jobs run at once right away.
    after = port.map([CpuJob("tests.echo", {"i": i}, size=1, timeout_s=30) for i in range(2)])
    assert [o.status for o in after] == [JobStatus.OK, JobStatus.OK]


BAD_JOBS: dict[str, tuple[CpuJob, str]] = {
    "unknown workload": (CpuJob("podcast.nope", {}, size=1), "unknown workload 'podcast.nope'"),
    "non-JSON payload": (
        CpuJob("tests.echo", {"when": object()}, size=1),
        "payload is not JSON-compatible",
    ),
    "NaN in payload": (CpuJob("tests.echo", {"x": float("nan")}, size=1), "not JSON-compatible"),
    "negative size": (CpuJob("tests.echo", {}, size=-5), "size must be a whole number >= 0"),
    "bad timeout": (CpuJob("tests.echo", {}, size=1, timeout_s=-1), "timeout_s must be"),
    "oversized payload": (
        CpuJob("tests.echo", {"blob": "x" * 5_000_001}, size=1),
        "over max_payload_bytes 5000000",
    ),
}


@pytest.mark.parametrize("case", list(BAD_JOBS))
def test_bad_input_is_refused_with_a_clear_message(
    mode: ExecutorMode, case: str, port_settings: list[tuple[str, dict[str, Any]]]
) -> None:
    job, message = BAD_JOBS[case]
    outcome = get_cpu_port(mode).run(job)
    assert outcome.status is JobStatus.REFUSED
    assert message in outcome.error_message
    assert outcome.mode_used == ""
    assert [e for e, _ in port_settings] == ["cpu.refused"]


def test_a_refused_job_does_not_stop_the_others_in_a_map(mode: ExecutorMode) -> None:
    outcomes = get_cpu_port(mode).map(
        [CpuJob("tests.echo", {"i": 0}, size=1), CpuJob("nope", {}), CpuJob("tests.echo", {"i": 2})]
    )
    assert [o.status for o in outcomes] == [JobStatus.OK, JobStatus.REFUSED, JobStatus.OK]
    assert [outcomes[0].value, outcomes[2].value] == [{"i": 0}, {"i": 2}]
