"""OpenTelemetry spans of a queued job: queue -> claim -> dispatch -> run -> store.

Off by default (``INTERP_EXEC["OTEL_SPANS"]``): then the only cost is one
setting read when a job is queued and one per stored batch, and OpenTelemetry is
never imported. On, the host project configures the SDK and its exporter as
OpenTelemetry's documentation says (``opentelemetry-instrument``, or a
``TracerProvider`` set up in its WSGI/ASGI module and in its workers); without
one the API's no-op tracer swallows the spans.

A queued job's life crosses processes (the web process queues it, a worker runs
it, maybe after the sweep re-sent it) and its steps overlap other jobs' in a
drain, so its spans are written once the job is stored, from the times the job
record and the outcome already hold, under the traceparent stored when it was
queued: the job appears inside the trace of the request that queued it. A job
queued outside any trace starts a trace of its own.
"""

import time
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from interp_exec.core import conf
from interp_exec.core.domain import JobOutcome, JobStatus

if TYPE_CHECKING:
    from opentelemetry.trace import Tracer

    from interp_exec.task_queue.job_claims import ClaimedJob

_TRACER_NAME = "interp_exec"


def spans_enabled() -> bool:
    return bool(conf.get_setting("OTEL_SPANS"))


def current_trace_parent() -> str:
    """The W3C traceparent of the current span, to store with a job being queued;
    empty when spans are off or no trace is active."""
    if not spans_enabled():
        return ""
    from opentelemetry.propagate import inject

    carrier: dict[str, str] = {}
    inject(carrier)
    return carrier.get("traceparent", "")


def export_job_spans(
    stored: Iterable[tuple[ClaimedJob, JobOutcome]], store_started_ns: int
) -> None:
    """Write the spans of jobs just stored; ``store_started_ns``: when the batch's
    transaction began (the outcomes were all in hand by then)."""
    from opentelemetry import trace

    tracer = trace.get_tracer(_TRACER_NAME)
    store_ended_ns = time.time_ns()
    for claimed, outcome in stored:
        _job_spans(tracer, claimed, outcome, store_started_ns, store_ended_ns)


def _job_spans(
    tracer: Tracer,
    claimed: ClaimedJob,
    outcome: JobOutcome,
    store_started_ns: int,
    store_ended_ns: int,
) -> None:
    from opentelemetry import trace
    from opentelemetry.trace import Status, StatusCode
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    parent = TraceContextTextMapPropagator().extract({"traceparent": claimed.trace_parent})
    dispatched_ns = store_started_ns - _ns(outcome.total_ms)
    claimed_ns = min(_epoch_ns(claimed.claimed_at, dispatched_ns), dispatched_ns)
    queued_ns = min(_epoch_ns(claimed.queued_at, claimed_ns), claimed_ns)
    run_started_ns = dispatched_ns + _ns(outcome.wait_ms)
    attributes: dict[str, str | int] = {
        "cpu.job_id": str(claimed.pk),
        "cpu.workload": claimed.job.workload,
        "cpu.size": claimed.job.size,
        "cpu.attempt": claimed.attempt,
        "cpu.status": outcome.status.value,
        "cpu.mode_requested": outcome.mode_requested,
        "cpu.mode_used": outcome.mode_used,
        "cpu.dispatch_id": outcome.dispatch_id,
    }
    if outcome.fallback_reason:
        attributes["cpu.fallback_reason"] = outcome.fallback_reason
    job = tracer.start_span(
        f"cpu.job {claimed.job.workload}",
        context=parent,
        start_time=queued_ns,
        attributes=attributes,
    )
    if outcome.status is not JobStatus.OK:
        job.set_status(Status(StatusCode.ERROR, f"{outcome.error_type}: {outcome.error_message}"))
    in_job = trace.set_span_in_context(job)
    for name, start_ns, end_ns in (
        ("cpu.queue", queued_ns, claimed_ns),
        ("cpu.claim", claimed_ns, dispatched_ns),
    ):
        tracer.start_span(name, context=in_job, start_time=start_ns).end(end_time=end_ns)
    dispatch = tracer.start_span("cpu.dispatch", context=in_job, start_time=dispatched_ns)
    if outcome.run_ms:  # a job that did not return was never seen running
        tracer.start_span(
            "cpu.run", context=trace.set_span_in_context(dispatch), start_time=run_started_ns
        ).end(end_time=run_started_ns + _ns(outcome.run_ms))
    dispatch.end(end_time=store_started_ns)
    tracer.start_span("cpu.store", context=in_job, start_time=store_started_ns).end(
        end_time=store_ended_ns
    )
    job.end(end_time=store_ended_ns)


def _ns(milliseconds: float) -> int:
    return round(milliseconds * 1_000_000)


def _epoch_ns(moment: datetime | None, default: int) -> int:
    return default if moment is None else round(moment.timestamp() * 1e9)
