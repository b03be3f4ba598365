"""Readable results: a workload's outcome as a small table, with what it means.

A project registers a ``Presenter`` per workload (``register_presenter``, from its
app's ``ready()``): a template and a function that makes its context from the
value and, when asked, the stored payload. The job page shows the fragment
rendered here above the raw JSON (which stays one click away); ``status.json``
carries the same fragment, so the live page shows it the moment the job ends. A
workload with no presenter shows the raw JSON only, and so does a value of a
shape its presenter does not expect (say, from an older version of the workload).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from interp_exec.models import CpuJobRecord, JobRecordStatus

type Payload = Callable[[], Any]


@dataclass(frozen=True, slots=True)
class Presenter:
    template: str
    context: Callable[[dict[str, Any], Payload], dict[str, Any]]


_presenters: dict[str, Presenter] = {}


def register_presenter(workload: str, presenter: Presenter) -> None:
    _presenters[workload] = presenter


def render_result(record: CpuJobRecord) -> str:
    """The readable fragment of a finished job's value, or "" (raw JSON only)."""
    presenter = _presenters.get(record.workload)
    if presenter is None or record.status != JobRecordStatus.OK:
        return ""
    if not isinstance(record.value, dict):
        return ""
    try:
        context = presenter.context(record.value, lambda: record.payload)
    except KeyError, TypeError, ValueError, IndexError:
        return ""
    return render_to_string(presenter.template, context)
