"""The dispatcher: the one place that routes, traces and records a job.

Data flow of ``map`` (``run`` is ``map`` of one)::

    job -> prepare (refuse bad input) -> policy (flags or settings; a flag on auto
        has chosen the mode for this job) -> payload limit
        (any error while planning a job refuses that job alone)
        -> decide_route (threshold, capability probe) -> cpu.dispatch | cpu.fallback
        -> adapters grouped by mode, the groups run at the same time (each in its
           pool, warmed before its clock starts; inline in the calling thread)
        -> interpreters refused a module at run time? remember, re-run elsewhere
        -> outcome -> cpu.complete | cpu.failed | cpu.refused

``stream`` plans each job as it is pulled: the first one that goes to a pool
picks the pool, and the next jobs are pulled only as it has room for them; a job
routed anywhere else runs at once where it goes. The events of one ``map``, or of
one batch of a stream, reach batching sinks together (``tracing``).

It implements ``CpuTaskPort``; callers get it from ``get_cpu_port`` and never
build an executor themselves. It knows nothing of Django: the policy source and
the event sinks are plain callables handed in by ``bootstrap``.
"""

import contextlib
import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from interp_exec.core import tracing
from interp_exec.core.adapters.by_mode import runs_in_caller
from interp_exec.core.domain import (
    REFUSED_AT_RUN_TIME,
    AdapterSource,
    CapabilityCheck,
    CpuJob,
    DispatchPolicy,
    ExecutionPort,
    ExecutorMode,
    IsolationUnavailable,
    JobOutcome,
    PayloadTooLarge,
    PreparedJob,
    Route,
    RunResult,
    as_refusal,
    build_outcome,
    decide_route,
    new_dispatch_id,
    prepare,
    refused_outcome,
    with_job_isolation,
)
from interp_exec.core.workloads import get_workload

type PolicySource = Callable[[CpuJob, ExecutorMode | None], DispatchPolicy]


@dataclass(slots=True)
class _Planned:
    index: int
    prepared: PreparedJob
    policy: DispatchPolicy
    route: Route


class CpuDispatcher:
    """A ``CpuTaskPort`` that applies policy, probe, fallback and tracing to every job."""

    def __init__(
        self,
        *,
        adapters: AdapterSource,
        probe: CapabilityCheck,
        policy_source: PolicySource,
        tracer: tracing.DispatchTracer,
        fixed_mode: ExecutorMode | None = None,
    ) -> None:
        self._adapters = adapters
        self._probe = probe
        self._policy_source = policy_source
        self._tracer = tracer
        self.fixed_mode = fixed_mode

    def run(self, job: CpuJob) -> JobOutcome:
        return self.map([job])[0]

    def map(self, jobs: Sequence[CpuJob]) -> list[JobOutcome]:
        outcomes: list[JobOutcome | None] = [None] * len(jobs)
        groups: defaultdict[tuple[ExecutorMode, int], list[_Planned]] = defaultdict(list)
        with self._tracer.batch():
            for index, job in enumerate(jobs):
                planned = self._plan(index, job)
                if isinstance(planned, JobOutcome):
                    outcomes[index] = planned
                else:
                    groups[planned.route.mode, planned.policy.max_workers].append(planned)
            for (mode, _), planned_jobs, results, worker_ms in self._run_groups(groups):
                for planned, result in zip(planned_jobs, results, strict=True):
                    outcomes[planned.index] = self._conclude(planned, result, mode, worker_ms)
        return [o for o in outcomes if o is not None]

    def _run_groups(
        self, groups: dict[tuple[ExecutorMode, int], list[_Planned]]
    ) -> list[tuple[tuple[ExecutorMode, int], list[_Planned], list[RunResult], float]]:
        """Run every group at once: each pool's group waits on a thread of its own while
        this thread runs the first group, so a map that mixes modes (auto's exploration,
        small jobs kept inline beside large ones) lasts as long as its slowest group,
        not the sum of them. Outcomes are concluded afterwards, in this thread: the
        sinks' batches belong to it. Each group comes with its worker time per job."""
        # A group that runs in the caller first: it is the group that runs in this thread.
        routes = sorted(groups, key=lambda route: not runs_in_caller(route[0]))
        if len(routes) <= 1:
            return [(route, groups[route], *self._timed(route, groups[route])) for route in routes]
        with ThreadPoolExecutor(len(routes) - 1, thread_name_prefix="cpu-map-group") as waiters:
            pending = [waiters.submit(self._timed, route, groups[route]) for route in routes[1:]]
            first = self._timed(routes[0], groups[routes[0]])
            timed = [first, *(future.result() for future in pending)]
        return [
            (route, groups[route], results, worker_ms)
            for route, (results, worker_ms) in zip(routes, timed, strict=True)
        ]

    def _timed(
        self, route: tuple[ExecutorMode, int], planned: list[_Planned]
    ) -> tuple[list[RunResult], float]:
        adapter = _warmed(self._adapters.adapter(*route))
        started = perf_counter()
        results = adapter.execute_all([p.prepared for p in planned])
        mode, workers = route
        busy = 1 if runs_in_caller(mode) else min(workers, len(planned))
        return results, _worker_ms_per_job(perf_counter() - started, len(planned), busy)

    def stream[K](self, jobs: Iterable[tuple[K, CpuJob]]) -> Iterator[list[tuple[K, JobOutcome]]]:
        pending = iter(jobs)
        aside: list[tuple[K, JobOutcome]] = []
        lead = self._next_for_pool(pending, aside, None)
        if lead is None:
            if aside:
                yield aside
            return
        pool = (lead[1].route.mode, lead[1].policy.max_workers)

        fed = 0

        def feed() -> Iterator[tuple[tuple[K, _Planned], PreparedJob]]:
            nonlocal fed
            following: tuple[K, _Planned] | None = lead
            while following is not None:
                fed += 1
                yield following, following[1].prepared
                following = self._next_for_pool(pending, aside, pool)

        adapter = _warmed(self._adapters.adapter(*pool))
        done, since = 0, perf_counter()
        for finished in adapter.execute_stream(feed()):
            # The time since the last batch, spread over the workers that were busy.
            now = perf_counter()
            busy = min(pool[1], fed - done)
            worker_ms = _worker_ms_per_job(now - since, len(finished), busy)
            done, since = done + len(finished), now
            with self._tracer.batch():
                outcomes = aside + [
                    (key, self._conclude(planned, result, pool[0], worker_ms))
                    for (key, planned), result in finished
                ]
            aside.clear()
            yield outcomes
        if aside:
            yield aside

    def _next_for_pool[K](
        self,
        pending: Iterator[tuple[K, CpuJob]],
        aside: list[tuple[K, JobOutcome]],
        pool: tuple[ExecutorMode, int] | None,
    ) -> tuple[K, _Planned] | None:
        """The next job for ``pool`` (any pool when None); the jobs before it that go
        elsewhere are refused or run where they go, their outcomes added to ``aside``."""
        for key, job in pending:
            planned = self._plan(0, job)
            if isinstance(planned, JobOutcome):
                aside.append((key, planned))
                continue
            route = (planned.route.mode, planned.policy.max_workers)
            if route == pool or (pool is None and not runs_in_caller(route[0])):
                return key, planned
            aside.append((key, self._run_group(*route, [planned])[0]))
        return None

    def _plan(self, index: int, job: CpuJob) -> _Planned | JobOutcome:
        dispatch_id = new_dispatch_id()
        requested = (self.fixed_mode or ExecutorMode.INLINE).value
        try:
            prepared = prepare(job, get_workload(job.workload), dispatch_id)
            policy = with_job_isolation(self._policy_source(job, self.fixed_mode), job)
            requested = policy.requested
            if prepared.payload_bytes > policy.max_payload_bytes:
                raise PayloadTooLarge(
                    f"payload is {prepared.payload_bytes} bytes, over max_payload_bytes "
                    f"{policy.max_payload_bytes}; split the job or raise the limit on its flag"
                )
            if policy.isolated and not policy.processes_enabled:
                raise IsolationUnavailable(
                    f"{prepared.workload.name} is isolated (its flag says untrusted, or an "
                    "earlier run of this job lost its worker): it runs only in processes, and "
                    "processes are turned off (INTERP_EXEC_PROCESSES_ENABLED)"
                )
        except Exception as exc:
            outcome = refused_outcome(job, dispatch_id, as_refusal(exc), requested)
            self._tracer.emit(tracing.REFUSED, _outcome_fields(outcome))
            return outcome
        if job.timeout_s is None and policy.timeout_s is not None:
            prepared = dataclasses.replace(prepared, timeout_s=policy.timeout_s)
        route = decide_route(policy, job.size, lambda: self._probe.verdict(prepared.workload))
        fields = {
            "dispatch_id": dispatch_id,
            "workload": prepared.workload.name,
            "mode_requested": policy.requested,
            "mode_used": route.mode.value,
            "size": job.size,
            "payload_bytes": prepared.payload_bytes,
            "policy_source": policy.source,
        }
        # One event starts every job: cpu.fallback instead of cpu.dispatch when the
        # route differs from the request. A job that goes where it was sent logs one
        # line at info, its end (cpu.complete carries the same fields); its start is
        # for debugging. Under auto the request is auto's choice: only an override of
        # it falls back.
        if route.mode is policy.mode:
            if policy.auto is not None:
                fields["auto_reason"] = policy.auto.reason
            self._tracer.emit(tracing.DISPATCH, fields, routine=True)
        else:
            self._tracer.emit(
                tracing.FALLBACK,
                {
                    **fields,
                    "fallback_reason": policy.reason(route),
                    "fallback_kind": route.fallback_kind,
                },
                routine=route.small_job,
            )
        return _Planned(index, prepared, policy, route)

    def _run_group(
        self, mode: ExecutorMode, max_workers: int, planned_jobs: list[_Planned]
    ) -> list[JobOutcome]:
        results, worker_ms = self._timed((mode, max_workers), planned_jobs)
        return [
            self._conclude(planned, result, mode, worker_ms)
            for planned, result in zip(planned_jobs, results, strict=True)
        ]

    def _conclude(
        self,
        planned: _Planned,
        result: RunResult,
        mode: ExecutorMode,
        worker_ms: float | None = None,
    ) -> JobOutcome:
        """The outcome of one run, traced; a run-time refusal by a subinterpreter is
        remembered and the job re-run where the policy falls back to."""
        reason = planned.policy.reason(planned.route)
        if result.interpreter_refusal:
            mode, rerun_reason, result = self._rerun_refused(planned, result)
            reason = planned.policy.reason(Route(mode, rerun_reason))
        outcome = build_outcome(
            planned.prepared,
            result,
            mode_requested=planned.policy.requested,
            mode_used=mode.value,
            fallback_reason=reason,
        )
        self._emit_outcome(outcome, planned, worker_ms)
        return outcome

    def _rerun_refused(
        self, planned: _Planned, result: RunResult
    ) -> tuple[ExecutorMode, str, RunResult]:
        reason = (
            "not interpreter-safe: imported a module at run time that cannot load in a "
            f"subinterpreter ({result.interpreter_refusal})"
        )
        self._probe.remember_unsafe(planned.prepared.workload, reason)
        target = planned.policy.fallback_mode
        self._tracer.emit(
            tracing.FALLBACK,
            {
                "dispatch_id": planned.prepared.dispatch_id,
                "workload": planned.prepared.workload.name,
                "mode_requested": planned.policy.requested,
                "mode_used": target.value,
                "size": planned.prepared.job.size,
                "fallback_reason": reason,
                "fallback_kind": REFUSED_AT_RUN_TIME,
            },
        )
        adapter = self._adapters.adapter(target, planned.policy.max_workers)
        rerun = adapter.execute_all([planned.prepared])[0]
        return target, f"{reason}; re-ran in {target.value}", rerun

    def _emit_outcome(
        self, outcome: JobOutcome, planned: _Planned, worker_ms: float | None
    ) -> None:
        event = tracing.COMPLETE if outcome.ok else tracing.FAILED
        fields = {**_outcome_fields(outcome), "policy_source": planned.policy.source}
        if worker_ms is not None:
            fields["worker_ms_per_job"] = round(worker_ms, 4)
        self._tracer.emit(event, fields, routine=planned.route.small_job)


_LOGGED_OUTCOME_FIELDS = tuple(f.name for f in dataclasses.fields(JobOutcome) if f.name != "value")


def _outcome_fields(outcome: JobOutcome) -> dict[str, Any]:
    # The value can be large and is stored with the job itself, not in the log;
    # read attributes directly (``asdict`` would deep-copy it first).
    fields = {name: getattr(outcome, name) for name in _LOGGED_OUTCOME_FIELDS}
    fields["status"] = outcome.status.value
    return fields


def _warmed(adapter: ExecutionPort) -> ExecutionPort:
    """The adapter with its workers started. A pool's start-up (a subinterpreter or a
    process each, every workload imported) is not what its jobs cost: timed with the
    first batch, it made a cold pool look several times slower than inline, and auto
    mode learned that from its first explorations. A pool that cannot start is left
    for the run to report, job by job, as before."""
    with contextlib.suppress(Exception):
        adapter.warm()
    return adapter


def _worker_ms_per_job(seconds: float, jobs: int, busy: int) -> float:
    """What each job of a batch cost its workers: the batch's wall time times the
    workers it kept busy, per job. Unlike a job's own run time, it includes the
    host's work for the job (encoding, transfer) and the workers' contention for the
    cores, so it ranks modes as their throughput does (auto mode reads it)."""
    return seconds * 1000 * max(busy, 1) / max(jobs, 1)
