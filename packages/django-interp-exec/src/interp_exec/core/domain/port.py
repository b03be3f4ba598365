from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

from interp_exec.core.domain.jobs import CpuJob, JobOutcome


class CpuTaskPort(Protocol):
    """The one way domain code runs CPU work; it never builds an executor itself.

    Both methods return outcomes instead of raising for anything a job did wrong,
    so a caller always gets a readable, storable result.
    """

    def run(self, job: CpuJob) -> JobOutcome: ...

    def map(self, jobs: Sequence[CpuJob]) -> list[JobOutcome]:
        """Run jobs concurrently where the adapter can; outcomes in input order."""
        ...

    def stream[K](self, jobs: Iterable[tuple[K, CpuJob]]) -> Iterator[list[tuple[K, JobOutcome]]]:
        """Run ``(key, job)`` pairs as ``jobs`` gives them; yield ``(key, outcome)`` pairs
        in batches as they finish.

        ``jobs`` is read only when the pool that runs them has room: a free worker,
        or a place in its short queue behind a busy one (the subinterpreter pool
        keeps one job waiting a worker). So a caller that takes work from a queue
        lazily (the task queue's drain) takes no more than the pool can start at
        once or next, and stores finished outcomes while the next jobs run.
        """
        ...
