"""The regression rule, judged on fabricated figures."""

from interp_exec.bench.harness import COARSE_JOB_S
from interp_exec.bench.regression import find_regressions
from tests.bench.figures import figures


def test_interpreters_slower_than_inline_beyond_tolerance_is_a_regression() -> None:
    results = [
        figures("text.dedupe", "inline", wall_s_median=1.2),
        figures("text.dedupe", "interpreters", wall_s_median=1.2 * 1.16),
        figures("transcript.readability", "inline", wall_s_median=1.2),
        figures("transcript.readability", "interpreters", wall_s_median=0.7),
    ]

    verdict = find_regressions(results, tolerance=0.15)

    assert [r.workload for r in verdict.regressions] == ["text.dedupe"]
    assert verdict.judged == ["text.dedupe", "transcript.readability"]
    assert verdict.failed
    assert "text.dedupe" in verdict.message(0.15)
    assert "+16%" in verdict.message(0.15)
    assert "15%" in verdict.message(0.15)


def test_slower_within_tolerance_is_not_a_regression() -> None:
    results = [
        figures("text.dedupe", "inline", wall_s_median=1.2),
        figures("text.dedupe", "interpreters", wall_s_median=1.2 * 1.14),
    ]

    verdict = find_regressions(results, tolerance=0.15)

    assert verdict.regressions == []
    assert not verdict.failed


def test_fine_jobs_are_not_judged_however_slow() -> None:
    fine_wall = 8 * COARSE_JOB_S * 0.9
    results = [
        figures("audio.loudness", "inline", wall_s_median=fine_wall),
        figures("audio.loudness", "interpreters", wall_s_median=fine_wall * 3),
    ]

    verdict = find_regressions(results, tolerance=0.15)

    assert verdict.regressions == []
    assert verdict.not_judged == ["audio.loudness"]


def test_processes_losing_to_inline_is_not_the_rule() -> None:
    results = [
        figures("text.dedupe", "inline"),
        figures("text.dedupe", "interpreters"),
        figures("text.dedupe", "processes", wall_s_median=5.0),
    ]

    assert not find_regressions(results, tolerance=0.15).failed


def test_a_mode_with_different_results_fails_the_verdict() -> None:
    results = [
        figures("text.dedupe", "inline"),
        figures("text.dedupe", "interpreters"),
        figures("text.dedupe", "processes", results_identical=False),
    ]

    verdict = find_regressions(results, tolerance=0.15)

    assert verdict.failed
    assert verdict.mismatched == ["text.dedupe (processes)"]
    assert "differ" in verdict.message(0.15)
