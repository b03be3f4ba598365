"""What a subinterpreter slot holds, state by state (docs/performance.md).

N slots as the app's pool makes them, a thread each with its own interpreter
(``concurrent.interpreters``; a thread has its own malloc arena too), taken
together through what a slot goes through: created; the app's worker module
imported (the pool's ``ping``); the workload's module imported too (its
initializer, ``prepare_worker``); one job of the workload's sample; five more.
After each state, the process's PSS (psutil) less its PSS
before the first slot, over N: one slot's share. `scripts/e2e_throughput.py
--slots` measures the pool itself, in a q2 worker, against forked workers.

Run: .venv/bin/python scripts/slot_memory.py [--slots 8 --size 30000]
"""

import argparse
import gc
import json
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "episodic_site.settings")
os.environ.setdefault("EPISODIC_LOG_LEVEL", "warning")

WORKLOAD = "transcript.readability"
_MIB = 1024 * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slots", type=int, default=8)
    parser.add_argument("--size", type=int, default=30_000, help="words a job (default 30000)")
    args = parser.parse_args()

    import django

    django.setup()
    from concurrent import interpreters
    from concurrent.interpreters import Interpreter

    from interp_exec.core.adapters.worker import execute_job, ping, prepare_worker
    from interp_exec.core.workloads import get_workload, load_configured_workloads

    load_configured_workloads()
    workload = get_workload(WORKLOAD)
    payloads = [json.dumps(workload.sample_payload(args.size, seed)) for seed in range(6)]

    def run_job(slot: Interpreter, payload: str) -> object:
        # execute_job itself, as the pool sends it: as code (a partial would be pickled).
        return slot.call(execute_job, workload.module, workload.qualname, payload, None, False)

    steps: list[tuple[str, Callable[[Interpreter], object]]] = [
        ("with the worker module", lambda slot: slot.call(ping)),
        (
            f"with the {WORKLOAD} module too",
            lambda slot: slot.call(prepare_worker, tuple(sys.path), (workload.module,)),
        ),
        (
            f"after 1 job of {args.size:,} words",
            lambda slot: run_job(slot, payloads[0]),
        ),
        (
            f"after {len(payloads)} jobs",
            lambda slot: [run_job(slot, payload) for payload in payloads[1:]],
        ),
    ]
    # Each state is reached by every slot ("done") before it is measured, and the
    # next one starts only then ("go").
    barrier = threading.Barrier(args.slots + 1)

    def serve() -> None:
        slot = interpreters.create()
        try:
            barrier.wait()
            barrier.wait()
            for _, step in steps:
                step(slot)
                barrier.wait()
                barrier.wait()
        except BaseException:
            barrier.abort()
            raise
        finally:
            slot.close()

    base = pss_mib()
    threads = [threading.Thread(target=serve, name=f"slot-{n}") for n in range(args.slots)]
    for thread in threads:
        thread.start()
    for label in ["a bare interpreter", *(label for label, _ in steps)]:
        barrier.wait()
        print(f"{label}: {(pss_mib() - base) / args.slots:.2f} MiB a slot", flush=True)
        barrier.wait()
    for thread in threads:
        thread.join()


def pss_mib() -> float:
    """This process's PSS, once the host's own garbage is collected."""
    gc.collect()
    info: Any = psutil.Process().memory_full_info()
    return int(info.pss) / _MIB


if __name__ == "__main__":
    main()
