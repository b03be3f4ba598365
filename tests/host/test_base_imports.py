"""The base app, set up and used, imports no extra.

Runs in a process of its own whose ``sys.path`` holds this environment's packages
less the extras' (as if they were not installed; django-q2 itself tries psutil
and prometheus_client, and goes on without them), with the settings of a host
that lists only the base app (``base_settings``): Django set up, the URLs
loaded, the system checks run, the database migrated, every module of the base
imported, and a job run through the port (routed by the flags, logged).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import interp_exec

ROOT = Path(__file__).resolve().parents[2]
# Top-level names of what the extras install, and the optional apps.
EXTRAS = (
    "rest_framework",
    "drf_spectacular",
    "prometheus_client",
    "psutil",
    "health_check",
    "opentelemetry",
    "numpy",
    "redis",
    "interp_exec.contrib.api",
    "interp_exec.contrib.metrics",
    "interp_exec.contrib.health",
)
PROBE = """
import importlib, json, pkgutil, sys
import django
django.setup()
from django.core.management import call_command
from django.urls import resolve
import interp_exec
from interp_exec import CpuJob, get_cpu_port

resolve("/cpu/jobs/")
call_command("check", fail_level="WARNING")
call_command("migrate", verbosity=0)
call_command("createcachetable")


def import_all(package):
    for found in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        if found.name not in ("interp_exec.contrib", "interp_exec.migrations"):
            module = importlib.import_module(found.name)
            if found.ispkg:
                import_all(module)


import_all(interp_exec)
outcome = get_cpu_port("inline").run(CpuJob("tests.echo", {"value": 1}, size=1))
print(json.dumps({"status": outcome.status.value, "modules": sorted(sys.modules)}))
"""


def test_the_base_app_imports_no_extra(tmp_path: Path) -> None:
    site_packages = Path(next(p for p in sys.path if p.endswith("site-packages")))
    without_extras = tmp_path / "site-packages"
    without_extras.mkdir()
    for entry in site_packages.iterdir():
        if not entry.name.startswith(EXTRAS) and entry.suffix != ".pth":
            (without_extras / entry.name).symlink_to(entry)
    source = Path(interp_exec.__file__).parent.parent
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.host.base_settings",
        "PYTHONPATH": os.pathsep.join(map(str, [ROOT, source, without_extras])),
    }
    done = subprocess.run(
        [sys.executable, "-S", "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["status"] == "ok"
    assert not [m for m in found["modules"] if m.startswith(EXTRAS)]
