"""The workload registry, and the site's workloads' samples."""

import pytest

from episodic_site.workloads import MODULES as SITE_WORKLOADS
from interp_exec.core.domain.errors import UnknownWorkload, WorkloadRegistrationError
from interp_exec.core.workloads import (
    all_workloads,
    cpu_workload,
    get_workload,
    load_workload_modules,
)


def test_the_sites_workloads_are_registered_by_their_modules() -> None:
    load_workload_modules(SITE_WORKLOADS)
    names = {w.name for w in all_workloads()}
    assert {"transcript.readability", "audio.loudness", "text.dedupe", "audio.spectrum"} <= names


def test_the_app_itself_registers_no_workload() -> None:
    """A host gets only the workloads it lists: none of the app's modules registers one."""
    assert not [w for w in all_workloads() if w.module.startswith("interp_exec.")]


@pytest.mark.parametrize(
    "name", ["transcript.readability", "audio.loudness", "text.dedupe", "audio.spectrum"]
)
def test_samples_are_deterministic_and_seeded(name: str) -> None:
    load_workload_modules(SITE_WORKLOADS)
    sample = get_workload(name).sample_payload
    assert sample(300, 7) == sample(300, 7)
    assert sample(300, 7) != sample(300, 8)


def test_unknown_workload_lists_the_registered_ones() -> None:
    load_workload_modules(SITE_WORKLOADS)
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
    load_workload_modules(SITE_WORKLOADS)
    existing = get_workload("transcript.readability")
    with pytest.raises(WorkloadRegistrationError, match="registered twice"):
        cpu_workload("transcript.readability", sample=existing.sample)(other_readability)


def other_readability(payload: object) -> object:
    """A module-level function to try to register under a taken name."""
    return payload
