"""What runs on the far side of every adapter: inline, in a subinterpreter, in a
child process. One function for all three is what makes their results identical.

Data flow of one call::

    host: payload -> json.dumps -> (module, qualname, payload_json, sample=None)
      --> worker: import module -> func(json.loads(payload_json)) -> json.dumps(result)
      <-- host: (result_json, pid, interpreter id, run_ms, payload bytes) -> outcome

Strings cross cheaply into a subinterpreter and JSON is what the outcome stores,
so the payload and result are JSON text on the wire in every mode. A sampled
job sends ``sample=(module, qualname, size, seed)`` of the workload's sample
function instead of a payload, and the worker builds the payload itself: the
host neither builds nor copies it.
"""

import importlib
import json
import os
import time
from collections.abc import Sequence
from concurrent import interpreters
from typing import Any

from interp_exec.core.domain.execution import SampleCall

type WorkerReply = tuple[str, int, int, float, int]


def prepare_worker(sys_path: Sequence[str], modules: Sequence[str]) -> None:
    """Pool initializer: give the worker the host's import path and warm imports.

    Subinterpreters do not inherit runtime additions to the host's ``sys.path``
    (cpython#126714), so a workload found only through such an addition would fail
    to unpickle, and so would this very function if it were pickled by reference.
    It therefore touches no module globals (its imports are local): such a
    function is sent to the subinterpreter as code, not by reference.

    A module that fails to import here is skipped, not raised: a raising
    initializer breaks the whole pool, while the job that needs the module will
    import it again and report the real error in its own outcome.
    """
    import importlib
    import sys

    sys.path[:] = list(sys_path)
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception:  # noqa: S112 - reported by the job that needs it, see above
            continue


def execute(
    module: str, qualname: str, payload_json: str, sample: SampleCall | None = None
) -> WorkerReply:
    func = _resolve(module, qualname)
    if sample is None:
        payload = json.loads(payload_json)
        payload_bytes = len(payload_json.encode())
    else:
        sample_module, sample_qualname, size, seed = sample
        payload = _resolve(sample_module, sample_qualname)(size, seed)
        payload_bytes = len(json.dumps(payload, allow_nan=False).encode())
    started = time.perf_counter()
    result = func(payload)
    run_ms = (time.perf_counter() - started) * 1000
    result_json = json.dumps(result, allow_nan=False)
    return result_json, os.getpid(), interpreters.get_current().id, run_ms, payload_bytes


def _resolve(module: str, qualname: str) -> Any:
    found: Any = importlib.import_module(module)
    for attribute in qualname.split("."):
        found = getattr(found, attribute)
    return found


def ping() -> int:
    """A no-op job, used to start every worker of a pool ahead of real work."""
    return os.getpid()
