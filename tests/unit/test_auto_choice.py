"""Auto mode's rule on fixed figures: the fastest eligible mode, why, and exploration."""

import pytest

from interp_exec.core.domain import ExecutorMode, ModeFigures
from interp_exec.core.domain.auto_choice import exploration_draw, pick, plan_band
from interp_exec.core.domain.size_bands import SizeBand, band_of

INLINE, INTERPRETERS, PROCESSES = ExecutorMode
ALL = (INLINE, INTERPRETERS, PROCESSES)
BAND = band_of(20_000)


def log(mode: ExecutorMode, ms: float, jobs: int = 200) -> ModeFigures:
    return ModeFigures(mode, ms, jobs, f"the last {jobs} jobs")


def test_bands_double_and_cover_every_size() -> None:
    assert (band_of(0).low, band_of(0).high) == (0, 1)
    assert (band_of(1).low, band_of(1).high) == (1, 2)
    assert (BAND.low, BAND.high) == (16_384, 32_768)
    assert BAND.label == "16,384-32,767"
    assert band_of(32_767) == BAND != band_of(32_768)
    assert band_of(2**63 - 1) == SizeBand(63)


def test_the_mode_the_figures_favour_is_chosen_with_the_figures_in_the_reason() -> None:
    figures = {m.mode: m for m in (log(INLINE, 18), log(INTERPRETERS, 10), log(PROCESSES, 12))}

    plan = plan_band(BAND, figures, ALL)

    assert plan.best.mode is INTERPRETERS
    assert plan.best.reason == (
        "auto: interpreters, 1.8x inline at size 16,384-32,767 over the last 200 jobs"
    )
    assert [f.mode for f in plan.figures] == [INTERPRETERS, PROCESSES, INLINE]
    assert plan.speed_vs_inline(PROCESSES) == pytest.approx(1.5)


def test_inline_wins_where_pools_cost_more_and_says_by_how_much() -> None:
    figures = {m.mode: m for m in (log(INLINE, 0.1), log(INTERPRETERS, 0.4), log(PROCESSES, 0.5))}

    plan = plan_band(band_of(100), figures, ALL)

    assert plan.best.mode is INLINE
    assert plan.best.reason == (
        "auto: inline, fastest (interpreters 0.25x and processes 0.20x of its speed) "
        "at size 64-127 over the last 200 jobs"
    )


def test_a_faster_mode_that_is_not_eligible_is_not_chosen() -> None:
    figures = {m.mode: m for m in (log(INLINE, 18), log(PROCESSES, 5))}

    assert plan_band(BAND, figures, (INLINE, INTERPRETERS)).best.mode is INLINE
    only = plan_band(BAND, figures, (PROCESSES,))
    assert only.best.reason == "auto: processes, the only mode this job may use"
    assert only.explorations == ()


def test_without_figures_jobs_stay_inline_and_the_reason_says_it_is_learning() -> None:
    plan = plan_band(BAND, {}, ALL)

    assert plan.best.mode is INLINE
    assert plan.best.reason == "auto: inline, still learning: no figures yet at size 16,384-32,767"


def test_mixed_sources_are_each_named_and_what_is_not_yet_learned_is_said() -> None:
    seeded = ModeFigures(INLINE, 18, 0, "benchmark run 7")

    reason = plan_band(BAND, {INLINE: seeded, INTERPRETERS: log(INTERPRETERS, 9, 40)}, ALL)
    assert reason.best.reason.endswith(
        "(interpreters: the last 40 jobs; inline: benchmark run 7); still learning (a "
        "benchmark's figures until this site's jobs replace them; no figures for processes yet)"
    )


def test_a_plan_from_this_sites_own_jobs_in_every_mode_has_learned() -> None:
    figures = {m.mode: m for m in (log(INLINE, 18), log(INTERPRETERS, 10), log(PROCESSES, 12))}

    assert "learning" not in plan_band(BAND, figures, ALL).best.reason


def test_jobs_explore_at_the_share_split_between_the_other_modes() -> None:
    figures = {m.mode: m for m in (log(INLINE, 18), log(INTERPRETERS, 10), log(PROCESSES, 12))}
    plan = plan_band(BAND, figures, ALL)
    keys = [f"job-{n}" for n in range(20_000)]

    chosen = [pick(plan, exploration_draw(key), 0.05) for key in keys]

    explored = [c for c in chosen if c.mode is not c.planned]
    assert 0.045 < len(explored) / len(keys) < 0.055
    assert {c.mode for c in explored} == {INLINE, PROCESSES}
    assert abs(sum(c.mode is INLINE for c in explored) / len(explored) - 0.5) < 0.05
    assert explored[0].reason.startswith("auto: exploring ")
    assert "the figures favour interpreters" in explored[0].reason
    # Deterministic: a job's key always gets the same answer.
    assert [pick(plan, exploration_draw(k), 0.05) for k in keys[:500]] == chosen[:500]
    assert all(pick(plan, exploration_draw(k), 0.0) is plan.best for k in keys[:500])


def test_jobs_without_a_key_explore_at_the_share_too() -> None:
    plan = plan_band(BAND, {INLINE: log(INLINE, 18), INTERPRETERS: log(INTERPRETERS, 9)}, ALL)

    chosen = [pick(plan, exploration_draw(None), 0.1) for _ in range(1000)]

    assert sum(c.mode is not INTERPRETERS for c in chosen) in range(95, 106)


def test_jobs_too_fast_to_time_still_compare() -> None:
    figures = {INLINE: log(INLINE, 0.0), INTERPRETERS: log(INTERPRETERS, 0.0)}

    plan = plan_band(band_of(1), figures, ALL)

    assert plan.best.mode is INLINE
    assert "interpreters 1.00x of its speed" in plan.best.reason
    assert plan.speed_vs_inline(INTERPRETERS) == 1.0
