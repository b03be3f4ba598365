"""Auto mode against each fixed mode, per size band, and what the decision costs a job.

Target (issue 15): on the shipped workloads at sizes on both sides of each
threshold, auto's throughput is at least 0.97x the best fixed mode's in every
band, while no single fixed mode is best in every band; the decision adds at
most 20 us a job.

Per workload, its flag is set to auto with no threshold (min_task_size 0, so
fixed modes really run where they say at every size; the workload's own
threshold only picks the sizes). Per size (the threshold times each of
--factors), the same jobs go through ``get_cpu_port(<mode>).map`` for each fixed
mode, untimed once (so the dispatch log holds figures for the band), then in
--rounds rounds: each fixed mode and the auto flag's port (``get_cpu_port()``),
taking turns; the median of each counts. Auto's figures are read afresh
before each of its rounds. Exploration stays at its default (5%): it is part
of what auto costs.

The decision overhead is a microbenchmark: the flag policy for one keyed job
under an auto flag and under a fixed-mode flag, best of 5 timeit runs.

Runs on its own SQLite database in a temporary directory (never var/).
Run: .venv/bin/python scripts/auto_mode_bench.py [--workload NAME ...] [--jobs N]
     [--rounds N] [--factors 0.25,1,4,10] [--workers N]
"""

import argparse
import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
import timeit
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "episodic_site.settings")
os.environ.setdefault("EPISODIC_LOG_LEVEL", "warning")
_DB_DIR = tempfile.mkdtemp(prefix="auto-mode-bench-")
atexit.register(shutil.rmtree, _DB_DIR, ignore_errors=True)
os.environ["EPISODIC_SQLITE_PATH"] = str(Path(_DB_DIR) / "bench.sqlite3")

FIXED = ("inline", "interpreters", "processes")


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    from interp_exec import CpuJob, get_cpu_port
    from interp_exec.bench.harness import default_workloads
    from interp_exec.core.domain.size_bands import band_of
    from interp_exec.core.wiring import policy_for
    from interp_exec.core.workloads import get_workload
    from interp_exec.routing.auto_figures import auto_figures
    from interp_exec.routing.flag_policy import DEFAULT_FLAG, flag_name

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", action="append", dest="workloads")
    parser.add_argument("--jobs", type=int, default=24, help="jobs per map (default 24)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="pool size (default 2)")
    parser.add_argument(
        "--factors",
        default="0.25,1,4,10",
        help="sizes as multiples of each workload's threshold (default 0.25,1,4,10)",
    )
    parser.add_argument("--overhead-runs", type=int, default=20_000)
    args = parser.parse_args()
    factors = [float(f) for f in args.factors.split(",")]

    call_command("migrate", verbosity=0)
    call_command("createcachetable")
    workloads = (
        [get_workload(name) for name in args.workloads] if args.workloads else default_workloads()
    )
    set_flag(DEFAULT_FLAG, max_workers=args.workers)
    config = {
        **settings.INTERP_EXEC,
        "AUTO_MIN_JOBS": min(20, args.jobs),
    }
    rows = []
    with override_settings(INTERP_EXEC=config):
        for workload in workloads:
            set_flag(flag_name(workload.name), mode="auto", everyone=True, min_task_size=0)
            threshold = workload.min_task_size or 1
            for factor in factors:
                size = max(1, round(threshold * factor))
                jobs = [
                    CpuJob(workload.name, workload.sample_payload(size, seed), size=size)
                    for seed in range(args.jobs)
                ]
                for mode in FIXED:  # untimed: fills the log, warms the pools
                    get_cpu_port(mode).map(jobs)
                walls: dict[str, list[float]] = {m: [] for m in (*FIXED, "auto")}
                used: Counter[str] = Counter()
                for round_ in range(args.rounds):
                    order = [*FIXED, "auto"]
                    order = order[round_ % 4 :] + order[: round_ % 4]
                    for mode in order:
                        if mode == "auto":
                            # Read afresh, untimed: a worker does so once per AUTO_REFRESH_S.
                            auto_figures.forget()
                            policy_for(jobs[0])
                        port = get_cpu_port() if mode == "auto" else get_cpu_port(mode)
                        started = time.perf_counter()
                        outcomes = port.map(jobs)
                        walls[mode].append(time.perf_counter() - started)
                        assert all(o.ok for o in outcomes), outcomes
                        if mode == "auto":
                            used.update(o.mode_used for o in outcomes)
                rate = {m: args.jobs / statistics.median(w) for m, w in walls.items()}
                best = max(FIXED, key=lambda m: rate[m])
                rows.append((workload.name, size, band_of(size).label, rate, best, used))
                print(
                    f"{workload.name} size {size:,} (band {band_of(size).label}): "
                    + ", ".join(f"{m} {rate[m]:.1f}" for m in (*FIXED, "auto"))
                    + f" jobs/s; auto/best fixed ({best}) {rate['auto'] / rate[best]:.2f}x; "
                    + "auto ran "
                    + ", ".join(f"{n} {m}" for m, n in used.most_common()),
                    flush=True,
                )

        print()
        for name in dict.fromkeys(r[0] for r in rows):
            mine = [r for r in rows if r[0] == name]
            bests = [r[4] for r in mine]
            verdict = "one mode best everywhere" if len(set(bests)) == 1 else "no single mode best"
            ratios = [r[3]["auto"] / r[3][r[4]] for r in mine]
            print(
                f"{name}: best fixed mode per size: {', '.join(bests)} ({verdict}); "
                f"auto / best fixed: min {min(ratios):.2f}x"
            )
        decision_overhead(workloads[0].name, args.overhead_runs)


def set_flag(name: str, **fields: object) -> None:
    from interp_exec.models import ExecutorFlag
    from interp_exec.routing.flag_snapshot import forget_flags

    flag, _ = ExecutorFlag.objects.get_or_create(name=name, defaults={"superusers": False})
    for field, value in fields.items():
        setattr(flag, field, value)
    flag.save()
    forget_flags()


def decision_overhead(workload: str, runs: int) -> None:
    """The flag policy for one keyed job, under a fixed-mode flag and under auto."""
    from interp_exec import CpuJob
    from interp_exec.routing.flag_policy import flag_name, policy_from_flags

    job = CpuJob(workload, None, size=20_000, rollout_key="0b6f1c3e-job")
    per_job: dict[str, float] = {}
    for mode in ("interpreters", "auto"):
        set_flag(flag_name(workload), mode=mode)
        policy_from_flags(job, None)  # reads the flags and, for auto, the figures
        best = min(timeit.repeat(lambda: policy_from_flags(job, None), number=runs, repeat=5))
        per_job[mode] = best / runs * 1e6
    fixed, auto = per_job["interpreters"], per_job["auto"]
    print(
        f"decision per job ({workload}, flag policy): fixed mode {fixed:.2f} us, "
        f"auto {auto:.2f} us: auto adds {auto - fixed:.2f} us"
    )


if __name__ == "__main__":
    main()
