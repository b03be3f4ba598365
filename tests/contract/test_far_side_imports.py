"""A subinterpreter imports only what running a job needs: the far side stays lean.

Each subinterpreter of a pool imports, once, what its jobs need; whatever else
the app's modules drag in is paid for by every slot of every pool. Measured
against the standard library's own ``InterpreterPoolExecutor`` worker (which
already holds ``concurrent.futures``, ``logging`` and through it ``dataclasses``
and ``inspect``): what a job of a plain workload adds on top must be the app's
worker, the registry and the few domain modules a workload's decorator needs.
"""

from concurrent.futures import InterpreterPoolExecutor

from interp_exec import CpuJob, JobStatus
from interp_exec.core.adapters.interpreters import InterpreterPoolAdapter
from tests.far_side_workload import loaded_modules

# What a job adds to a bare worker: keep it this short. A module joining the list
# costs every subinterpreter of every pool its memory.
EXPECTED = {
    "_json",
    "json",
    "json.decoder",
    "json.encoder",
    "json.scanner",
    "interp_exec",
    "interp_exec.core",
    "interp_exec.core.lazy_exports",
    "interp_exec.core.adapters",
    "interp_exec.core.adapters.worker",
    "interp_exec.core.domain",
    "interp_exec.core.domain.errors",
    "interp_exec.core.domain.inputs",
    "interp_exec.core.domain.workload",
    "interp_exec.core.workloads",
    "interp_exec.core.workloads.registry",
    "tests",
    "tests.far_side_workload",
}


def test_a_job_adds_only_the_worker_the_registry_and_the_workload() -> None:
    with InterpreterPoolExecutor(1) as bare:
        baseline = set(bare.submit(loaded_modules).result())
    adapter = InterpreterPoolAdapter(max_workers=1)
    try:
        outcome = adapter.run(CpuJob("tests.far_side", {"text": "one two three"}, size=3))
        assert (outcome.status, outcome.value) == (JobStatus.OK, 3)
        after_job = set(adapter.executor().submit(loaded_modules).result())
    finally:
        adapter.shutdown()
    assert after_job - baseline == EXPECTED
    assert not {"django", "typing", "uuid", "pathlib"} & after_job
