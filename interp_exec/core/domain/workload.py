"""A kind of job: a registered function and what routing must know about it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from interp_exec.core.domain.inputs import WorkloadInputs

type WorkloadFunc = Callable[[Any], Any]
type SampleFunc = Callable[[int, int], Any]


@dataclass(frozen=True, slots=True)
class Workload:
    """A registered function and what the dispatcher must know to route it.

    ``interpreter_safe=False`` declares that the workload must never go to a
    subinterpreter; ``True`` makes it a candidate, still subject to the capability
    probe. ``sample(size, seed)`` makes a deterministic payload of ``size`` units.
    ``min_task_size`` is the author's threshold in those units (sizes mean
    different work per workload, so one site-wide number cannot fit them all). It
    applies unless a flag or ``INTERP_EXEC["MIN_TASK_SIZE"]`` sets one.
    ``call_with_arguments``: the payload is ``{"args": [...], "kwargs": {...}}``,
    spread into the call, not passed as one value: how a ``django.tasks`` task
    (``interp_exec.task_backend``) takes its arguments.
    ``inputs`` declares what a person may give it besides the sample (pasted text,
    uploaded files) and how such a payload is sized; None: the sample only.
    """

    name: str
    func: WorkloadFunc
    module: str
    qualname: str
    interpreter_safe: bool
    sample: SampleFunc
    description: str
    min_task_size: int | None = None
    call_with_arguments: bool = False
    inputs: WorkloadInputs | None = None
