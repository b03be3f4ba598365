"""A subinterpreter imports only what running a job needs: the far side stays lean.

Each subinterpreter of a pool imports, once, what its jobs need; whatever else
the app's modules drag in is paid for by every slot of every pool. Measured
against a bare ``concurrent.interpreters`` interpreter: what a pool's worker and
a job of a plain workload add must be the app's worker with ``json``, the registry
and the few domain modules a workload's decorator needs (no ``dataclasses``: it
imports ``inspect``), and the workload. The pool itself adds nothing
(``interpreter_pool``): none of the standard library's ``InterpreterPoolExecutor``
worker's ``concurrent.futures``, ``logging`` or ``traceback``, and no ``pickle``:
the functions it calls there are sent as code (``worker.execute_job``).
"""

from concurrent import interpreters

from interp_exec import CpuJob, JobStatus
from interp_exec.core.adapters.interpreters import InterpreterPoolAdapter
from tests.far_side_workload import loaded_modules

# What a pool's worker and one job add to a bare interpreter: keep it this short. A
# module joining the list costs every subinterpreter of every pool its memory.
EXPECTED = {
    # The worker: the payload and the result are JSON, and json's decoder uses re.
    *("json", "json.decoder", "json.encoder", "json.scanner", "_json", "_interpreters"),
    *("re", "re._casefix", "re._compiler", "re._constants", "re._parser", "_sre", "enum"),
    # What re and enum import.
    *("types", "_types", "functools", "_functools", "itertools", "operator", "_operator"),
    *("collections", "_collections", "collections.abc", "keyword", "reprlib", "copyreg"),
    "interp_exec",
    "interp_exec.core",
    "interp_exec.core.lazy_exports",
    "interp_exec.core.adapters",
    "interp_exec.core.adapters.worker",
    # The registry and the domain types a workload's decorator makes (records, not
    # dataclasses: see interp_exec.core.domain.records).
    "interp_exec.core.domain",
    "interp_exec.core.domain.errors",
    "interp_exec.core.domain.inputs",
    "interp_exec.core.domain.records",
    "interp_exec.core.domain.workload",
    "interp_exec.core.workloads",
    "interp_exec.core.workloads.registry",
    *("importlib", "importlib._bootstrap", "importlib._bootstrap_external"),
    # The workload.
    "tests",
    "tests.far_side_workload",
}

# What the standard library's pool worker holds and this pool's must not; what
# dataclasses and typing would bring; what a function sent by reference (pickle) and
# the registry's lock from threading did.
HEAVY = {"concurrent.futures", "concurrent.interpreters", "logging", "traceback", "warnings"}
HEAVY |= {"dataclasses", "inspect", "ast", "dis", "tokenize", "typing", "pickle", "threading"}


def test_a_job_adds_only_the_worker_the_registry_and_the_workload() -> None:
    bare = interpreters.create()
    try:
        baseline = set(bare.call(loaded_modules))
    finally:
        bare.close()
    adapter = InterpreterPoolAdapter(max_workers=1)
    try:
        outcome = adapter.run(CpuJob("tests.far_side", {"text": "one two three"}, size=3))
        assert (outcome.status, outcome.value) == (JobStatus.OK, 3)
        after_job = set(adapter.executor().submit(loaded_modules).result())
    finally:
        adapter.shutdown()
    assert after_job - baseline == EXPECTED
    assert not {"django", "uuid", "pathlib", *HEAVY} & after_job
