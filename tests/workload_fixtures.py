"""Workloads that misbehave on purpose, registered only by the test suite.

This module is found through the test run's own ``sys.path`` entry (pytest adds
the tests folder at run time), which subinterpreters do not inherit by default:
running these workloads in the interpreter pool also proves the pool's
initializer hands the host's import path to its workers.
"""

import os
import sys
import time
from typing import Any

from interp_exec import cpu_workload


class PayloadRejectedError(ValueError):
    """A user-defined exception type: it must come back by name, not as a generic error."""


class UnpicklableError(Exception):
    def __init__(self, handle: Any) -> None:
        super().__init__("holds something that cannot be pickled")
        self.handle = handle

    def __reduce__(self) -> Any:
        raise TypeError("UnpicklableError cannot be pickled")


def _sample(size: int, seed: int) -> dict[str, Any]:
    return {"size": size, "seed": seed}


@cpu_workload("tests.echo", sample=_sample)
def echo(payload: dict[str, Any]) -> dict[str, Any]:
    """Returns its payload, after spinning ``spin_s`` seconds (CPU, not sleep)."""
    deadline = time.perf_counter() + float(payload.get("spin_s", 0))
    while time.perf_counter() < deadline:
        pass
    return payload


@cpu_workload("tests.note_run", sample=_sample)
def note_run(payload: dict[str, Any]) -> dict[str, Any]:
    """Notes its run in the file ``payload["runs"]``: whether a job ran at all."""
    with open(payload["runs"], "a") as runs:
        runs.write("ran\n")
    return payload


@cpu_workload("tests.explode", sample=_sample)
def explode(payload: dict[str, Any]) -> None:
    raise PayloadRejectedError(f"payload {payload['seed']} rejected")


@cpu_workload("tests.unpicklable_error", sample=_sample)
def unpicklable_error(payload: dict[str, Any]) -> None:
    raise UnpicklableError(lambda: None)


@cpu_workload("tests.not_json_result", sample=_sample)
def not_json_result(payload: dict[str, Any]) -> set[int]:
    return {1, 2}


@cpu_workload("tests.lazy_numpy", sample=_sample)
def lazy_numpy(payload: dict[str, Any]) -> int:
    """Imports numpy only when it runs: the probe passes, the run must fall back."""
    import numpy as np

    return int(np.arange(payload["size"]).sum())


@cpu_workload("tests.crash", sample=_sample, interpreter_safe=False)
def crash(payload: dict[str, Any]) -> None:
    """Kills its own process: only ever run in processes (it would kill the host)."""
    os._exit(13)


@cpu_workload("tests.exit_process", sample=_sample)
def exit_process(payload: dict[str, Any]) -> None:
    """Ends the process it runs in at once, as a crash in C code would: declared safe
    for subinterpreters, where that process is the whole queue worker."""
    os._exit(13)


@cpu_workload("tests.exit", sample=_sample)
def exit_worker(payload: dict[str, Any]) -> None:
    """Tries to end whatever runs it, as ``sys.exit`` does."""
    sys.exit(f"exit {payload['seed']}")


@cpu_workload("tests.interrupt", sample=_sample)
def interrupt(payload: dict[str, Any]) -> None:
    raise KeyboardInterrupt(f"interrupt {payload['seed']}")


@cpu_workload("tests.generator_exit", sample=_sample)
def generator_exit(payload: dict[str, Any]) -> None:
    raise GeneratorExit(f"generator exit {payload['seed']}")


@cpu_workload("tests.host_stop", sample=_sample)
def host_stop(payload: dict[str, Any]) -> None:
    """Raises what django-q2 raises to stop an overdue task: inline, that passes through."""
    from django_q.exceptions import TimeoutException

    raise TimeoutException("task queue timeout")


@cpu_workload("tests.crash_once", sample=_sample, interpreter_safe=False)
def crash_once(payload: dict[str, Any]) -> None:
    """Notes each run in the file ``payload["runs"]``, then kills its own process."""
    note_run(payload)
    os._exit(13)


@cpu_workload("tests.memory_hog", sample=_sample)
def memory_hog(payload: dict[str, Any]) -> None:
    """Holds ``mib`` MiB, then asks for more memory than any machine has."""
    held = [bytearray(1024 * 1024) for _ in range(payload["mib"])]
    held.append(bytearray(2**62))
