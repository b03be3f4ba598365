"""A Django project outside this repository installs the app as its README says.

The wheel is built (and its metadata checked), installed with its base
dependencies alone into a fresh virtual environment, and a project made by
``django-admin startproject`` gets exactly the README's steps
(``readme_steps``). A real ``qcluster`` then runs a workload and a ``@task`` in
the interpreter pool once their flags say so, each with a dispatch-log row and
the result inline gives. Then the extras are installed and their apps added,
and their pages answer.

It needs PyPI (the dependencies) and takes a minute: ``make test-host`` runs it
(``EPISODIC_TEST_HOST=1``), and CI does; the default ``make test`` skips it.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.host.readme_steps import Step, readme_steps
from tests.qcluster import stop

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "packages" / "django-interp-exec"
HOST_ENV = "EPISODIC_TEST_HOST"
# The base install: the four dependencies and what they bring, nothing of an extra.
BASE_DISTRIBUTIONS = {
    "django-interp-exec",
    "django",
    "django-waffle",
    "django-q2",
    "structlog",
    "asgiref",
    "sqlparse",
    "django-picklefield",
}
FINISH_WITHIN_S = 90
TWINE = "twine==7.0.0"

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not os.environ.get(HOST_ENV), reason=f"needs PyPI; make test-host sets {HOST_ENV}=1"
    ),
]


@dataclass
class Host:
    """A host project: its virtual environment and its folder (manage.py's)."""

    python: Path
    project: Path
    wheel: Path
    env: dict[str, str]

    def run(self, *args: str | Path) -> str:
        done = subprocess.run(
            [str(a) for a in args],
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def manage(self, *args: str) -> str:
        return self.run(self.python, "manage.py", *args)

    def driver(self, code: str) -> dict[str, object]:
        """Run ``code`` in the project with Django set up; it prints one JSON object."""
        script = self.project / "driver.py"
        script.write_text(
            "import django, json, os\n"
            'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hostsite.settings")\n'
            "django.setup()\n" + textwrap.dedent(code).lstrip()
        )
        found: dict[str, object] = json.loads(self.run(self.python, script).splitlines()[-1])
        return found

    def apply(self, steps: list[Step]) -> None:
        """Follow the README's steps: code into the project's files, then its commands."""
        for step in steps:
            if step.path is not None:
                target = self.project / (
                    f"hostsite/{step.path}"
                    if step.path in {"settings.py", "urls.py"}
                    else step.path
                )
                target.parent.mkdir(parents=True, exist_ok=True)
                (target.parent / "__init__.py").touch()
                with target.open("a") as file:
                    file.write("\n" + step.code)
        for step in steps:
            for command in step.commands if step.language == "sh" else []:
                self.follow(command.split("#")[0].split())

    def follow(self, command: list[str]) -> None:
        if command[:2] == ["pip", "install"]:
            extras = command[2].strip('"').removeprefix("django-interp-exec")
            uv(
                "pip",
                "install",
                "--python",
                self.python,
                f"django-interp-exec{extras} @ {self.wheel.as_uri()}",
            )
        elif command[:2] == ["python", "manage.py"] and command[2] != "qcluster":
            self.manage(*command[2:])


def uv(*args: str | Path) -> str:
    binary = (
        os.environ.get("UV")
        or shutil.which("uv")
        or str(Path.home() / ".cache" / "episodic" / "uv" / "bin" / "uv")
    )
    done = subprocess.run([binary, *map(str, args)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"uv {args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Host:
    """The wheel and sdist built and checked, a virtual environment with the README's
    install step, and an empty ``startproject`` project."""
    work = tmp_path_factory.mktemp("host")
    dist = work / "dist"
    uv("build", PACKAGE, "--out-dir", dist)
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    assert len(wheels) == len(sdists) == 1
    # twine in an environment of its own (see the Makefile's IMPORT_LINTER), pinned.
    uv("tool", "run", "--from", TWINE, "twine", "check", "--strict", *wheels, *sdists)
    uv("venv", work / "venv", "--python", sys.executable)
    # Nothing of this repository's environment: the host has its own settings.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "EPISODIC_", "INTERP_EXEC_", "Q_", "PYTHON", "VIRTUAL_ENV")
        )
    }
    env["PROMETHEUS_MULTIPROC_DIR"] = str(work / "prometheus")
    (work / "prometheus").mkdir()
    (work / "project").mkdir()
    found = Host(work / "venv" / "bin" / "python", work / "project", wheels[0], env)
    base, _ = readme_steps()
    install = next(s for s in base if s.language == "sh" and "pip install" in s.code)
    found.apply([install])  # startproject needs Django, which the app brings
    found.run(work / "venv" / "bin" / "django-admin", "startproject", "hostsite", found.project)
    return found


@pytest.fixture(scope="module")
def configured_host(host: Host) -> Host:
    """The host after every step of the README's section but the optional apps'."""
    base, _ = readme_steps()
    host.apply(base)
    return host


def test_the_wheel_installs_only_the_base_dependencies(host: Host) -> None:
    installed = host.run(
        host.python,
        "-c",
        "import importlib.metadata as m, json; "
        "print(json.dumps(sorted({d.metadata['Name'].lower() for d in m.distributions()})))",
    )
    assert set(json.loads(installed)) == BASE_DISTRIBUTIONS


def test_the_readme_settings_pass_the_system_checks(configured_host: Host) -> None:
    assert "System check identified no issues" in configured_host.manage("check")


def test_flags_at_interpreters_route_a_workload_and_a_task_there(configured_host: Host) -> None:
    log = configured_host.project / "qcluster.log"
    with log.open("wb") as output:
        cluster = subprocess.Popen(
            [configured_host.python, "manage.py", "qcluster"],
            cwd=configured_host.project,
            env=configured_host.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        found = configured_host.driver(
            f"""
            import time
            from interp_exec import CpuJob, get_cpu_port
            from interp_exec.jobs import JobRecordStatus, queue_cpu_job
            from interp_exec.models import CpuJobRecord, DispatchLog, ExecutorFlag
            from myapp.tasks import shout

            # As an admin would in Executor flags: mode interpreters, for everyone.
            for name in ("cpu.myapp.word_count", "cpu.myapp.tasks.shout"):
                ExecutorFlag.objects.update_or_create(
                    name=name, defaults={{"mode": "interpreters", "everyone": True}}
                )
            payload = {{"text": "to be or not to be that is the question"}}
            job = queue_cpu_job("myapp.word_count", 10, payload=payload)
            task = shout.enqueue("hello")
            records = CpuJobRecord.objects.filter(pk__in=[job.pk, task.id])
            deadline = time.monotonic() + {FINISH_WITHIN_S}
            while records.filter(status__in=JobRecordStatus.finished()).count() < 2:
                assert time.monotonic() < deadline, "the jobs did not finish"
                time.sleep(0.2)
            job.refresh_from_db()
            logged = sorted(DispatchLog.objects.values_list("workload", "mode_used"))
            inline = get_cpu_port("inline").run(CpuJob("myapp.word_count", payload, size=10))
            print(json.dumps({{
                "job": [job.status, job.mode_used, job.value],
                "inline": inline.value,
                "task": [shout.get_result(task.id).status, shout.get_result(task.id).return_value],
                "task_mode": CpuJobRecord.objects.get(pk=task.id).mode_used,
                "logged": logged,
            }}))
            """
        )
    finally:
        stop(cluster)
    assert found["job"] == ["ok", "interpreters", found["inline"]], log.read_text()
    assert found["inline"] == {"words": 10, "longest": "question"}
    assert found["task"] == ["SUCCESSFUL", "HELLO"]
    assert found["task_mode"] == "interpreters"
    assert found["logged"] == [
        ["myapp.tasks.shout", "interpreters"],
        ["myapp.word_count", "interpreters"],
    ]


def test_the_optional_apps_answer_once_installed_and_added(configured_host: Host) -> None:
    _, extras = readme_steps()
    configured_host.apply(extras)
    configured_host.manage("migrate")  # the API's tokens
    assert "System check identified no issues" in configured_host.manage("check")
    found = configured_host.driver(
        """
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.test.utils import setup_test_environment
        from rest_framework.authtoken.models import Token

        from interp_exec import CpuJob, get_cpu_port

        setup_test_environment()  # the test client's host, "testserver", is allowed
        # A dispatch in this process, with the metrics app installed now: it is counted.
        get_cpu_port("inline").run(CpuJob("myapp.word_count", {"text": "a b"}, size=2))
        staff = get_user_model().objects.create_user("ops", is_staff=True)
        token = Token.objects.create(user=staff)
        client = Client()
        api = client.get("/cpu/api/jobs/", headers={"Authorization": f"Token {token.key}"})
        health = client.get("/cpu/health/")
        client.force_login(staff)
        metrics = client.get("/cpu/metrics/")
        print(json.dumps({
            "api": [api.status_code, api.json()["count"]],
            "health": [health.status_code, health.content.decode().strip()],
            "metrics": [metrics.status_code, "interp_exec_dispatches_total" in metrics.text],
        }))
        """
    )
    # Staff see every job: the workload's and the task's of the test before.
    assert found == {"api": [200, 2], "health": [200, "ok"], "metrics": [200, True]}
