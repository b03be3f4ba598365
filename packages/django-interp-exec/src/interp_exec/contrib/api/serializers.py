"""What the API reads (a job request) and writes (a job as its owner may see it)."""

from typing import Any

from rest_framework import serializers

from interp_exec.core.domain.errors import shown
from interp_exec.core.workloads import load_configured_workloads
from interp_exec.models import CpuJobRecord
from interp_exec.task_queue.queueing import MAX_JOB_SIZE, MAX_SEED
from interp_exec.web.job_status import without_server_paths


def _workload_choices() -> list[str]:
    """The workloads a program may queue: a django.tasks task is not one of them (only
    its own ``enqueue`` makes its jobs, with the arguments its code chose)."""
    return [w.name for w in load_configured_workloads() if not w.call_with_arguments]


class WholeNumberField(serializers.IntegerField):
    """A JSON whole number, nothing else: REST framework's own field also takes "12",
    12.0 and true, which no program means as a job's size or seed."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        value: int = super().to_internal_value(data)
        return value


class JobRequestSerializer(serializers.Serializer[None]):
    """A job to queue: a workload with your own ``payload``, or its sample (``size``, ``seed``).

    With a payload the size is measured from it (words, samples per channel,
    paragraphs); give ``size`` only for a workload that declares no way to measure
    its payload.
    """

    workload = serializers.ChoiceField(choices=[])
    payload = serializers.JSONField(
        required=False,
        help_text="The workload's payload as JSON; leave it out to run the sample.",
    )
    size = WholeNumberField(
        required=False,
        min_value=1,
        max_value=MAX_JOB_SIZE,
        help_text="The sample's size in the workload's units; measured from a payload.",
    )
    seed = WholeNumberField(
        required=False,
        min_value=0,
        max_value=MAX_SEED,
        help_text="Picks the sample; the same seed gives the same payload. Default 0.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read when a request comes, not at import: host workloads register late.
        self.fields["workload"].choices = _workload_choices()  # type: ignore[attr-defined]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        f"unknown field {shown(unknown[0])}: a job request takes "
                        f"{', '.join(self.fields)}"
                    ]
                }
            )
        if "payload" in attrs and "seed" in attrs:
            raise serializers.ValidationError(
                {"seed": ["a seed picks a sample; leave it out when you give a payload"]}
            )
        if "payload" not in attrs and "size" not in attrs:
            raise serializers.ValidationError(
                {"size": ["give a payload, or the size (and seed) of a sample"]}
            )
        return attrs


class UploadRequestSerializer(serializers.Serializer[None]):
    """Files to queue a job on (the schema's description; the view reads the stream)."""

    file = serializers.ListField(
        child=serializers.FileField(),
        help_text="The file, or for a workload that takes many, one part per file.",
    )


class UploadLimitsSerializer(serializers.Serializer[None]):
    """What one job of a workload may upload."""

    workload = serializers.CharField()
    field = serializers.CharField(help_text="The form field the files go in.")
    suffixes = serializers.ListField(child=serializers.CharField())
    multiple = serializers.BooleanField(help_text="Whether several files make one job.")
    help = serializers.CharField()
    max_file_bytes = serializers.IntegerField(help_text="The upload stops past this.")
    max_payload_bytes = serializers.IntegerField(help_text="The decoded payload's limit.")
    limit = serializers.CharField(help_text="The limit in the workload's terms.")
    flag = serializers.CharField(help_text="The flag whose max_payload_bytes sets the limit.")


class JobSerializer(serializers.ModelSerializer[CpuJobRecord]):
    """A job as its owner sees it: its state, where it ran, and its value or error.

    ``error_message`` and ``error_traceback`` show server paths to staff only, as
    the job page does.
    """

    url = serializers.HyperlinkedIdentityField(view_name="interp_exec:api:job-detail")
    page = serializers.SerializerMethodField(help_text="The job's page on the site.")
    finished = serializers.BooleanField(source="is_finished", read_only=True)
    error_message = serializers.SerializerMethodField()
    error_traceback = serializers.SerializerMethodField()

    class Meta:
        model = CpuJobRecord
        fields = [
            "id",
            "url",
            "page",
            "workload",
            "size",
            "seed",
            "status",
            "finished",
            "attempts",
            "mode_requested",
            "mode_used",
            "fallback_reason",
            "value",
            "error_type",
            "error_message",
            "error_traceback",
            "wait_ms",
            "run_ms",
            "total_ms",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_page(self, record: CpuJobRecord) -> str:
        request = self.context.get("request")
        path = record.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path

    def get_error_message(self, record: CpuJobRecord) -> str:
        return self._shown(record.error_message)

    def get_error_traceback(self, record: CpuJobRecord) -> str:
        return self._shown(record.error_traceback)

    def _shown(self, text: str) -> str:
        request = self.context.get("request")
        staff = request is not None and getattr(request.user, "is_staff", False)
        return text if staff else without_server_paths(text)
