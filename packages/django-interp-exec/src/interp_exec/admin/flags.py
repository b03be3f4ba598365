"""Admin for the executor flags: who gets a mode, which mode, within which limits.

Django skips waffle's own Flag admin because the model is swapped for
``ExecutorFlag``, so this registers a subclass of waffle's ``FlagAdmin`` (its
bulk on/off actions still apply). Switches, the kill switch among them, keep
waffle's admin. A saved flag clears waffle's cache entry for it, and the cache
is shared by every process, so running workers use the change on their next job.
"""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Field, ManyToManyField, QuerySet
from django.http import HttpRequest, HttpResponse
from waffle.admin import FlagAdmin
from waffle.models import Switch

from interp_exec.admin.auto_bands import auto_bands
from interp_exec.admin.user_ids import StorableIdsField, UserNamesRawIdWidget
from interp_exec.core import conf
from interp_exec.core.domain import AUTO, ExecutorMode
from interp_exec.core.workloads import load_configured_workloads
from interp_exec.models import ExecutorFlag
from interp_exec.routing.flag_policy import DEFAULT_FLAG, KILL_SWITCH, flag_name
from interp_exec.task_backend.storage import enqueued_task_paths
from interp_exec.task_queue import leases

MAX_PERCENT = 99.9

# Django's form classes are generic only in django-stubs, not at run time.
if TYPE_CHECKING:
    _FlagForm = forms.ModelForm[ExecutorFlag]
else:
    _FlagForm = forms.ModelForm


class ExecutorFlagForm(_FlagForm):
    """Checks what the field types alone cannot: rules that depend on the site."""

    class Meta:
        model = ExecutorFlag
        fields = "__all__"
        help_texts = {
            "name": (
                f"{DEFAULT_FLAG} for every workload without its own flag, or cpu.<workload> "
                "(e.g. cpu.transcript.readability)."
            ),
            "everyone": (
                "Yes: every job goes to the mode below. No: every job runs inline. "
                "Unknown: the rules below decide, job by job."
            ),
            "percent": (
                f"Share of jobs (0 to {MAX_PERCENT}) sent to the mode below. Decided per job "
                "and stable: the same job always gets the same answer."
            ),
            "superusers": "Jobs queued by a superuser go to the mode below.",
            "staff": "Jobs queued by staff go to the mode below.",
            "authenticated": "Jobs queued by any signed-in person go to the mode below.",
            "groups": "Jobs queued by members of these groups go to the mode below.",
            "users": "Jobs queued by these users go to the mode below.",
        }

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        if not name.startswith("cpu.") or name == DEFAULT_FLAG:
            return name
        known = {flag_name(w.name) for w in load_configured_workloads()}
        # A django.tasks task is a workload once enqueued, in the process that ran it.
        known |= {flag_name(path) for path in enqueued_task_paths()}
        if name not in known:
            raise forms.ValidationError(
                f"{name} names no registered workload, so no job would read it. "
                f"Use {DEFAULT_FLAG} or one of: {', '.join(sorted(known))}."
            )
        return name

    def clean_percent(self) -> Any:
        percent = self.cleaned_data.get("percent")
        if percent is not None and not 0 <= percent <= MAX_PERCENT:
            raise forms.ValidationError(f"Give a percent from 0 to {MAX_PERCENT}.")
        return percent

    def clean_mode(self) -> str:
        if self.cleaned_data["mode"] == AUTO:
            return AUTO
        mode = ExecutorMode.parse(self.cleaned_data["mode"])
        if mode is ExecutorMode.PROCESSES and not conf.get_setting("PROCESSES_ENABLED"):
            raise forms.ValidationError(
                'Processes are disabled on this site (INTERP_EXEC["PROCESSES_ENABLED"]); '
                "choose inline or interpreters."
            )
        return mode.value

    def clean_timeout_s(self) -> float | None:
        timeout: float | None = self.cleaned_data.get("timeout_s")
        queue_timeout = leases.task_queue_timeout_s()
        if timeout is not None and queue_timeout is not None and timeout >= queue_timeout:
            raise forms.ValidationError(
                f"Give less than the task queue's timeout of {queue_timeout:g} s "
                '(Q_CLUSTER["timeout"]): at that point the worker is killed, before the '
                "job can report that it timed out."
            )
        return timeout

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        name = cleaned.get("name", "")
        if (
            cleaned.get("max_workers") is not None
            and name.startswith("cpu.")
            and name != DEFAULT_FLAG
        ):
            self.add_error(
                "max_workers",
                f"One pool serves every workload: set its size on {DEFAULT_FLAG}, "
                "and leave this blank.",
            )
        return cleaned


@admin.register(ExecutorFlag)
class ExecutorFlagAdmin(FlagAdmin):
    form = ExecutorFlagForm
    fieldsets = (
        (None, {"fields": ("name", "note", "created", "modified")}),
        (
            "Which jobs go to the mode",
            {
                "description": (
                    "Jobs run inline unless this flag is active for them. Everyone decides "
                    "for all jobs at once; otherwise a job is active if one of the person "
                    "rules matches who queued it, or if it falls within the percent."
                ),
                "fields": (
                    "everyone",
                    "percent",
                    "superusers",
                    "staff",
                    "authenticated",
                    "groups",
                    "users",
                ),
            },
        ),
        (
            "Executor",
            {
                "description": (
                    "Where those jobs run and within which limits. A blank limit inherits "
                    f"{DEFAULT_FLAG}'s, then the site's INTERP_EXEC settings. Running workers "
                    "apply a saved change within INTERP_EXEC_FLAG_REFRESH_S (1 s). The switch "
                    f"{KILL_SWITCH} (under Switches) overrides every flag: all jobs inline, "
                    "but an untrusted workload's, which stay in processes."
                ),
                "fields": (
                    "mode",
                    "untrusted",
                    "min_task_size",
                    "max_payload_bytes",
                    "max_workers",
                    "timeout_s",
                ),
            },
        ),
    )
    readonly_fields = ("created", "modified")
    change_form_template = "admin/interp_exec/executorflag/change_form.html"
    # waffle's FlagAdmin types list_display as its own eight-tuple.
    list_display = (  # type: ignore[assignment]
        "name",
        "mode",
        "untrusted",
        "applies_to",
        "min_task_size",
        "max_payload_bytes",
        "max_workers",
        "timeout_s",
        "modified",
    )
    # waffle's FlagAdmin types list_filter as its own four-tuple.
    list_filter = ("mode", "everyone")  # type: ignore[assignment]
    ordering = ("name",)

    # Django's signature; waffle's (untyped) takes the request among the keywords.
    def formfield_for_dbfield(  # type: ignore[override]
        self, db_field: Field[Any, Any], request: HttpRequest | None, **kwargs: Any
    ) -> forms.Field | None:
        # Waffle's own version makes the same box with its widget, which fails on "abc".
        if isinstance(db_field, ManyToManyField) and db_field.name == "users":
            kwargs["widget"] = UserNamesRawIdWidget(
                db_field.remote_field, self.admin_site, using=kwargs.get("using")
            )
            return db_field.formfield(form_class=StorableIdsField, **kwargs)
        if isinstance(db_field, ManyToManyField):
            kwargs["form_class"] = StorableIdsField
        field: forms.Field | None = super().formfield_for_dbfield(  # type: ignore[no-untyped-call]
            db_field, request=request, **kwargs
        )
        return field

    def get_queryset(self, request: HttpRequest) -> QuerySet[ExecutorFlag]:
        queryset: QuerySet[ExecutorFlag] = super().get_queryset(request)
        return queryset.annotate(
            user_count=Count("users", distinct=True), group_count=Count("groups", distinct=True)
        )

    @admin.display(description="Active for")
    def applies_to(self, flag: ExecutorFlag) -> str:
        if flag.everyone is not None:
            return "every job" if flag.everyone else "no job"
        rules = [
            label
            for label, on in (
                (f"{flag.percent}% of jobs", flag.percent),
                ("jobs by superusers", flag.superusers),
                ("jobs by staff", flag.staff),
                ("jobs by signed-in people", flag.authenticated),
                ("jobs by chosen users", getattr(flag, "user_count", 0)),
                ("jobs by chosen groups", getattr(flag, "group_count", 0)),
            )
            if on
        ]
        return "; ".join(rules) or "no job (no rule set)"

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = dict(extra_context or {})
        flag = self.get_object(request, object_id)
        known = {flag_name(w.name): w.name for w in load_configured_workloads()}
        if flag is not None and flag.name in known:
            context["auto_bands"] = auto_bands(known[flag.name])
        response: HttpResponse = super().change_view(request, object_id, form_url, context)
        return response

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if Switch.get(KILL_SWITCH).is_active():
            messages.warning(request, f"The switch {KILL_SWITCH} is on: every CPU job runs inline.")
        response: HttpResponse = super().changelist_view(request, extra_context)
        return response
