"""A person's own input made into a job's payload and size, for the job form and the API.

Both go through here, so both refuse the same payload with the same sentence:

    pasted text / uploaded files --workload's parser--> payload -+
    payload given whole (API) -----------------------------------+-> bytes --measure--> size

where "bytes" is ``check_payload`` (the database can store it, and it is within the
workload's ``max_payload_bytes``: a cheap check, made before the measure reads the
payload) and ``measure`` is the workload's own check of every field it reads.
``queue_cpu_job(workload, size, payload=payload)`` then stores it. Uploads are
limited to the same number of bytes (``upload_limit``) while they stream in.
"""

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from interp_exec.core.domain import CpuJob, InvalidInput
from interp_exec.core.domain.inputs import InputFile, WorkloadInputs
from interp_exec.core.wiring import policy_for
from interp_exec.core.workloads import get_workload
from interp_exec.task_queue.queueing import MAX_JOB_SIZE, check_payload


def declared_inputs(workload: str) -> WorkloadInputs:
    """What ``workload`` takes besides its sample; ``InvalidInput`` if nothing."""
    inputs = get_workload(workload).inputs
    if inputs is None:
        raise InvalidInput(
            f"{workload} takes no input of yours, only its sample: give a size and a seed"
        )
    return inputs


def upload_limit(workload: str, user: AbstractBaseUser | AnonymousUser) -> int:
    """Bytes of uploaded files one job of ``workload`` may carry: its payload limit."""
    user_id = user.pk if user.is_authenticated else None
    return policy_for(CpuJob(workload, None, size=1, user_id=user_id)).max_payload_bytes


def payload_size(workload: str, payload: Any) -> int:
    """The job size of ``payload``, once it is checked: its bytes, then every field the
    workload reads, as the workload measures it."""
    inputs = declared_inputs(workload)
    check_payload(workload, payload)
    return inputs.size_of(payload, most=MAX_JOB_SIZE)


def payload_from_text(workload: str, text: str) -> tuple[Any, int]:
    inputs = declared_inputs(workload)
    if inputs.paste is None:
        raise InvalidInput(f"{workload} takes no pasted text")
    if not text.strip():
        raise InvalidInput("paste some text")
    payload = inputs.paste.parse(text)
    return payload, payload_size(workload, payload)


def payload_from_files(workload: str, files: Sequence[InputFile]) -> tuple[Any, int]:
    inputs = declared_inputs(workload)
    if inputs.upload is None:
        raise InvalidInput(f"{workload} takes no uploaded files")
    payload = inputs.upload.parse_files(files)
    return payload, payload_size(workload, payload)
