"""With ``OTEL_SPANS`` on, a stored job leaves its spans inside the trace that queued it.

A real OpenTelemetry SDK records them in memory (the exporter a host would set
is its own business); the job runs through the real drain.
"""

from collections.abc import Iterator
from itertools import pairwise

import pytest
from django.test import override_settings
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from interp_exec.models import CpuJobRecord
from interp_exec.task_queue.drain import run_cpu_job
from interp_exec.task_queue.queueing import queue_cpu_job

SPANS_ON = override_settings(INTERP_EXEC={"OTEL_SPANS": True})


@pytest.fixture(scope="module")
def exporter() -> InMemorySpanExporter:
    # The global provider can be set once per process; every test here shares it.
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    trace.set_tracer_provider(provider)
    return memory


@pytest.fixture
def spans(exporter: InMemorySpanExporter) -> Iterator[InMemorySpanExporter]:
    exporter.clear()
    yield exporter
    exporter.clear()


def by_name(exporter: InMemorySpanExporter) -> dict[str, ReadableSpan]:
    finished = exporter.get_finished_spans()
    named = {span.name: span for span in finished}
    assert len(named) == len(finished), "one span of each name"
    return named


def test_a_job_queued_in_a_request_is_traced_inside_that_request(
    spans: InMemorySpanExporter,
) -> None:
    with SPANS_ON:
        with trace.get_tracer("test").start_as_current_span("POST /cpu/jobs/") as request:
            record = queue_cpu_job("tests.echo", 3, seed=1)
        assert run_cpu_job(str(record.pk)) == "ok"
    record.refresh_from_db()
    named = by_name(spans)

    job = named["cpu.job tests.echo"]
    context = request.get_span_context()
    assert record.trace_parent.startswith(f"00-{context.trace_id:032x}-{context.span_id:016x}-")
    assert job.parent is not None
    assert job.parent.span_id == context.span_id
    assert job.attributes is not None
    assert job.attributes["cpu.job_id"] == str(record.pk)
    assert job.attributes["cpu.status"] == "ok"
    steps = [named[name] for name in ("cpu.queue", "cpu.claim", "cpu.dispatch", "cpu.store")]
    for step in steps:
        assert step.parent is not None
        assert step.parent.span_id == job.context.span_id
    # The steps follow one another, within the job.
    assert job.start_time == steps[0].start_time
    for before, after in pairwise(steps):
        assert before.end_time == after.start_time
    assert steps[-1].end_time == job.end_time
    run = named["cpu.run"]
    assert run.parent is not None
    assert run.parent.span_id == named["cpu.dispatch"].context.span_id
    assert run.end_time is not None
    assert run.start_time is not None
    assert record.run_ms is not None
    assert run.end_time - run.start_time == round(record.run_ms * 1_000_000)


def test_a_failed_job_marks_its_span_as_an_error(spans: InMemorySpanExporter) -> None:
    with SPANS_ON:
        record = queue_cpu_job("tests.explode", 3, seed=4)
        assert run_cpu_job(str(record.pk)) == "failed"

    job = by_name(spans)["cpu.job tests.explode"]
    assert job.parent is None  # queued outside any trace: a trace of its own
    assert job.status.status_code is StatusCode.ERROR
    assert job.status.description is not None
    assert "payload 4 rejected" in job.status.description
    assert "cpu.run" not in by_name(spans)


def test_with_spans_off_nothing_is_traced_or_stored(spans: InMemorySpanExporter) -> None:
    with trace.get_tracer("test").start_as_current_span("POST /cpu/jobs/"):
        record = queue_cpu_job("tests.echo", 3, seed=1)
    assert run_cpu_job(str(record.pk)) == "ok"

    assert CpuJobRecord.objects.get(pk=record.pk).trace_parent == ""
    assert [span.name for span in spans.get_finished_spans()] == ["POST /cpu/jobs/"]
