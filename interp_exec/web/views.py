"""Pages to queue CPU jobs and follow them: a form with the recent jobs, a status page.

A person sees their own jobs; staff see everyone's. The status page polls
``status.json`` until the job ends. None of them may be cached (never_cache:
``Cache-Control: private, no-store`` and more): they show one person's jobs.
"""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from interp_exec.core.domain import InterpExecError, InvalidJob, UnknownWorkload
from interp_exec.models import CpuJobRecord
from interp_exec.task_queue.queueing import queue_cpu_job
from interp_exec.web.forms import QueueJobForm
from interp_exec.web.job_status import display_strings, job_status

RECENT_JOBS = 50


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
        {"form": form, "jobs": visible_jobs(request)[:RECENT_JOBS]},
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
            "status_url": reverse("interp_exec:job-status", args=[record.pk]),
        },
    )


@never_cache
@login_required
@require_GET
def job_status_json(request: HttpRequest, job_id: uuid.UUID) -> JsonResponse:
    record = get_object_or_404(visible_jobs(request), pk=job_id)
    return JsonResponse(job_status(record, full_traceback=request.user.is_staff))
