"""Admin for the dispatch log: read-only rows, filters, and a summary of the filtered rows.

The rows are written only by the dispatch events (``interp_exec.telemetry.dispatch_log_sink``);
the admin can look, filter and search, never add, edit or delete.
"""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from interp_exec.admin.dispatch_summary import SAMPLE_LIMIT, summarize
from interp_exec.models import DispatchLog

# Django's admin classes are generic only in django-stubs, not at run time.
if TYPE_CHECKING:
    _DispatchLogAdmin = admin.ModelAdmin[DispatchLog]
else:
    _DispatchLogAdmin = admin.ModelAdmin


@admin.register(DispatchLog)
class DispatchLogAdmin(_DispatchLogAdmin):
    change_list_template = "admin/interp_exec/dispatchlog/change_list.html"
    list_display = (
        "created_at",
        "workload",
        "status",
        "mode_requested",
        "mode_used",
        "size",
        "run_ms",
        "wait_ms",
        "total_ms",
        "error_type",
    )
    list_filter = ("workload", "mode_used", "status", "created_at")
    search_fields = ("dispatch_id", "workload", "error_type", "error_message")
    date_hierarchy = "created_at"
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DispatchLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DispatchLog | None = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        # A TemplateResponse is rendered late: add the summary of the rows the
        # filters and search selected. (A bad filter answers with a redirect.)
        context = getattr(response, "context_data", None)
        if context is not None and "cl" in context:
            context["summary"] = summarize(context["cl"].queryset)
            context["summary_sample_limit"] = SAMPLE_LIMIT
        return response
