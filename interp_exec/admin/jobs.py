"""Admin for queued CPU jobs: find them, read their outcome, delete old ones.

Jobs are created by queueing (the form or ``queue_cpu_job``), which also hands
them to the task queue; a record added here would never run, so there is no
add form, and every field is read-only: the outcome is what the worker stored.
"""

from typing import TYPE_CHECKING

from django.contrib import admin
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


@admin.register(CpuJobRecord)
class CpuJobRecordAdmin(_JobAdmin):
    list_display = (
        "created_at",
        "workload",
        "size",
        "status",
        "mode_used",
        "attempts",
        "run_ms",
        "created_by",
    )
    list_filter = ("status", "workload", "mode_used", "created_at")
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
        ("Outcome", {"fields": _OUTCOME_FIELDS}),
    )
    readonly_fields = (*_JOB_FIELDS, *_PROGRESS_FIELDS, *_OUTCOME_FIELDS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="Dispatch log entry")
    def dispatch_link(self, record: CpuJobRecord) -> str:
        entry = DispatchLog.objects.filter(dispatch_id=record.dispatch_id).first()
        if not record.dispatch_id or entry is None:
            return "—"
        url = reverse("admin:interp_exec_dispatchlog_change", args=[entry.pk])
        return format_html('<a href="{}">{}</a>', url, record.dispatch_id)
