"""The workload registry and the shipped workloads' samples."""

import pytest

from interp_exec.core.domain.errors import UnknownWorkload, WorkloadRegistrationError
from interp_exec.core.workloads import (
    all_workloads,
    cpu_workload,
    get_workload,
    load_workload_modules,
)
from interp_exec.core.workloads.registry import SHIPPED_MODULES


def test_shipped_workloads_are_registered() -> None:
    load_workload_modules()
    names = {w.name for w in all_workloads()}
    assert {"transcript.readability", "audio.loudness", "text.dedupe", "audio.spectrum"} <= names
    assert len(SHIPPED_MODULES) == 5  # the four workloads and audio_inputs


@pytest.mark.parametrize(
    "name", ["transcript.readability", "audio.loudness", "text.dedupe", "audio.spectrum"]
)
def test_samples_are_deterministic_and_seeded(name: str) -> None:
    load_workload_modules()
    sample = get_workload(name).sample
    assert sample(300, 7) == sample(300, 7)
    assert sample(300, 7) != sample(300, 8)


def test_unknown_workload_lists_the_registered_ones() -> None:
    load_workload_modules()
    with pytest.raises(UnknownWorkload, match=r"registered workloads: .*transcript\.readability"):
        get_workload("transcript.nope")


def test_a_host_module_that_cannot_import_is_named() -> None:
    with pytest.raises(WorkloadRegistrationError, match=r"'episodic\.missing_module'"):
        load_workload_modules(["episodic.missing_module"])


def test_nested_functions_cannot_be_workloads() -> None:
    with pytest.raises(WorkloadRegistrationError, match="module-level function"):

        @cpu_workload("tests.nested", sample=lambda size, seed: {})
        def nested(payload: object) -> object:
            return payload


def test_one_name_cannot_be_registered_by_two_functions() -> None:
    load_workload_modules()
    existing = get_workload("transcript.readability")
    with pytest.raises(WorkloadRegistrationError, match="registered twice"):
        cpu_workload("transcript.readability", sample=existing.sample)(other_readability)


def other_readability(payload: object) -> object:
    """A module-level function to try to register under a taken name."""
    return payload
