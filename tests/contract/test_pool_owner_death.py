"""A process pool ends with the process that made it, however that process ends.

The owner here is a child Python process that starts a processes-mode pool, reports
every process under it (the forkserver, the pool's children, the resource tracker)
and ends with ``os._exit``, as a queue worker does when a job calls it in a
subinterpreter. Nothing it started may stay behind.
"""

import json
import subprocess
import sys
from pathlib import Path

from tests.process_trees import still_running_after

OWNER = """
import json, os, psutil
from interp_exec.core.adapters.processes import ProcessPoolAdapter
pool = ProcessPoolAdapter(2)
pool.warm()
print(json.dumps([p.pid for p in psutil.Process().children(recursive=True)]), flush=True)
os._exit(13)
"""


def test_a_pools_processes_end_when_its_owner_exits_abruptly(tmp_path: Path) -> None:
    # A file, not a pipe: processes left behind would hold a pipe open, and the wait
    # for its end would hang instead of failing here.
    report = tmp_path / "owner.json"
    with report.open("w") as out:
        owner = subprocess.run([sys.executable, "-c", OWNER], stdout=out, timeout=60, check=False)

    assert owner.returncode == 13
    started = set(json.loads(report.read_text()))
    assert len(started) >= 3, started  # the forkserver, its resource tracker, a child at least
    assert still_running_after(lambda: started) == set()
