"""A person's own input made into a job's payload and size, for the job form and the API.

Both go through here, so both refuse the same payload with the same sentence:

    pasted text / uploaded files --workload's parser--> payload -+
    payload given whole (API) -----------------------------------+-> bytes --measure--> size

where "bytes" is ``checked_payload`` (its JSON text: the database can store it, and it
is within the workload's ``max_payload_bytes``; a cheap check, made before the measure
reads the payload) and ``measure`` is the workload's own check of every field it reads.
``queue_cpu_job(workload, size, payload=checked)`` then stores that text. Uploads stream in
up to ``upload_limit`` file bytes: what can still make a payload within the limit.
Every limit is told in the workload's terms as well as in bytes (``limit_text``).
"""

from collections.abc import Sequence
from typing import Any

from interp_exec.core.domain import CpuJob, InvalidInput
from interp_exec.core.domain.inputs import InputFile, WorkloadInputs
from interp_exec.core.wiring import policy_for
from interp_exec.core.workloads import get_workload
from interp_exec.routing.flag_policy import flag_name
from interp_exec.task_queue.queueing import MAX_JOB_SIZE, CheckedPayload, checked_payload


def declared_inputs(workload: str) -> WorkloadInputs:
    """What ``workload`` takes besides its sample; ``InvalidInput`` if nothing."""
    inputs = get_workload(workload).inputs
    if inputs is None:
        raise InvalidInput(
            f"{workload} takes no input of yours, only its sample: give a size and a seed"
        )
    return inputs


def payload_limit(workload: str) -> int:
    """The bytes of payload one job of ``workload`` may carry: its flags' limit, which
    is the same for every person."""
    return policy_for(CpuJob(workload, None, size=1)).max_payload_bytes


def upload_limit(workload: str) -> int:
    """The bytes of files one job of ``workload`` may upload: the most that can still
    make a payload within its limit."""
    limit = payload_limit(workload)
    inputs = get_workload(workload).inputs
    return limit if inputs is None or inputs.upload is None else inputs.upload.file_limit(limit)


def limit_text(workload: str) -> str:
    """``workload``'s payload limit as a person reads it ("about 8.5 s of ... audio")."""
    return declared_inputs(workload).limit_text(payload_limit(workload), MAX_JOB_SIZE)


def upload_refusal(workload: str, file_name: str) -> str:
    """Why an upload was stopped as it streamed in, with what one job takes and what to do."""
    inputs = declared_inputs(workload)
    together = " for all files together" if inputs.upload and inputs.upload.many else ""
    return (
        f"{file_name} goes over this workload's upload limit of {upload_limit(workload):,} "
        f"bytes{together}: one job takes at most {limit_text(workload)}. Split the input "
        f"into several jobs, or raise max_payload_bytes on flag {flag_name(workload)}"
    )


def checked_input(workload: str, payload: Any) -> tuple[CheckedPayload, int]:
    """``payload`` checked, and its job size: its bytes, then every field the workload
    reads, as the workload measures it."""
    inputs = declared_inputs(workload)
    checked = checked_payload(
        workload, payload, limit_text=lambda limit: inputs.limit_text(limit, MAX_JOB_SIZE)
    )
    return checked, inputs.size_of(payload, most=MAX_JOB_SIZE)


def payload_from_text(workload: str, text: str) -> tuple[CheckedPayload, int]:
    inputs = declared_inputs(workload)
    if inputs.paste is None:
        raise InvalidInput(f"{workload} takes no pasted text")
    if not text.strip():
        raise InvalidInput("paste some text")
    return checked_input(workload, inputs.paste.parse(text))


def payload_from_files(workload: str, files: Sequence[InputFile]) -> tuple[CheckedPayload, int]:
    inputs = declared_inputs(workload)
    if inputs.upload is None:
        raise InvalidInput(f"{workload} takes no uploaded files")
    return checked_input(workload, inputs.upload.parse_files(files))
