"""``manage.py run_interp_bench``: inline, subinterpreters and processes on the same jobs.

Data flow::

    options -> workloads (default: every one with a sample and a bench_size; one the
      capability probe refuses without subinterpreters) and sizes (default:
      bench.job_size, from its bench_size up to a job of ~150 ms inline on this host)
      -> bench.harness.run_benchmark (bare adapters, progress lines as it goes)
      -> table, or one JSON object with --json, on stdout
      -> BenchmarkRun + BenchmarkResult rows (unless --no-save)
      -> bench.regression verdict: exit 1 with --fail-on-regression
      -> --guard: bench.guard decisions; each workload's flag whose mode lost to
         another by more than the tolerance switched to the fastest, with an
         admin log entry (flag_guard); a routed workload not measured or not judged
         gets a line saying why; --dry-run: printed only, nothing stored

Safe from cron: exit 0 when the run finished (whether or not a flag was
switched), 1 with a sentence on stderr when it could not run or (with
--fail-on-regression) regressed. Every check that can fail is made before the
benchmark starts, and the switches go in one transaction after it, so a
failed run changes nothing; a second run on the same figures switches nothing.

Progress goes to stdout with the table, and to stderr with ``--json`` so that
stdout holds the JSON object and nothing else.
"""

import argparse
import dataclasses
import json
import os
import platform
import socket
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from interp_exec.bench.guard import GuardDecision, guard_decisions
from interp_exec.bench.harness import (
    COARSE_JOB_S,
    BenchmarkError,
    BenchOptions,
    BenchTarget,
    ModeResult,
    default_workloads,
    run_benchmark,
)
from interp_exec.bench.job_size import TARGET_S, coarse_job_size
from interp_exec.bench.option_types import finite_number, whole_number
from interp_exec.bench.regression import DEFAULT_TOLERANCE, RegressionVerdict, find_regressions
from interp_exec.bench.report import format_table
from interp_exec.core.adapters.by_mode import ADAPTER_CLASSES
from interp_exec.core.adapters.capability import CapabilityProbe
from interp_exec.core.domain import ExecutorMode, InterpExecError, Workload
from interp_exec.core.workloads import all_workloads, get_workload, load_configured_workloads
from interp_exec.models import BenchmarkRun
from interp_exec.routing.benchmark_runs import git_revision, save_run
from interp_exec.routing.flag_guard import apply_switches, configured_modes, guard_user
from interp_exec.routing.flag_policy import flag_name
from interp_exec.task_queue.queueing import MAX_JOB_SIZE

# Bounds of the numeric options: generous for a real benchmark, and small enough
# that a typo cannot ask for hours of work or more memory than the host has.
MAX_JOBS = 1_000
MAX_REPEAT = 100
# Each worker is a subinterpreter (~7 MiB) or a process (~75 MiB RSS).
MAX_WORKERS = 64
# 1.0: interpreters may take twice inline's time before it counts as a regression.
MAX_TOLERANCE = 1.0

NUMERIC_OPTIONS: dict[str, Callable[[str], float]] = {
    "size": whole_number(1, MAX_JOB_SIZE),
    "jobs": whole_number(1, MAX_JOBS),
    "workers": whole_number(1, MAX_WORKERS),
    "repeat": whole_number(1, MAX_REPEAT),
    "tolerance": finite_number(0.0, MAX_TOLERANCE),
}


class Command(BaseCommand):
    help = (
        "Run the same CPU jobs inline, on subinterpreters and in processes; print the "
        "figures and store them for the admin's benchmark pages."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workload",
            action="append",
            dest="workloads",
            metavar="NAME",
            help="Workload to measure; repeat for more. Default: every shipped workload "
            "that can run in a subinterpreter.",
        )
        parser.add_argument(
            "--size",
            type=NUMERIC_OPTIONS["size"],
            help=f"Work units per job for every workload, 1 to {MAX_JOB_SIZE:,} (the largest "
            "job the site queues). Default: for each workload, the size at which a job takes "
            f"{TARGET_S * 1000:.0f} ms inline on this host, from its bench_size up.",
        )
        parser.add_argument(
            "--jobs",
            type=NUMERIC_OPTIONS["jobs"],
            default=8,
            help=f"Jobs per run, 1 to {MAX_JOBS:,} (default 8).",
        )
        parser.add_argument(
            "--workers",
            type=NUMERIC_OPTIONS["workers"],
            default=min(os.process_cpu_count() or 1, MAX_WORKERS),
            help=f"Workers per pool, 1 to {MAX_WORKERS} (default: the cores this process may use).",
        )
        parser.add_argument(
            "--repeat",
            type=NUMERIC_OPTIONS["repeat"],
            default=5,
            help=f"Timed runs per mode, 1 to {MAX_REPEAT}; the median counts.",
        )
        parser.add_argument(
            "--modes",
            default=",".join(m.value for m in ExecutorMode),
            help="Comma list of modes to compare; inline is the baseline and is required.",
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument(
            "--tolerance",
            type=NUMERIC_OPTIONS["tolerance"],
            default=DEFAULT_TOLERANCE,
            help="How much slower than inline interpreters may be on coarse jobs, "
            f"0 to {MAX_TOLERANCE:g} (0.15 = 15%%).",
        )
        parser.add_argument(
            "--fail-on-regression",
            action="store_true",
            help="Exit 1 when interpreters lose to inline beyond the tolerance on coarse jobs, "
            "or when any mode's results differ from inline's.",
        )
        parser.add_argument("--no-save", action="store_true", help="Do not store the run.")
        parser.add_argument(
            "--guard",
            action="store_true",
            help="Switch the flag of each workload whose mode took longer than the fastest "
            "mode by more than the tolerance on coarse jobs to that mode, with an entry in "
            "the admin's log. Workloads on auto, and flags that route no job, are left alone.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="With --guard: print what it would switch; store nothing (not the run either).",
        )
        parser.add_argument(
            "--guard-user",
            metavar="NAME",
            help="The user the guard's admin log entries name. Default: the first superuser.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        _check_numeric_options(options)
        guard, dry_run = options["guard"], options["dry_run"]
        if dry_run and not guard:
            raise CommandError("--dry-run goes with --guard: it prints what the guard would do")
        try:
            user = guard_user(options["guard_user"]) if guard and not dry_run else None
        except InterpExecError as exc:
            raise CommandError(str(exc)) from exc
        as_json: bool = options["json"]
        progress_stream = self.stderr if as_json else self.stdout
        tolerance: float = options["tolerance"]
        try:
            bench_options = BenchOptions(
                jobs=options["jobs"],
                workers=options["workers"],
                repeat=options["repeat"],
                modes=_parse_modes(options["modes"]),
            )

            def progress(line: str) -> None:
                progress_stream.write(line, style_func=_plain)
                progress_stream.flush()

            targets, left_out = _targets(
                options["workloads"], options["size"], bench_options.modes, progress
            )
            results = run_benchmark(targets, bench_options, progress)
        except InterpExecError as exc:
            raise CommandError(str(exc)) from exc

        verdict = find_regressions(results, tolerance)
        recorded = {
            "jobs": bench_options.jobs,
            "workers": bench_options.workers,
            "repeat": bench_options.repeat,
            "modes": [m.value for m in bench_options.modes],
            "size": options["size"],
            "workloads": [t.workload.name for t in targets],
        }
        run = (
            None
            if options["no_save"] or dry_run
            else save_run(
                results,
                recorded,
                bench_options.workers,
                tolerance,
                [r.workload for r in verdict.regressions],
            )
        )
        decisions: list[GuardDecision] = []
        applied: list[GuardDecision] = []
        if guard:
            configured = configured_modes([*(t.workload.name for t in targets), *left_out])
            decisions = guard_decisions(results, configured, tolerance) + [
                GuardDecision(name, mode, None, f"not judged: {left_out[name]}")
                for name, mode in configured.items()
                if name in left_out and mode is not None
            ]
            if user is not None:
                applied = apply_switches(decisions, user, run)

        if as_json:
            document = _document(results, verdict, recorded, tolerance, run)
            if guard:
                document["guard"] = [
                    {**dataclasses.asdict(d), "applied": d in applied} for d in decisions
                ]
            self.stdout.write(json.dumps(document, indent=2))
        else:
            self._print_report(results, verdict, tolerance, run)
            if guard:
                self._print_guard(decisions, applied, dry_run)
        if options["fail_on_regression"] and verdict.failed:
            raise CommandError(verdict.message(tolerance))

    def _print_report(
        self,
        results: list[ModeResult],
        verdict: RegressionVerdict,
        tolerance: float,
        run: BenchmarkRun | None,
    ) -> None:
        self.stdout.write("")
        self.stdout.write(format_table(results))
        self.stdout.write("")
        if verdict.mismatched:
            self.stdout.write(
                self.style.ERROR("Results differ from inline's: " + ", ".join(verdict.mismatched))
            )
        else:
            self.stdout.write(
                self.style.SUCCESS("Every mode returned results identical to inline.")
            )
        if verdict.regressions:
            self.stdout.write(self.style.ERROR(verdict.slower_message(tolerance)))
        elif verdict.judged:
            self.stdout.write(
                f"No regression: interpreters within {tolerance:.0%} of inline, or faster, "
                f"on coarse jobs of: {', '.join(verdict.judged)}"
            )
        if verdict.not_judged:
            self.stdout.write(
                f"Not judged (jobs under {COARSE_JOB_S * 1000:.0f} ms inline): "
                + ", ".join(verdict.not_judged)
            )
        if run is not None:
            path = reverse("admin:interp_exec_benchmarkrun_change", args=[run.pk])
            self.stdout.write(f"Saved as benchmark run {run.pk}: {path}")

    def _print_guard(
        self, decisions: list[GuardDecision], applied: list[GuardDecision], dry_run: bool
    ) -> None:
        self.stdout.write("")
        for decision in decisions:
            flag = flag_name(decision.workload)
            if decision.switch_to is None:
                self.stdout.write(f"{flag}: kept {decision.configured or '-'}; {decision.reason}")
            elif dry_run:
                self.stdout.write(
                    f"{flag}: would switch {decision.configured} -> {decision.switch_to} "
                    f"(dry run); {decision.reason}"
                )
            elif decision in applied:
                self.stdout.write(
                    self.style.WARNING(
                        f"{flag}: switched {decision.configured} -> {decision.switch_to}; "
                        f"{decision.reason}"
                    )
                )
            else:
                self.stdout.write(
                    f"{flag}: not switched, its mode changed during the run; {decision.reason}"
                )


def _check_numeric_options(options: dict[str, Any]) -> None:
    """The argument types again, for values given to call_command as keywords (not parsed)."""
    for name, parse in NUMERIC_OPTIONS.items():
        if options[name] is not None:
            try:
                parse(str(options[name]))
            except argparse.ArgumentTypeError as exc:
                raise CommandError(f"--{name}: {exc}") from exc


def _plain(text: str) -> str:
    # Progress is not an error: no red, even on stderr.
    return text


def _parse_modes(value: str) -> tuple[ExecutorMode, ...]:
    return tuple(ExecutorMode.parse(name.strip()) for name in value.split(",") if name.strip())


def _targets(
    names: list[str] | None,
    size: int | None,
    modes: tuple[ExecutorMode, ...],
    progress: Callable[[str], None],
) -> tuple[list[BenchTarget], dict[str, str]]:
    """What to measure, each at ``size`` or else at a size found coarse on this host; and,
    when no workload is named, why each registered one left out is not measured.

    Named workloads are measured in every mode asked for (one the probe refuses stops
    the run: the person asked for subinterpreters); by default, a workload the probe
    refuses is measured in the other modes, so its flag can still be judged.
    """
    # Host projects' workloads too: --workload may name one of them.
    load_configured_workloads()
    probe = CapabilityProbe()
    if names:
        workloads = [get_workload(name) for name in dict.fromkeys(names)]
        left_out: dict[str, str] = {}
    else:
        workloads = default_workloads()
        left_out = {w.name: _why_not_measured(w) for w in all_workloads() if w not in workloads}
    targets = []
    for workload in workloads:
        verdict = probe.verdict(workload)
        allowed = modes
        if not verdict.interpreter_safe:
            if names and any(ADAPTER_CLASSES[mode].needs_interpreter_safe for mode in modes):
                raise BenchmarkError(
                    f"{workload.name} cannot run in a subinterpreter ({verdict.reason}); "
                    "leave interpreters out of --modes to compare the other modes"
                )
            allowed = tuple(m for m in modes if not ADAPTER_CLASSES[m].needs_interpreter_safe)
        targets.append(BenchTarget(workload, size or _coarse_size(workload, progress), allowed))
    return targets, left_out


def _coarse_size(workload: Workload, progress: Callable[[str], None]) -> int:
    found = coarse_job_size(workload, MAX_JOB_SIZE)
    line = f"{workload.name}: size {found.size:,}, {found.inline_s * 1000:.0f} ms a job inline"
    if not found.coarse:
        line += f", under {COARSE_JOB_S * 1000:.0f} ms even at the largest size tried"
    progress(line)
    return found.size


def _why_not_measured(workload: Workload) -> str:
    if workload.sample is None:
        return "no sample to measure it on (cpu_workload(sample=...))"
    return (
        "it declares no bench_size, so a run that names no workload leaves it out "
        f"(cpu_workload(bench_size=...)); measure it with --workload {workload.name}"
    )


def _document(
    results: list[ModeResult],
    verdict: RegressionVerdict,
    recorded: dict[str, Any],
    tolerance: float,
    run: BenchmarkRun | None,
) -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "host": socket.gethostname(),
        "git_revision": run.git_revision if run is not None else git_revision(),
        "options": recorded,
        "tolerance": tolerance,
        "regressions": [r.workload for r in verdict.regressions],
        "mismatched": verdict.mismatched,
        "not_judged": verdict.not_judged,
        "run_id": run.pk if run is not None else None,
        "results": [r.as_dict() for r in results],
    }
