from collections.abc import Sequence
from typing import Protocol

from interp_exec.domain.jobs import CpuJob, JobOutcome


class CpuTaskPort(Protocol):
    """The one way domain code runs CPU work; it never builds an executor itself.

    Both methods return outcomes instead of raising for anything a job did wrong,
    so a caller always gets a readable, storable result.
    """

    def run(self, job: CpuJob) -> JobOutcome: ...

    def map(self, jobs: Sequence[CpuJob]) -> list[JobOutcome]:
        """Run jobs concurrently where the adapter can; outcomes in input order."""
        ...
