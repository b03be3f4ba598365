"""A kind of job: a registered function and what routing must know about it."""

from collections.abc import Callable

from interp_exec.core.domain.errors import InvalidJob
from interp_exec.core.domain.inputs import WorkloadInputs
from interp_exec.core.domain.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

type WorkloadFunc = Callable[[Any], Any]
type SampleFunc = Callable[[int, int], Any]


class Workload(Record):
    """A registered function and what the dispatcher must know to route it.

    ``interpreter_safe=False`` declares that the workload must never go to a
    subinterpreter; ``True`` makes it a candidate, still subject to the capability
    probe. ``sample(size, seed)``, when given, makes a deterministic payload of
    ``size`` units: the benchmark, ``queue_cpu_job`` without a payload and the job
    form's sample run on it; a workload without one runs on payloads only. ``bench_size`` is a size
    at which one job takes 100 ms or more inline, what ``run_interp_bench`` runs
    by default (without one it needs ``--size``).
    ``min_task_size`` is the author's threshold in those units (sizes mean
    different work per workload, so one site-wide number cannot fit them all). It
    applies unless a flag or ``INTERP_EXEC["MIN_TASK_SIZE"]`` sets one.
    ``call_with_arguments``: the payload is ``{"args": [...], "kwargs": {...}}``,
    spread into the call, not passed as one value: how a ``django.tasks`` task
    (``interp_exec.task_backend``) takes its arguments.
    ``inputs`` declares what a person may give it besides the sample (pasted text,
    uploaded files) and how such a payload is sized; None: the sample only.
    """

    __slots__ = (
        "bench_size",
        "call_with_arguments",
        "description",
        "func",
        "inputs",
        "interpreter_safe",
        "min_task_size",
        "module",
        "name",
        "qualname",
        "sample",
    )
    name: str
    func: WorkloadFunc
    module: str
    qualname: str
    interpreter_safe: bool
    description: str
    sample: SampleFunc | None
    bench_size: int | None
    min_task_size: int | None
    call_with_arguments: bool
    inputs: WorkloadInputs | None

    def __init__(
        self,
        name: str,
        func: WorkloadFunc,
        module: str,
        qualname: str,
        interpreter_safe: bool,
        description: str,
        sample: SampleFunc | None = None,
        bench_size: int | None = None,
        min_task_size: int | None = None,
        call_with_arguments: bool = False,
        inputs: WorkloadInputs | None = None,
    ) -> None:
        self._set(
            name=name,
            func=func,
            module=module,
            qualname=qualname,
            interpreter_safe=interpreter_safe,
            description=description,
            sample=sample,
            bench_size=bench_size,
            min_task_size=min_task_size,
            call_with_arguments=call_with_arguments,
            inputs=inputs,
        )

    def sample_payload(self, size: int, seed: int) -> Any:
        """The sample's payload, or ``InvalidJob`` for a workload that declares none."""
        if self.sample is None:
            raise InvalidJob(f"workload {self.name} has no sample: give it a payload of its own")
        return self.sample(size, seed)
