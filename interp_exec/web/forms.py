"""The form a person fills in to queue a CPU job."""

from django import forms

from interp_exec.core.workloads import load_configured_workloads

# The form's bound is the service's.
from interp_exec.task_queue.queueing import MAX_JOB_SIZE, MAX_SEED


def workload_choices() -> list[tuple[str, str]]:
    return [
        (w.name, f"{w.name}: {w.description}" if w.description else w.name)
        for w in load_configured_workloads()
        # A django.tasks task runs when its code enqueues it, on its own arguments.
        if not w.call_with_arguments
    ]


class QueueJobForm(forms.Form):
    workload = forms.ChoiceField(choices=workload_choices)
    size = forms.IntegerField(
        min_value=1,
        max_value=MAX_JOB_SIZE,
        initial=2_000,
        help_text="Work in the workload's own units (words, samples, paragraphs).",
    )
    seed = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_SEED,
        help_text="Picks the sample payload; the same seed gives the same payload. Blank: 0.",
    )
