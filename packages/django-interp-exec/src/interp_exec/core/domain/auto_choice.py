"""Auto mode's choice for a job: the mode its size band's figures favour, and why.

The figures come from outside the core (the site reads its dispatch log and its
latest benchmark run, ``interp_exec.routing.auto_figures``); this module only compares
them, so the rule is a plain function, tested without a database::

    figures per mode for (workload, band) + the eligible modes
      -> plan_band, once per refresh of the figures: the best mode and the
         alternatives, each with the sentence a person reads in the outcome
    per job: exploration_draw(rollout key) -> pick(plan, draw, share)

A job costs a dictionary lookup, a hash of its key and a comparison: the
sentences are written when the figures change, not per job.

A plan says when it is still learning: a mode without figures in the band, or
one whose figures are a benchmark's (``jobs`` 0) rather than this site's own jobs.

Exploration keeps every eligible mode measured: a share of the jobs (draws
below ``share``) goes to the modes the figures do not favour, else a mode that
once lost would never be measured again and could never win back. A job's draw
comes from its rollout key (a queued job's record id), so the same job gets the
same choice each time it is planned: the queue's drain asks where a job goes
before it runs it, and must get the answer the run gets.
"""

import hashlib
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from interp_exec.core.domain.modes import ExecutorMode
from interp_exec.core.domain.size_bands import SizeBand

RESOLUTION_MS = 0.001


@dataclass(frozen=True, slots=True)
class ModeFigures:
    """What one mode costs per job in one size band.

    ``ms_per_job`` is the time a worker spends per job, its pool's parallelism
    counted: (run + wait) / pool workers, so a pool of two running each job in
    1.2x inline's time is 1.67x inline. ``source`` says where the figure comes
    from, in words: "the last 200 jobs" or "benchmark run 12".
    """

    mode: ExecutorMode
    ms_per_job: float
    jobs: int
    source: str

    def __post_init__(self) -> None:
        # The log keeps times to the microsecond: a job under that reads 0, and
        # counts as 1 us so that every ratio of two figures stays finite.
        if not self.ms_per_job >= RESOLUTION_MS:
            object.__setattr__(self, "ms_per_job", RESOLUTION_MS)


@dataclass(frozen=True, slots=True)
class AutoChoice:
    """Where auto sends a job (``mode``), why, and what the figures favour (``planned``:
    the same unless this job explores)."""

    mode: ExecutorMode
    reason: str
    planned: ExecutorMode
    # Which reading of the figures it came from: what was planned from one reading
    # may be kept until the next (``pool_planning.workload_pools`` does).
    figures_version: int = 0
    # The other modes a share of the band's jobs explores (``pool_planning.warm_up``
    # starts their pools too).
    explored: tuple[ExecutorMode, ...] = ()


@dataclass(frozen=True, slots=True)
class BandPlan:
    band: SizeBand
    best: AutoChoice
    explorations: tuple[AutoChoice, ...]
    figures: tuple[ModeFigures, ...]

    def speed_vs_inline(self, mode: ExecutorMode) -> float | None:
        """How many times inline's throughput ``mode`` reaches in this band, if known."""
        by_mode = {f.mode: f for f in self.figures}
        inline, other = by_mode.get(ExecutorMode.INLINE), by_mode.get(mode)
        if inline is None or other is None:
            return None
        return inline.ms_per_job / other.ms_per_job


def plan_band(
    band: SizeBand,
    figures: Mapping[ExecutorMode, ModeFigures],
    eligible: Sequence[ExecutorMode],
    figures_version: int = 0,
) -> BandPlan:
    """The best eligible mode by the figures (fastest per job), and the alternatives."""
    if not eligible:
        raise ValueError("auto needs at least one eligible mode")
    known = sorted((figures[m] for m in eligible if m in figures), key=lambda f: f.ms_per_job)
    where = f"at size {band.label}"
    if len(eligible) == 1:
        best = eligible[0]
        reason = f"auto: {best.value}, the only mode this job may use"
    elif not known:
        best = ExecutorMode.INLINE if ExecutorMode.INLINE in eligible else eligible[0]
        reason = f"auto: {best.value}, still learning: no figures yet {where}"
    else:
        best = known[0].mode
        reason = (
            f"auto: {best.value}, {_comparison(known, figures)} {where}{_evidence(known)}"
            f"{_learning(known, eligible)}"
        )
    explored = tuple(mode for mode in eligible if mode is not best)
    explorations = tuple(
        AutoChoice(
            mode,
            f"auto: exploring {mode.value} (a share of jobs keeps every mode's figures "
            f"fresh); the figures favour {best.value} {where}",
            best,
            figures_version,
            explored,
        )
        for mode in explored
    )
    return BandPlan(
        band, AutoChoice(best, reason, best, figures_version, explored), explorations, tuple(known)
    )


def pick(plan: BandPlan, draw: float, share: float) -> AutoChoice:
    """The plan's best mode, or for a draw below ``share`` one of the alternatives
    (each an equal part of the share)."""
    if draw < share and plan.explorations:
        index = int(draw / share * len(plan.explorations))
        return plan.explorations[min(index, len(plan.explorations) - 1)]
    return plan.best


# Jobs without a key (a direct ``run``) take turns along the golden-ratio
# sequence: any run of them explores at the share, give or take one job.
_GOLDEN = 0.6180339887498949
_unkeyed = itertools.count(1)


def exploration_draw(key: str | None) -> float:
    """A number in [0, 1): fixed for a key, evenly spread over keys."""
    if key is None:
        return (next(_unkeyed) * _GOLDEN) % 1.0
    digest = hashlib.blake2b(key.encode(), digest_size=8, person=b"auto-explore").digest()
    return int.from_bytes(digest) / 2**64


def _comparison(known: list[ModeFigures], figures: Mapping[ExecutorMode, ModeFigures]) -> str:
    best = known[0]
    inline = figures.get(ExecutorMode.INLINE)
    if best.mode is not ExecutorMode.INLINE and inline is not None:
        return f"{inline.ms_per_job / best.ms_per_job:.1f}x inline"
    if best.mode is ExecutorMode.INLINE and len(known) > 1:
        others = " and ".join(
            f"{f.mode.value} {best.ms_per_job / f.ms_per_job:.2f}x" for f in known[1:]
        )
        return f"fastest ({others} of its speed)"
    return f"{best.ms_per_job:.2f} ms a job"


def _learning(known: list[ModeFigures], eligible: Sequence[ExecutorMode]) -> str:
    measured = {f.mode for f in known}
    missing = [mode.value for mode in eligible if mode not in measured]
    says = []
    if any(not f.jobs for f in known):
        says.append("a benchmark's figures until this site's jobs replace them")
    if missing:
        says.append(f"no figures for {' or '.join(missing)} yet")
    return f"; still learning ({'; '.join(says)})" if says else ""


def _evidence(compared: list[ModeFigures]) -> str:
    sources = {f.source for f in compared}
    if len(sources) == 1:
        return f" over {sources.pop()}" if compared[0].jobs else f" by {sources.pop()}"
    return " (" + "; ".join(f"{f.mode.value}: {f.source}" for f in compared) + ")"
