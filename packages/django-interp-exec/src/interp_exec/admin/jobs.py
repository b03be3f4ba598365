"""Admin for queued CPU jobs: find them, read their outcome, delete old ones.

Jobs are created by queueing (the form or ``queue_cpu_job``), which also hands
them to the task queue; a record added here would never run, so there is no
add form, and every field is read-only: the outcome is what the worker stored.
Jobs of ``django.tasks`` tasks (``interp_exec.task_backend``) are listed beside
them: their workload is the task's path, and the *Kind* filter separates them.
"""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from interp_exec.models import CpuJobRecord, DispatchLog

# Django's admin classes are generic only in django-stubs, not at run time.
if TYPE_CHECKING:
    _JobAdmin = admin.ModelAdmin[CpuJobRecord]
else:
    _JobAdmin = admin.ModelAdmin

_JOB_FIELDS = ("id", "workload", "size", "seed", "payload", "created_by")
_PROGRESS_FIELDS = (
    "status",
    "attempts",
    "task_id",
    "claimed_by",
    "lease_expires_at",
    "created_at",
    "queued_at",
    "started_at",
    "finished_at",
)
_TASK_FIELDS = ("task_backend", "task_queue", "task_priority", "run_after", "worker_ids")
_OUTCOME_FIELDS = (
    "dispatch_link",
    "mode_requested",
    "mode_used",
    "fallback_reason",
    "wait_ms",
    "run_ms",
    "total_ms",
    "value",
    "error_type",
    "error_message",
    "error_traceback",
)


class JobKindFilter(admin.SimpleListFilter):
    """Workload jobs (queued from the site or ``queue_cpu_job``) or ``django.tasks`` tasks."""

    title = "kind"
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("task", "django.tasks tasks"), ("workload", "workload jobs")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[CpuJobRecord]
    ) -> QuerySet[CpuJobRecord]:
        if self.value() == "task":
            return queryset.exclude(task_backend="")
        if self.value() == "workload":
            return queryset.filter(task_backend="")
        return queryset


@admin.register(CpuJobRecord)
class CpuJobRecordAdmin(_JobAdmin):
    list_display = (
        "created_at",
        "workload",
        "task_path",
        "size",
        "status",
        "mode_used",
        "attempts",
        "run_ms",
        "created_by",
    )
    list_filter = (JobKindFilter, "status", "workload", "task_queue", "mode_used", "created_at")
    search_fields = (
        "id",
        "workload",
        "task_id",
        "dispatch_id",
        "error_type",
        "error_message",
        "created_by__username",
    )
    list_select_related = ("created_by",)
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": _JOB_FIELDS}),
        ("Progress", {"fields": _PROGRESS_FIELDS}),
        ("Task (django.tasks)", {"fields": _TASK_FIELDS, "classes": ["collapse"]}),
        ("Outcome", {"fields": _OUTCOME_FIELDS}),
    )
    readonly_fields = (*_JOB_FIELDS, *_PROGRESS_FIELDS, *_TASK_FIELDS, *_OUTCOME_FIELDS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="Task (django.tasks)", ordering="task_backend")
    def task_path(self, record: CpuJobRecord) -> str:
        return f"{record.workload} ({record.task_queue})" if record.is_task else "—"

    @admin.display(description="Dispatch log entry")
    def dispatch_link(self, record: CpuJobRecord) -> str:
        entry = DispatchLog.objects.filter(dispatch_id=record.dispatch_id).first()
        if not record.dispatch_id or entry is None:
            return "—"
        url = reverse("admin:interp_exec_dispatchlog_change", args=[entry.pk])
        return format_html('<a href="{}">{}</a>', url, record.dispatch_id)
