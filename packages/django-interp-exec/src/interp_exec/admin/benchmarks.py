"""Admin for benchmark runs: read-only list and detail with charts, and a comparison.

Runs are written by ``manage.py run_interp_bench`` only, so nothing here adds or
edits them; deleting old runs is allowed. The detail page draws two charts
(``interp_exec.admin.charts``, inline SVG) from the run's results; the action
"Compare the two selected runs" opens ``compare/<a>/<b>/``, the older run first.
"""

import dataclasses
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.safestring import SafeString, mark_safe

from interp_exec.admin.charts import Bar, ReferenceLine, bar_chart
from interp_exec.bench.comparison import compare_runs
from interp_exec.bench.harness import ModeResult
from interp_exec.models import BenchmarkResult, BenchmarkRun

# Django's admin classes are generic only in django-stubs, not at run time.
if TYPE_CHECKING:
    _ResultInline = admin.TabularInline[BenchmarkResult, BenchmarkRun]
    _RunAdmin = admin.ModelAdmin[BenchmarkRun]
else:
    _ResultInline = admin.TabularInline
    _RunAdmin = admin.ModelAdmin

# Every figure the harness measures, in its order: the model stores ModeResult whole.
_RESULT_FIELDS = tuple(field.name for field in dataclasses.fields(ModeResult))


class BenchmarkResultInline(_ResultInline):
    model = BenchmarkResult
    fields = _RESULT_FIELDS
    readonly_fields = _RESULT_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: BenchmarkRun | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: BenchmarkRun | None = None) -> bool:
        return False


@admin.register(BenchmarkRun)
class BenchmarkRunAdmin(_RunAdmin):
    list_display = (
        "created_at",
        "host",
        "cpu_count",
        "workers",
        "python_version",
        "revision",
        "workload_names",
        "regression_list",
    )
    list_filter = ("host", "python_version")
    fields = (
        "created_at",
        "host",
        "cpu_count",
        "workers",
        "python_version",
        "git_revision",
        "tolerance",
        "regressions",
        "options",
    )
    readonly_fields = fields
    inlines = (BenchmarkResultInline,)
    actions = ("compare_selected",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[BenchmarkRun]:
        return super().get_queryset(request).prefetch_related("results")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: BenchmarkRun | None = None) -> bool:
        return False

    @admin.display(description="revision")
    def revision(self, run: BenchmarkRun) -> str:
        return run.git_revision[:10]

    @admin.display(description="workloads")
    def workload_names(self, run: BenchmarkRun) -> str:
        return ", ".join(sorted({r.workload for r in run.results.all()}))

    @admin.display(description="regressions")
    def regression_list(self, run: BenchmarkRun) -> str:
        return ", ".join(run.regressions) or "none"

    @admin.action(description="Compare the two selected runs")
    def compare_selected(
        self, request: HttpRequest, queryset: QuerySet[BenchmarkRun]
    ) -> HttpResponse | None:
        runs = list(queryset.order_by("created_at", "pk")[:3])
        if len(runs) != 2:
            self.message_user(
                request, "Select exactly two runs to compare them.", level=messages.WARNING
            )
            return None
        return HttpResponseRedirect(
            reverse("admin:interp_exec_benchmarkrun_compare", args=[runs[0].pk, runs[1].pk])
        )

    def get_urls(self) -> list[URLPattern]:
        compare = path(
            "compare/<int:before>/<int:after>/",
            self.admin_site.admin_view(self.compare_view),
            name="interp_exec_benchmarkrun_compare",
        )
        return [compare, *super().get_urls()]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # Permission before lookup, so no answer tells whether a run exists.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        run = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if run is not None:
            context["charts"] = run_charts(run)
            earlier = (
                BenchmarkRun.objects.filter(
                    Q(created_at__lt=run.created_at) | Q(created_at=run.created_at, pk__lt=run.pk)
                )
                .order_by("-created_at", "-pk")
                .first()
            )
            if earlier is not None:
                context["compare_earlier_url"] = reverse(
                    "admin:interp_exec_benchmarkrun_compare", args=[earlier.pk, run.pk]
                )
        return super().change_view(request, object_id, form_url, context)

    def compare_view(self, request: HttpRequest, before: int, after: int) -> HttpResponse:
        # Permission before lookup: a 404 for a missing run would tell who may not
        # see runs which ones exist.
        if not self.has_view_permission(request):
            raise PermissionDenied
        first = get_object_or_404(BenchmarkRun, pk=before)
        second = get_object_or_404(BenchmarkRun, pk=after)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Compare benchmark runs {first.pk} and {second.pk}",
            "before": first,
            "after": second,
            "comparisons": compare_runs(first.results.all(), second.results.all()),
        }
        return TemplateResponse(request, "admin/interp_exec/benchmarkrun/compare.html", context)


def run_charts(run: BenchmarkRun) -> list[SafeString]:
    """Throughput by mode, and speedup against the ideal (= the run's workers)."""
    results = list(run.results.all())
    throughput = bar_chart(
        [Bar(r.workload, r.mode, r.jobs_per_s) for r in results],
        chart_id=f"run-{run.pk}-throughput",
        title="Throughput by mode (jobs/s, higher is better)",
        suffix=" jobs/s",
    )
    speedup = bar_chart(
        [Bar(r.workload, r.mode, r.speedup_vs_inline) for r in results],
        chart_id=f"run-{run.pk}-speedup",
        title=f"Speedup over inline (x; ideal = {run.workers} workers)",
        suffix="x",
        reference=ReferenceLine(run.workers, f"ideal {run.workers}x"),
    )
    # bar_chart escapes every label it writes; the rest is markup it made itself.
    return [mark_safe(throughput), mark_safe(speedup)]  # noqa: S308
