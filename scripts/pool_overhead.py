"""What a tiny job sent to the subinterpreter pool through the site's port costs,
against the bare standard-library ``InterpreterPoolExecutor`` doing the same work.

Both run the same far-side function (``interp_exec.core.adapters.worker.execute``)
on the same JSON payloads, on pools of the same size, warm, in alternating
rounds; the fastest round of each counts (on a shared machine, noise only ever
adds time). The port is the site's: routed by the flags' per-process snapshot, a
DispatchLog row and the Prometheus figures for every job, in ``map`` batches.
Target: the port adds at most 50 us a job. The rows go to the site's database
(``EPISODIC_SQLITE_PATH`` to point it elsewhere), which every run makes 16,000 rows
larger: compare figures taken on the same database.

Run: .venv/bin/python scripts/pool_overhead.py [--jobs N --rounds N --workers N]
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "episodic_site.settings")
os.environ.setdefault("EPISODIC_LOG_LEVEL", "warning")

WORKLOAD = "transcript.readability"
PAYLOAD = {"text": "Hello there."}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    import django

    django.setup()
    from concurrent.futures import InterpreterPoolExecutor

    from django.core.management import call_command
    from django.test.utils import override_settings

    from interp_exec import CpuJob, get_cpu_port
    from interp_exec.core.adapters.worker import execute, prepare_worker
    from interp_exec.core.workloads import get_workload, load_configured_workloads

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    load_configured_workloads()
    workload = get_workload(WORKLOAD)
    text = json.dumps(PAYLOAD)
    jobs = [CpuJob(WORKLOAD, PAYLOAD, size=1) for _ in range(args.jobs)]
    site = {"MIN_TASK_SIZE": 0, "MAX_WORKERS": args.workers}
    with (
        override_settings(INTERP_EXEC={**django.conf.settings.INTERP_EXEC, **site}),
        InterpreterPoolExecutor(
            args.workers,
            initializer=prepare_worker,
            initargs=(tuple(sys.path), (workload.module,)),
        ) as bare,
    ):
        port = get_cpu_port("interpreters")
        port.map(jobs[:50])  # warm: the pool, the flags' snapshot, the sinks
        list(bare.map(execute, [workload.module] * 50, [workload.qualname] * 50, [text] * 50))
        best = {"bare": float("inf"), "port": float("inf")}
        for _ in range(args.rounds):
            started = time.perf_counter()
            outcomes = port.map(jobs)
            best["port"] = min(best["port"], time.perf_counter() - started)
            assert all(o.mode_used == "interpreters" and o.ok for o in outcomes)
            started = time.perf_counter()
            modules, names = [workload.module] * args.jobs, [workload.qualname] * args.jobs
            list(bare.map(execute, modules, names, [text] * args.jobs))
            best["bare"] = min(best["bare"], time.perf_counter() - started)
    per_job = {name: seconds / args.jobs * 1e6 for name, seconds in best.items()}
    print(
        f"{args.jobs} tiny jobs, pool of {args.workers}, best of {args.rounds}: "
        f"bare InterpreterPoolExecutor {per_job['bare']:.0f} us a job, "
        f"the site's port {per_job['port']:.0f} us a job: "
        f"+{per_job['port'] - per_job['bare']:.0f} us"
    )


if __name__ == "__main__":
    main()
