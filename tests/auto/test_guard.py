"""``run_interp_bench --guard``: a flag whose mode measures slower than another by more
than the tolerance is switched to the fastest, with an admin log entry; ``--dry-run``
only prints. The rule is tested on fixed figures, the command with fixed figures in
place of the harness, and once end to end on a real tiny run."""

import json
from io import StringIO
from typing import Any

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from interp_exec.bench.guard import guard_decisions
from interp_exec.bench.harness import ModeResult
from interp_exec.models import BenchmarkRun, ExecutorFlag
from interp_exec.routing.flag_policy import flag_name
from tests.bench.figures import figures
from tests.flag_helpers import set_flag

DEDUPE = "text.dedupe"
FLAG = flag_name(DEDUPE)


def measured(
    inline_s: float,
    interpreters_s: float,
    processes_s: float,
    changes: dict[str, dict[str, Any]] | None = None,
) -> list[ModeResult]:
    """8 coarse jobs (150 ms inline each at 1.2 s) with these median wall times."""
    walls = {"inline": inline_s, "interpreters": interpreters_s, "processes": processes_s}
    return [
        figures(
            DEDUPE, mode, wall_s_median=wall, jobs_per_s=8 / wall, **(changes or {}).get(mode, {})
        )
        for mode, wall in walls.items()
    ]


@pytest.mark.parametrize(
    ("configured", "walls", "switch_to"),
    [
        ("processes", (1.2, 0.6, 0.9), "interpreters"),  # lost to the other pool by 50%
        ("interpreters", (1.2, 1.5, 1.6), "inline"),  # lost to inline by 25%
        ("interpreters", (1.2, 0.66, 0.6), None),  # 10% behind: within the tolerance
        ("processes", (1.2, 0.6, 0.6), None),  # the fastest, tied
        ("inline", (1.2, 0.6, 0.7), "interpreters"),  # inline itself lost
        ("auto", (1.2, 0.6, 0.9), None),  # auto measures itself
        (None, (1.2, 0.6, 0.9), None),  # the flag routes no job
    ],
)
def test_the_rule_switches_a_mode_that_lost_beyond_the_tolerance(
    configured: str | None, walls: tuple[float, float, float], switch_to: str | None
) -> None:
    (decision,) = guard_decisions(measured(*walls), {DEDUPE: configured}, 0.15)

    assert decision.switch_to == switch_to


def test_the_rule_leaves_fine_jobs_alone_and_switches_away_from_wrong_results() -> None:
    fine = measured(0.08, 0.5, 0.5)  # 10 ms a job inline: not coarse
    (decision,) = guard_decisions(fine, {DEDUPE: "interpreters"}, 0.15)
    assert decision.switch_to is None
    assert decision.reason.startswith(
        "not judged: its jobs of size 1,000 took 10 ms inline, under the 100 ms a pool is judged on"
    )

    wrong = measured(1.2, 0.6, 0.9, {"interpreters": {"results_identical": False}})
    (decision,) = guard_decisions(wrong, {DEDUPE: "interpreters"}, 0.15)
    assert decision.switch_to == "processes"
    assert "interpreters's results differ from inline's" in decision.reason


def guard(*args: str) -> str:
    out = StringIO()
    call_command(
        "run_interp_bench", "--workload", DEDUPE, "--guard", *args, stdout=out, stderr=StringIO()
    )
    return out.getvalue()


def test_guard_switches_a_losing_flag_once_and_logs_the_figures(
    fake_harness: list[ModeResult], admin_user: User
) -> None:
    set_flag(FLAG, mode="processes", everyone=True)
    fake_harness.extend(measured(1.2, 0.6, 0.9))

    out = guard()

    assert "cpu.text.dedupe: switched processes -> interpreters; processes took 50% longer" in out
    assert ExecutorFlag.objects.get(name=FLAG).mode == "interpreters"
    run = BenchmarkRun.objects.get()
    entry = LogEntry.objects.get()
    assert (entry.user, entry.action_flag, entry.object_repr) == (admin_user, CHANGE, FLAG)
    assert entry.change_message.startswith(
        f"run_interp_bench --guard (benchmark run {run.pk}): mode processes -> interpreters"
    )
    assert "interpreters 0.600 s, processes 0.900 s, inline 1.200 s" in entry.change_message

    again = guard()

    assert "cpu.text.dedupe: kept interpreters; interpreters is within 15%" in again
    assert LogEntry.objects.count() == 1, "the same figures switch nothing the second time"


def test_dry_run_prints_what_it_would_switch_and_stores_nothing(
    fake_harness: list[ModeResult],
) -> None:
    set_flag(FLAG, mode="processes", everyone=True)
    fake_harness.extend(measured(1.2, 0.6, 0.9))

    out = guard("--dry-run")

    assert "cpu.text.dedupe: would switch processes -> interpreters (dry run)" in out
    assert ExecutorFlag.objects.get(name=FLAG).mode == "processes"
    assert not LogEntry.objects.exists()
    assert not BenchmarkRun.objects.exists()


def test_without_a_user_to_log_as_it_stops_before_measuring(
    fake_harness: list[ModeResult],
) -> None:
    set_flag(FLAG, mode="processes", everyone=True)
    fake_harness.extend(measured(1.2, 0.6, 0.9))

    with pytest.raises(CommandError, match="create a superuser"):
        guard()
    with pytest.raises(CommandError, match="--dry-run goes with --guard"):
        call_command("run_interp_bench", "--dry-run", stdout=StringIO())

    assert ExecutorFlag.objects.get(name=FLAG).mode == "processes"
    assert not BenchmarkRun.objects.exists()


def test_a_real_tiny_guarded_run_judges_and_stores(admin_user: User) -> None:
    set_flag(flag_name("transcript.readability"), mode="interpreters", everyone=True)
    out = StringIO()

    call_command(
        "run_interp_bench",
        *["--workload", "transcript.readability", "--size", "300", "--jobs", "2"],
        *["--repeat", "1", "--workers", "2", "--guard"],
        stdout=out,
    )

    assert (
        "cpu.transcript.readability: kept interpreters; not judged: its jobs of size 300 took "
        in out.getvalue()
    )
    assert BenchmarkRun.objects.count() == 1
    assert ExecutorFlag.objects.get(name=flag_name("transcript.readability")).mode == "interpreters"
    assert not LogEntry.objects.exists()


def test_the_guard_judges_readability_at_its_default_size(admin_user: User) -> None:
    """Its declared 150,000 words ran 93 ms a job on this kind of host, and the guard
    skipped it; the size is now found on the host, up to a coarse job."""
    set_flag(flag_name("transcript.readability"), mode="interpreters", everyone=True)
    out = StringIO()

    call_command(
        "run_interp_bench",
        *["--workload", "transcript.readability", "--jobs", "2", "--repeat", "1"],
        *["--workers", "2", "--guard"],
        stdout=out,
    )

    (line,) = [x for x in out.getvalue().splitlines() if x.startswith("cpu.transcript")]
    assert "not judged" not in line, out.getvalue()
    inline = BenchmarkRun.objects.get().results.get(mode="inline")
    assert inline.size >= 150_000
    assert inline.wall_s_median / inline.jobs >= 0.1, out.getvalue()


def test_a_routed_workload_the_run_does_not_measure_gets_a_line_saying_why(
    fake_harness: list[ModeResult], admin_user: User
) -> None:
    set_flag(FLAG, mode="processes", everyone=True)
    set_flag(flag_name("tests.echo"), mode="interpreters", everyone=True)  # no bench_size
    fake_harness.extend(measured(1.2, 0.6, 0.9))

    out = call_guard_on_every_default_workload()

    assert (
        "cpu.tests.echo: kept interpreters; not judged: it declares no bench_size, so a run "
        "that names no workload leaves it out (cpu_workload(bench_size=...)); measure it with "
        "--workload tests.echo"
    ) in out
    assert "cpu.text.dedupe: switched processes -> interpreters" in out


def call_guard_on_every_default_workload() -> str:
    out = StringIO()
    # A size given: no calibration runs, the fake harness answers for the measurement.
    call_command("run_interp_bench", "--guard", "--size", "10", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_json_output_carries_the_decisions(fake_harness: list[ModeResult]) -> None:
    set_flag(FLAG, mode="processes", everyone=True)
    fake_harness.extend(measured(1.2, 0.6, 0.9))

    document = json.loads(guard("--dry-run", "--json"))

    (decision,) = document["guard"]
    assert decision["workload"] == DEDUPE
    assert (decision["configured"], decision["switch_to"]) == ("processes", "interpreters")
    assert decision["applied"] is False
    assert document["run_id"] is None
