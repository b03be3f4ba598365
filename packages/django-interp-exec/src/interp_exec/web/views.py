"""Pages to queue CPU jobs and follow them: a form with the recent jobs, a form for a
workload's own input (pasted text, uploads), a status page.

A person sees their own jobs; staff see everyone's. The status page polls
``status.json`` until the job ends. None of them may be cached (never_cache:
``Cache-Control: private, no-store`` and more): they show one person's jobs.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from interp_exec.core.domain import (
    InterpExecError,
    InvalidJob,
    UnknownWorkload,
    Workload,
)
from interp_exec.core.workloads import get_workload, load_configured_workloads
from interp_exec.models import CpuJobRecord
from interp_exec.task_queue.queueing import queue_cpu_job
from interp_exec.web.forms import SAMPLE, UPLOAD, JobInputForm, QueueJobForm
from interp_exec.web.job_inputs import upload_limit, upload_refusal
from interp_exec.web.job_status import display_strings, job_status
from interp_exec.web.results import render_result
from interp_exec.web.uploads import LimitedUploadHandler

RECENT_JOBS = 50
# Why a job input request could not be read at all, by Django's own limits.
_UNREADABLE: dict[type[Exception], str] = {
    RequestDataTooBig: "The text you sent is over the site's limit for form fields "
    "(DATA_UPLOAD_MAX_MEMORY_SIZE); upload it as a file instead.",
    TooManyFilesSent: "You sent more files than the site takes in one request "
    "(DATA_UPLOAD_MAX_NUMBER_FILES); send fewer.",
}


def visible_jobs(request: HttpRequest) -> QuerySet[CpuJobRecord]:
    jobs = CpuJobRecord.objects.select_related("created_by")
    if getattr(request.user, "is_staff", False):
        return jobs
    return jobs.filter(created_by_id=request.user.pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def job_list(request: HttpRequest) -> HttpResponse:
    form = QueueJobForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            record = queue_cpu_job(
                form.cleaned_data["workload"],
                form.cleaned_data["size"],
                seed=form.cleaned_data["seed"],
                user=request.user,
            )
        except UnknownWorkload as exc:
            form.add_error("workload", str(exc))
        except InvalidJob as exc:
            form.add_error("size", str(exc))
        except InterpExecError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Queued a {record.workload} job of size {record.size}.")
            return redirect(record)
    return render(
        request,
        "interp_exec/job_list.html",
        {
            "form": form,
            "jobs": visible_jobs(request)[:RECENT_JOBS],
            "workloads": [w for w in load_configured_workloads() if offers_input(w)],
        },
    )


@never_cache
@login_required
@csrf_exempt  # checked in _job_input, once the upload handler is in place
@require_http_methods(["GET", "POST"])
def job_input(request: HttpRequest, workload: str) -> HttpResponse:
    """Queue a job of ``workload`` on its sample or on the person's own input.

    Uploads stream through a handler that stops at the workload's payload limit;
    it must be installed before anything reads the body, the CSRF check included.
    """
    load_configured_workloads()
    try:
        definition = get_workload(workload)
    except UnknownWorkload:
        raise Http404(f"no workload {workload!r}") from None
    if not offers_input(definition):
        raise Http404(f"{workload} takes no job from this page")
    limit = upload_limit(workload)
    handler = LimitedUploadHandler(request, limit)
    request.upload_handlers = [handler]
    if request.method == "POST":
        try:
            request.POST  # noqa: B018 - parse the body now, through the handler
        except (RequestDataTooBig, TooManyFilesSent) as exc:
            # Nothing was read into the form: show it again, empty, with the reason.
            return _job_input_page(
                request,
                JobInputForm(definition, upload_limit=limit),
                request_error=_UNREADABLE[type(exc)],
                status=413,
            )
    return _job_input(request, definition, handler)


@csrf_protect
def _job_input(
    request: HttpRequest, definition: Workload, handler: LimitedUploadHandler
) -> HttpResponse:
    form = JobInputForm(
        definition,
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        upload_limit=handler.limit,
        upload_refused=_refusal(definition, handler),
    )
    if form.is_valid():
        source = form.cleaned_data["source"]
        input_field = "size" if source == SAMPLE else "files" if source == UPLOAD else "text"
        try:
            record = queue_cpu_job(
                definition.name,
                form.cleaned_data["size"],
                seed=form.cleaned_data["seed"],
                payload=form.payload,
                user=request.user,
            )
        except InvalidJob as exc:
            form.add_error(input_field, str(exc))
        except InterpExecError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Queued a {record.workload} job of size {record.size}.")
            return redirect(record)
    return _job_input_page(request, form)


def _refusal(definition: Workload, handler: LimitedUploadHandler) -> str:
    if not handler.refused:
        return ""
    return upload_refusal(definition.name, handler.refused)


def _job_input_page(
    request: HttpRequest, form: JobInputForm, *, request_error: str = "", status: int = 200
) -> HttpResponse:
    """The page; ``request_error``: why the request could not be read into the form."""
    return render(
        request,
        "interp_exec/job_input.html",
        {"form": form, "workload": form.workload, "request_error": request_error},
        status=status,
    )


@never_cache
@login_required
@require_GET
def job_detail(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    record = get_object_or_404(visible_jobs(request), pk=job_id)
    return render(
        request,
        "interp_exec/job_detail.html",
        {
            "record": record,
            "display": display_strings(record, full_traceback=request.user.is_staff),
            "result_html": render_result(record),
            "size_unit": _size_unit(record.workload),
            "status_url": reverse("interp_exec:job-status", args=[record.pk]),
        },
    )


def _size_unit(workload: str) -> str:
    """The unit of the workload's sizes when it declares one ("words"), else ""."""
    try:
        inputs = get_workload(workload).inputs
    except UnknownWorkload:
        return ""
    return inputs.unit if inputs is not None else ""


@never_cache
@login_required
@require_GET
def job_status_json(request: HttpRequest, job_id: uuid.UUID) -> JsonResponse:
    record = get_object_or_404(visible_jobs(request), pk=job_id)
    return JsonResponse(job_status(record, full_traceback=request.user.is_staff))


def offers_input(workload: Workload) -> bool:
    """Whether a person may queue ``workload`` here: on its sample or their own input.
    A django.tasks task runs only when its code enqueues it."""
    return not workload.call_with_arguments and (
        workload.sample is not None or workload.inputs is not None
    )
