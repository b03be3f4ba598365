"""The dispatcher's own rules, with fake adapters, a fake probe and a recording sink.

No pool starts here: each test runs in milliseconds and shows one rule — the
threshold, refusal, fallback, a run-time refusal run again, tracing, ``stream``.
The contract suite (tests/contract) checks the same port against real pools.
"""

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from interp_exec.core import tracing
from interp_exec.core.dispatcher import CpuDispatcher
from interp_exec.core.domain import (
    CapabilityVerdict,
    CpuJob,
    DispatchPolicy,
    ExecutorMode,
    JobStatus,
    PreparedJob,
    RunResult,
    Workload,
)
from tests.unit.hostile_values import nested

INLINE, INTERPRETERS, PROCESSES = ExecutorMode


def echo_result(job: PreparedJob) -> RunResult:
    return RunResult(JobStatus.OK, value=json.loads(job.payload_json), run_ms=1.0, total_ms=2.0)


@dataclass
class FakeAdapter:
    """Runs each job at once with ``answer`` and remembers what it ran."""

    mode: ExecutorMode
    answer: Callable[[PreparedJob], RunResult] = echo_result
    max_workers: int = 1
    ran: list[str] = field(default_factory=list)
    warmed: int = 0

    def warm(self) -> None:
        self.warmed += 1

    def execute_stream[K](
        self, source: Iterable[tuple[K, PreparedJob]]
    ) -> Iterator[list[tuple[K, RunResult]]]:
        for key, job in source:
            self.ran.append(job.dispatch_id)
            yield [(key, self.answer(job))]

    def execute_all(self, prepared: Sequence[PreparedJob]) -> list[RunResult]:
        return [r for batch in self.execute_stream(enumerate(prepared)) for _, r in batch]


@dataclass
class FakeAdapters:
    adapters: dict[ExecutorMode, FakeAdapter] = field(
        default_factory=lambda: {mode: FakeAdapter(mode) for mode in ExecutorMode}
    )

    def adapter(self, mode: ExecutorMode, max_workers: int) -> FakeAdapter:
        self.adapters[mode].max_workers = max_workers
        return self.adapters[mode]

    def ran(self, mode: ExecutorMode) -> int:
        return len(self.adapters[mode].ran)


@dataclass
class FakeProbe:
    unsafe: dict[str, str] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def verdict(self, workload: Workload) -> CapabilityVerdict:
        self.asked.append(workload.name)
        reason = self.unsafe.get(workload.name)
        return CapabilityVerdict(reason is None, reason or "")

    def remember_unsafe(self, workload: Workload, reason: str) -> None:
        self.unsafe[workload.name] = reason


@dataclass
class RecordingSink:
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    batches: int = 0

    def __call__(self, event: str, fields: Mapping[str, Any]) -> None:
        self.events.append((event, dict(fields)))

    @contextmanager
    def batch(self) -> Iterator[None]:
        self.batches += 1
        yield

    def names(self) -> list[str]:
        return [event for event, _ in self.events]


@dataclass
class Rig:
    adapters: FakeAdapters
    probe: FakeProbe
    sink: RecordingSink
    port: CpuDispatcher


def rig(**policy: Any) -> Rig:
    adapters, probe, sink = FakeAdapters(), FakeProbe(), RecordingSink()
    base = DispatchPolicy(mode=INTERPRETERS, max_workers=2, source="test", **policy)
    port = CpuDispatcher(
        adapters=adapters,
        probe=probe,
        policy_source=lambda job, mode: base,
        tracer=tracing.DispatchTracer([sink]),
    )
    return Rig(adapters, probe, sink, port)


def job(size: int = 10, **payload: Any) -> CpuJob:
    return CpuJob("tests.echo", {"size": size, **payload}, size=size)


def test_a_job_goes_to_the_pool_its_policy_names() -> None:
    r = rig()

    outcome = r.port.run(job())

    assert (outcome.status, outcome.mode_used, outcome.fallback_reason) == (
        "ok",
        "interpreters",
        "",
    )
    assert outcome.value == {"size": 10}
    assert r.adapters.adapters[INTERPRETERS].max_workers == 2
    assert r.sink.names() == [tracing.DISPATCH, tracing.COMPLETE]


def test_a_job_under_the_threshold_runs_inline_without_asking_the_probe() -> None:
    r = rig(min_task_size=100)

    outcome = r.port.run(job(size=99))

    assert outcome.mode_used == "inline"
    assert "size 99 is below min_task_size 100" in outcome.fallback_reason
    assert r.probe.asked == []
    assert (r.adapters.ran(INLINE), r.adapters.ran(INTERPRETERS)) == (1, 0)
    assert r.sink.names() == [tracing.FALLBACK, tracing.COMPLETE]
    assert r.sink.events[0][1]["fallback_kind"] == "below_min_task_size"


@pytest.mark.parametrize(
    ("bad_job", "error_type"),
    [
        (CpuJob("no.such.workload", {}), "UnknownWorkload"),
        (CpuJob("tests.echo", {"x": float("nan")}), "InvalidJob"),
        (CpuJob("tests.echo", {}, size=-1), "InvalidJob"),
        (CpuJob("tests.echo", {"text": "x" * 200}), "PayloadTooLarge"),
    ],
)
def test_a_bad_job_is_refused_and_nothing_runs(bad_job: CpuJob, error_type: str) -> None:
    r = rig(max_payload_bytes=100)

    outcome = r.port.run(bad_job)

    assert (outcome.status, outcome.error_type, outcome.mode_used) == ("refused", error_type, "")
    assert sum(r.adapters.ran(mode) for mode in ExecutorMode) == 0
    assert r.sink.names() == [tracing.REFUSED]


@pytest.mark.parametrize(("processes_enabled", "expected"), [(True, PROCESSES), (False, INLINE)])
def test_a_workload_the_probe_refuses_falls_back_with_the_reason(
    processes_enabled: bool, expected: ExecutorMode
) -> None:
    r = rig(processes_enabled=processes_enabled)
    r.probe.unsafe["tests.echo"] = "import numpy fails in a subinterpreter"

    outcome = r.port.run(job())

    assert outcome.mode_used == expected.value
    assert outcome.fallback_reason == "not interpreter-safe: import numpy fails in a subinterpreter"
    assert r.adapters.ran(INTERPRETERS) == 0
    assert r.sink.names() == [tracing.FALLBACK, tracing.COMPLETE]


def test_a_refusal_at_run_time_is_remembered_and_the_job_runs_again_elsewhere() -> None:
    r = rig()
    refusal = "ImportError: module numpy does not support loading in subinterpreters"
    r.adapters.adapters[INTERPRETERS].answer = lambda prepared: RunResult(
        JobStatus.FAILED, error_type="ImportError", interpreter_refusal=refusal
    )

    outcome = r.port.run(job())

    assert (outcome.status, outcome.mode_used, outcome.value) == ("ok", "processes", {"size": 10})
    assert outcome.fallback_reason.endswith(f"({refusal}); re-ran in processes")
    assert r.probe.unsafe["tests.echo"].startswith("not interpreter-safe: imported a module")
    assert r.sink.names() == [tracing.DISPATCH, tracing.FALLBACK, tracing.COMPLETE]
    assert r.sink.events[1][1]["fallback_kind"] == "refused_at_run_time"
    # The next job of the workload no longer tries a subinterpreter.
    assert r.port.run(job()).mode_used == "processes"
    assert r.adapters.ran(INTERPRETERS) == 1


def test_map_keeps_the_order_of_its_jobs_across_modes_and_traces_each_once() -> None:
    r = rig(min_task_size=5)
    jobs = [job(size=10), CpuJob("nope", {}), job(size=1), job(size=20)]

    outcomes = r.port.map(jobs)

    assert [o.mode_used for o in outcomes] == ["interpreters", "", "inline", "interpreters"]
    assert [o.status for o in outcomes] == ["ok", "refused", "ok", "ok"]
    finals = [
        f["dispatch_id"] for e, f in r.sink.events if e in {tracing.COMPLETE, tracing.REFUSED}
    ]
    assert sorted(finals) == sorted(o.dispatch_id for o in outcomes)
    assert len(set(finals)) == 4
    assert r.sink.batches == 1  # the sink wrote the whole map's rows at once


@pytest.mark.parametrize("attempt", range(5))
def test_map_runs_its_groups_at_the_same_time_and_concludes_them_in_its_own_thread(
    attempt: int,
) -> None:
    """Each group's run waits for the other's to start: run one after the other, the
    barrier would break instead (repeated: a race would show)."""
    r = rig(min_task_size=5)
    both_running = threading.Barrier(2, timeout=10)
    runners: set[str] = set()

    def meet(prepared: PreparedJob) -> RunResult:
        runners.add(threading.current_thread().name)
        both_running.wait()
        return echo_result(prepared)

    for mode in (INLINE, INTERPRETERS):
        r.adapters.adapters[mode].answer = meet

    outcomes = r.port.map([job(size=1), job(size=10)])

    assert [(o.status, o.mode_used) for o in outcomes] == [("ok", "inline"), ("ok", "interpreters")]
    assert threading.current_thread().name in runners  # inline ran in the caller
    assert len(runners) == 2
    assert r.sink.batches == 1


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[], float]:
    """Each reading of the dispatcher's clock is 10 ms after the one before."""
    ticks = iter(range(10**6))

    def read() -> float:
        return next(ticks) / 100

    monkeypatch.setattr("interp_exec.core.dispatcher.perf_counter", read)
    return read


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize(("jobs", "worker_ms"), [(4, 5.0), (1, 10.0)])
def test_a_pool_groups_worker_time_is_its_wall_time_times_busy_workers_per_job(
    jobs: int, worker_ms: float
) -> None:
    r = rig()  # a pool of 2: 4 jobs keep both busy, 1 job only one

    r.port.map([job(size=10 + n) for n in range(jobs)])

    completed = [f for e, f in r.sink.events if e == tracing.COMPLETE]
    assert [f["worker_ms_per_job"] for f in completed] == [worker_ms] * jobs


def test_a_pools_start_up_is_not_counted_in_what_its_jobs_cost(
    clock: Callable[[], float],
) -> None:
    r = rig()
    cold = r.adapters.adapters[INTERPRETERS]

    def start_for_a_second() -> None:
        cold.warmed += 1
        for _ in range(100):
            clock()

    cold.warm = start_for_a_second  # type: ignore[method-assign]

    r.port.map([job(size=10 + n) for n in range(4)])
    list(r.port.stream([("a", job(size=10))]))

    completed = [f["worker_ms_per_job"] for e, f in r.sink.events if e == tracing.COMPLETE]
    assert completed == [5.0] * 4 + [10.0]
    assert r.adapters.adapters[INTERPRETERS].warmed == 2


def test_a_pool_that_cannot_start_leaves_its_jobs_to_report_it() -> None:
    r = rig()

    def cannot_start() -> None:
        raise RuntimeError("no interpreter")

    r.adapters.adapters[INTERPRETERS].warm = cannot_start  # type: ignore[method-assign]

    assert r.port.run(job()).status == "ok"  # the fake's run still answers for each job
    assert r.adapters.ran(INTERPRETERS) == 1


@pytest.mark.usefixtures("clock")
def test_inline_jobs_cost_one_worker_and_a_stream_spreads_each_interval_over_its_batch() -> None:
    r = rig(min_task_size=5)

    r.port.map([job(size=1), job(size=2)])
    list(r.port.stream([("a", job(size=10)), ("b", job(size=11))]))

    completed = [f["worker_ms_per_job"] for e, f in r.sink.events if e == tracing.COMPLETE]
    # Inline: 10 ms for 2 jobs on 1 worker. Stream: one job in flight per 10 ms interval.
    assert completed == [5.0, 5.0, 10.0, 10.0]


def test_stream_runs_jobs_for_the_first_pool_and_the_rest_where_they_go() -> None:
    r = rig(min_task_size=5)
    jobs = [("a", job(size=10)), ("b", job(size=1)), ("c", CpuJob("nope", {})), ("d", job(20))]

    batches = list(r.port.stream(jobs))

    outcomes = {key: outcome for batch in batches for key, outcome in batch}
    assert sorted(outcomes) == ["a", "b", "c", "d"]
    assert outcomes["a"].mode_used == outcomes["d"].mode_used == "interpreters"
    assert (outcomes["b"].mode_used, outcomes["c"].status) == ("inline", "refused")
    assert (r.adapters.ran(INTERPRETERS), r.adapters.ran(INLINE)) == (2, 1)


def test_stream_reads_its_jobs_only_as_the_pool_takes_them() -> None:
    r = rig()
    pulled: list[int] = []

    def jobs() -> Iterator[tuple[int, CpuJob]]:
        for index in range(3):
            pulled.append(index)
            yield index, job()

    stream = r.port.stream(jobs())
    first = next(stream)

    assert [key for key, _ in first] == [0]
    assert pulled == [0]  # the fake pool has one worker: nothing claimed ahead
    assert [key for batch in stream for key, _ in batch] == [1, 2]


class ItemsRaise(dict[str, Any]):
    """A payload whose encoding fails with an error no check expects."""

    def items(self) -> Any:
        raise RuntimeError("items() exploded")


BAD_NEIGHBOURS: dict[str, tuple[CpuJob, str]] = {
    "nested too deep": (
        CpuJob("tests.echo", nested(200_000), size=1),
        "the payload is nested too deeply to encode as JSON",
    ),
    "unhashable name": (CpuJob(["tests.echo"], {}, size=1), "a workload is named by text"),  # type: ignore[arg-type]
    "name not text": (CpuJob(7, {}, size=1), "a workload is named by text, got 7 (int)"),  # type: ignore[arg-type]
    "size past the log's column": (
        CpuJob("tests.echo", {}, size=2**63),
        "size must be a whole number >= 0 and at most 9223372036854775807, got 9223372036854775808",
    ),
    "size past what a message shows": (
        CpuJob("tests.echo", {}, size=10**400),
        "got a whole number of 1329 bits",
    ),
    "size 10**30": (CpuJob("tests.echo", {}, size=10**30), "got 1000000000000000000000000000000"),
    "size a float": (CpuJob("tests.echo", {}, size=1.5), "got 1.5"),  # type: ignore[arg-type]
    "huge timeout int": (
        CpuJob("tests.echo", {}, size=1, timeout_s=10**400),
        "timeout_s must be a number of seconds > 0",
    ),
    "unexpected error while encoding": (
        CpuJob("tests.echo", ItemsRaise(a=1), size=1),
        "the job could not be checked: RuntimeError: 'items() exploded'",
    ),
}


@pytest.mark.parametrize("case", list(BAD_NEIGHBOURS))
def test_a_bad_job_is_refused_alone_and_its_neighbours_run(case: str) -> None:
    r = rig()
    bad, message = BAD_NEIGHBOURS[case]

    outcomes = r.port.map([job(1, i=0), bad, job(1, i=2)])

    assert [o.status for o in outcomes] == ["ok", "refused", "ok"]
    assert [outcomes[0].value["i"], outcomes[2].value["i"]] == [0, 2]
    assert message in outcomes[1].error_message
    assert outcomes[1].error_type == ("UnknownWorkload" if "name" in case else "InvalidJob")
    # What the dispatch log stores of it fits its columns.
    assert 0 <= outcomes[1].size < 2**63
    assert len(outcomes[1].workload) <= 100


def test_a_bad_job_in_a_stream_is_refused_alone() -> None:
    r = rig()
    jobs = [("a", job(1, i=0)), ("b", CpuJob("tests.echo", nested(200_000))), ("c", job(1, i=2))]

    outcomes = dict(pair for batch in r.port.stream(jobs) for pair in batch)

    assert {key: o.status for key, o in outcomes.items()} == {
        "a": "ok",
        "b": "refused",
        "c": "ok",
    }


def test_an_error_from_the_policy_source_refuses_only_that_job() -> None:
    r = rig()

    def policy(job: CpuJob, mode: ExecutorMode | None) -> DispatchPolicy:
        if job.payload.get("i") == 1:
            raise LookupError("no flag row for this job")
        return DispatchPolicy(mode=INTERPRETERS, source="test")

    port = CpuDispatcher(
        adapters=r.adapters, probe=r.probe, policy_source=policy, tracer=r.port._tracer
    )
    outcomes = port.map([job(1, i=0), job(1, i=1), job(1, i=2)])

    assert [o.status for o in outcomes] == ["ok", "refused", "ok"]
    assert "LookupError: 'no flag row for this job'" in outcomes[1].error_message


def test_the_largest_storable_size_is_accepted() -> None:
    assert rig().port.run(CpuJob("tests.echo", {}, size=2**63 - 1)).status == "ok"


def test_a_long_unknown_name_is_logged_shortened() -> None:
    outcome = rig().port.run(CpuJob("x" * 10_000, {}, size=1))
    assert outcome.status == "refused"
    assert len(outcome.workload) <= 100
    assert len(outcome.error_message) < 1000


@pytest.mark.parametrize("mode", [INLINE, INTERPRETERS])
def test_an_isolated_workload_runs_in_processes_whatever_the_mode_and_size(
    mode: ExecutorMode,
) -> None:
    r = rig(isolated=True, min_task_size=100)
    r.port = CpuDispatcher(
        adapters=r.adapters,
        probe=r.probe,
        policy_source=lambda job, fixed: DispatchPolicy(
            mode=mode, isolated=True, min_task_size=100
        ),
        tracer=tracing.DispatchTracer([r.sink]),
    )

    outcome = r.port.run(job(size=1))

    assert (outcome.status, outcome.mode_used) == ("ok", "processes")
    assert outcome.fallback_reason.startswith("isolated: this workload's jobs may bring down")
    assert r.sink.events[0][1]["fallback_kind"] == "isolated"
    assert (r.adapters.ran(INLINE), r.adapters.ran(INTERPRETERS), r.adapters.ran(PROCESSES)) == (
        0,
        0,
        1,
    )
    assert r.probe.asked == []


def test_an_isolated_workload_is_refused_when_processes_are_off() -> None:
    r = rig(isolated=True, processes_enabled=False)

    outcome = r.port.run(job())

    assert (outcome.status, outcome.error_type) == ("refused", "IsolationUnavailable")
    assert "processes are turned off" in outcome.error_message
    assert sum(r.adapters.ran(mode) for mode in ExecutorMode) == 0
