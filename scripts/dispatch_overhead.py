"""What the dispatcher adds to a tiny job kept inline (below its threshold).

Targets: such jobs cost at most 5% more through ``get_cpu_port()`` than on the
bare inline adapter, and the site's port adds at most 50 us a job to a ``map``
of 300. Both run the same jobs in alternating rounds; the fastest round of each
counts (on a shared machine, noise only ever adds time). Two configurations of
the port: the core alone (policy from settings, no sinks) and the site's
(routed by the flags' per-process snapshot, a DispatchLog row per job written
in one statement per ``map``).
Run: .venv/bin/python scripts/dispatch_overhead.py [--jobs N --size N]
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "episodic_site.settings")


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    from interp_exec import CpuJob, get_cpu_port
    from interp_exec.core.adapters.inline import InlineAdapter
    from interp_exec.core.workloads import get_workload, load_configured_workloads

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", default="transcript.readability")
    parser.add_argument("--size", type=int, default=1_000)
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    # The site's configuration reads flags: the database must exist (as for make run).
    call_command("migrate", verbosity=0)
    call_command("createcachetable")
    load_configured_workloads()
    workload = get_workload(args.workload)
    jobs = [
        CpuJob(workload.name, workload.sample_payload(args.size, s), size=args.size)
        for s in range(args.jobs)
    ]
    core = {"MIN_TASK_SIZE": args.size + 1, "POLICY_SOURCE": None, "EVENT_SINKS": []}
    site = {**settings.INTERP_EXEC, "MIN_TASK_SIZE": args.size + 1}
    inline = InlineAdapter()
    for name, config in (("core dispatcher", core), ("site dispatcher", site)):
        with override_settings(INTERP_EXEC=config):
            port = get_cpu_port("interpreters")
            best_inline = best_port = float("inf")
            for _ in range(args.rounds):
                started = time.perf_counter()
                inline.map(jobs)
                best_inline = min(best_inline, time.perf_counter() - started)
                started = time.perf_counter()
                outcomes = port.map(jobs)
                best_port = min(best_port, time.perf_counter() - started)
            assert {o.mode_used for o in outcomes} == {"inline"}
        per_job_us = (best_port - best_inline) / len(jobs) * 1e6
        print(
            f"{name}: inline {best_inline / len(jobs) * 1e3:.3f} ms/job, "
            f"port {best_port / len(jobs) * 1e3:.3f} ms/job, "
            f"+{per_job_us:.0f} us/job ({100 * (best_port / best_inline - 1):+.1f}%)"
        )


if __name__ == "__main__":
    main()
