"""The forms a person fills in to queue a CPU job.

``QueueJobForm`` queues a workload's sample (size and seed). ``JobInputForm`` is
built for one workload from what it declares (``WorkloadInputs``): the sample,
pasted text, uploaded files; the person picks one as the input source. Its
fields come in that order and the file input last: an upload over the limit
stops the request's parsing at the file, and the fields before it still arrive.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from interp_exec.core.domain import InvalidJob, Workload
from interp_exec.core.domain.inputs import InputFile
from interp_exec.core.workloads import load_configured_workloads

# The form's bound is the service's.
from interp_exec.task_queue.queueing import MAX_JOB_SIZE, MAX_SEED, CheckedPayload
from interp_exec.web.job_inputs import limit_text, payload_from_files, payload_from_text

SAMPLE, PASTE, UPLOAD = "sample", "paste", "upload"


def workload_choices() -> list[tuple[str, str]]:
    """The workloads a person can queue a sample job of."""
    return [
        (w.name, f"{w.name}: {w.description}" if w.description else w.name)
        for w in load_configured_workloads()
        # A django.tasks task runs when its code enqueues it, on its own arguments.
        if not w.call_with_arguments and w.sample is not None
    ]


def size_field(*, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        required=required,
        min_value=1,
        max_value=MAX_JOB_SIZE,
        initial=2_000,
        help_text="Work in the workload's own units (words, samples, paragraphs).",
    )


def seed_field() -> forms.IntegerField:
    return forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_SEED,
        help_text="Picks the sample payload; the same seed gives the same payload. Blank: 0.",
    )


class QueueJobForm(forms.Form):
    workload = forms.ChoiceField(choices=workload_choices)
    size = size_field()
    seed = seed_field()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class OneFileInput(forms.ClearableFileInput):
    """A file input for one file that still reads every file posted under its name:
    Django's own keeps the last one, so a second file sent past the browser's input
    would replace the first without a word. The field refuses them instead."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return files.getlist(name)


class UploadField(forms.FileField):
    """One or several files, as the workload declares; cleaned to a list either way.

    Several files posted for one are all kept, and the workload's declaration refuses
    them (``FileUpload.parse_files``). Empty files pass: the workload's parser names
    the empty file in its error.
    """

    def __init__(self, *, many: bool, **kwargs: Any) -> None:
        kwargs["widget"] = MultipleFileInput() if many else OneFileInput()
        super().__init__(allow_empty_file=True, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[bytes]]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(UploadField, self).clean(file, initial) for file in files]


class JobInputForm(forms.Form):
    """The input of one job of ``workload``: its sample, or the person's own data.

    When valid, ``payload`` is the parsed payload (None for the sample) and
    ``cleaned_data["size"]`` the job's size, measured from the payload for real input.
    ``upload_refused``: why the upload was stopped while it streamed in (over the limit).
    """

    def __init__(
        self,
        workload: Workload,
        *args: Any,
        upload_limit: int,
        upload_refused: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.workload = workload
        self.upload_refused = upload_refused
        self.payload: CheckedPayload | None = None
        inputs = workload.inputs
        sources = []
        if workload.sample is not None:
            sources.append((SAMPLE, "Sample: generated, of the size and seed you give"))
        if inputs is not None and inputs.paste is not None:
            sources.append((PASTE, "Paste text"))
            self.fields["text"] = forms.CharField(
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 8}),
                help_text=inputs.paste.help_text,
            )
        if inputs is not None and inputs.upload is not None:
            upload = inputs.upload
            sources.append((UPLOAD, "Upload files" if upload.many else "Upload a file"))
            self.fields["files"] = UploadField(
                many=upload.many,
                required=False,
                label="Files" if upload.many else "File",
                help_text=f"{upload.help_text} One job takes at most "
                f"{limit_text(workload.name)}; an upload stops at {upload_limit:,} bytes"
                f"{' in all' if upload.many else ''}.",
            )
            self.fields["files"].widget.attrs["accept"] = ",".join(upload.suffixes)
        self.fields["source"] = forms.ChoiceField(
            choices=sources,
            initial=sources[-1][0],
            widget=forms.RadioSelect,
            label="Input",
        )
        self.fields["size"] = size_field(required=False)
        self.fields["seed"] = seed_field()
        self.order_fields(["source", "size", "seed", "text", "files"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        source = cleaned.get("source")
        given_text = bool(cleaned.get("text", "").strip())
        given_files = bool(cleaned.get("files"))
        if self.upload_refused:
            self.add_error("files", self.upload_refused)
        elif source == SAMPLE:
            if cleaned.get("size") is None and "size" not in self.errors:
                self.add_error("size", "Give the size of the sample.")
            if given_text or given_files:
                self.add_error(
                    "source",
                    "You chose the sample but also gave "
                    f"{'files' if given_files else 'text'}: choose the input to use.",
                )
        elif source == PASTE and "text" not in self.errors:
            self._parse("text", lambda: payload_from_text(self.workload.name, cleaned["text"]))
        elif source == UPLOAD and "files" not in self.errors:
            files = [InputFile(f.name or "", f.read()) for f in cleaned.get("files", [])]
            self._parse("files", lambda: payload_from_files(self.workload.name, files))
        return cleaned

    def _parse(self, field: str, parse: Callable[[], tuple[CheckedPayload, int]]) -> None:
        try:
            self.payload, self.cleaned_data["size"] = parse()
        except InvalidJob as exc:  # InvalidInput, or a payload over the limit
            self.add_error(field, str(exc))
        else:
            self.cleaned_data["seed"] = None
