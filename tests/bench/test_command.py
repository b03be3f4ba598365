"""``manage.py run_interp_bench``: real runs on tiny sizes, and the regression gate.

Two tests run the real harness (one workload, 2 jobs, one repeat, 2 workers);
the gate's tests stand a fabricated result in for the harness, since what they
test is what the command does with a regressing result.
"""

import json
import re
import subprocess
from io import StringIO

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from interp_exec.bench.harness import ModeResult
from interp_exec.models import BenchmarkResult, BenchmarkRun
from tests.bench.figures import figures

pytestmark = pytest.mark.django_db

TINY_RUN = ["--workload", "transcript.readability", "--size", "300"]
TINY_RUN += ["--jobs", "2", "--repeat", "1", "--workers", "2"]

_number = {"type": "number"}
_optional_number = {"type": ["number", "null"]}
_count = {"type": "integer", "minimum": 1}
RESULT_SCHEMA = {
    "type": "object",
    "required": [
        "workload",
        "mode",
        "size",
        "jobs",
        "workers",
        "wall_s_median",
        "wall_s_min",
        "wall_s_max",
        "jobs_per_s",
        "speedup_vs_inline",
        "overhead_us_per_job",
        "pool_start_ms",
        "peak_rss_mb",
        "results_identical",
    ],
    "properties": {
        "workload": {"type": "string", "minLength": 1},
        "mode": {"enum": ["inline", "interpreters", "processes"]},
        "size": _count,
        "jobs": _count,
        "workers": _count,
        "wall_s_median": {"type": "number", "exclusiveMinimum": 0},
        "wall_s_min": {"type": "number", "exclusiveMinimum": 0},
        "wall_s_max": {"type": "number", "exclusiveMinimum": 0},
        "jobs_per_s": {"type": "number", "exclusiveMinimum": 0},
        "speedup_vs_inline": {"type": "number", "exclusiveMinimum": 0},
        "overhead_us_per_job": _number,
        "pool_start_ms": _optional_number,
        "first_job_ms": _optional_number,
        "peak_rss_mb": {"type": "number", "exclusiveMinimum": 0},
        "results_identical": {"type": "boolean"},
    },
}
OUTPUT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["cpu_count", "python", "results"],
    "properties": {
        "cpu_count": _count,
        "python": {"type": "string", "pattern": r"^3\.14\."},
        "results": {"type": "array", "minItems": 1, "items": RESULT_SCHEMA},
    },
}


def bench(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("run_interp_bench", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_run_prints_one_valid_object_and_saves_the_run() -> None:
    out, err = bench(*TINY_RUN, "--json")

    document = json.loads(out)
    jsonschema.validate(document, OUTPUT_SCHEMA)
    results = document["results"]
    assert [r["mode"] for r in results] == ["inline", "interpreters", "processes"]
    assert all(r["results_identical"] for r in results)
    assert all(r["size"] == 300 and r["jobs"] == 2 for r in results)
    assert [r["workers"] for r in results] == [1, 2, 2]
    assert results[0]["speedup_vs_inline"] == 1.0
    assert results[0]["pool_start_ms"] is None
    assert all(r["pool_start_ms"] > 0 for r in results[1:])
    assert "interpreters" in err, "progress goes to stderr when stdout carries the JSON"

    run = BenchmarkRun.objects.get()
    assert document["run_id"] == run.pk
    assert run.workers == 2
    assert run.options["workloads"] == ["transcript.readability"]
    head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    assert run.git_revision == head.strip()
    assert re.fullmatch(r"3\.14\.\d+", run.python_version)
    stored = {r.mode: r for r in run.results.all()}
    assert set(stored) == {"inline", "interpreters", "processes"}
    for row in results:
        saved = stored[row["mode"]]
        assert saved.jobs_per_s == row["jobs_per_s"]
        assert saved.overhead_us_per_job == row["overhead_us_per_job"]
        assert saved.rss_delta_mb == row["rss_delta_mb"]
        assert saved.results_identical is True


def test_table_run_with_no_save_prints_every_mode_and_stores_nothing() -> None:
    out, _ = bench(*TINY_RUN, "--modes", "inline,interpreters", "--no-save")

    assert "jobs/s" in out
    assert "overhead us/job" in out
    rows = [line for line in out.splitlines() if line.startswith("transcript.readability")]
    assert [row.split()[1] for row in rows] == ["inline", "interpreters"]
    assert "identical to inline" in out
    assert "[1/1] transcript.readability" in out, "progress lines come before the table"
    assert BenchmarkRun.objects.count() == 0
    assert BenchmarkResult.objects.count() == 0


def test_fail_on_regression_exits_1_naming_the_workload_and_keeps_the_run(
    fake_harness: list[ModeResult],
) -> None:
    fake_harness += [
        figures("text.dedupe", "inline", wall_s_median=1.2),
        figures("text.dedupe", "interpreters", wall_s_median=1.6),
        figures("audio.loudness", "inline", wall_s_median=1.2),
        figures("audio.loudness", "interpreters", wall_s_median=0.7),
    ]

    with pytest.raises(CommandError, match=r"text\.dedupe") as failure:
        bench("--workload", "text.dedupe", "--fail-on-regression")

    assert failure.value.returncode == 1
    assert "audio.loudness" not in str(failure.value)
    assert BenchmarkRun.objects.get().regressions == ["text.dedupe"]


def test_a_regression_without_the_flag_is_reported_not_fatal(
    fake_harness: list[ModeResult],
) -> None:
    fake_harness += [
        figures("text.dedupe", "inline", wall_s_median=1.2),
        figures("text.dedupe", "interpreters", wall_s_median=1.6),
    ]

    out, _ = bench("--workload", "text.dedupe", "--json", "--no-save")

    assert json.loads(out)["regressions"] == ["text.dedupe"]


def test_table_names_each_failure_once(fake_harness: list[ModeResult]) -> None:
    fake_harness += [
        figures("text.dedupe", "inline", wall_s_median=1.2),
        figures("text.dedupe", "interpreters", wall_s_median=1.6, results_identical=False),
    ]

    out, _ = bench("--workload", "text.dedupe", "--no-save")

    assert out.count("slower than inline by more than 15%") == 1
    assert out.count("text.dedupe (interpreters)") == 1
    assert "identical to inline" not in out


def test_fail_on_regression_passes_when_interpreters_keep_up(
    fake_harness: list[ModeResult],
) -> None:
    fake_harness += [figures("text.dedupe", "inline"), figures("text.dedupe", "interpreters")]

    out, _ = bench("--workload", "text.dedupe", "--fail-on-regression", "--no-save")

    assert "No regression" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--modes", "interpreters,processes"], "must include inline"),
        (["--modes", "inline,threads"], "unknown executor mode 'threads'"),
        (["--workload", "no.such"], "unknown workload 'no.such'"),
        (["--workload", "audio.spectrum"], "audio.spectrum cannot run in a subinterpreter"),
        (["--jobs", "0"], "argument --jobs: give a whole number from 1 to 1,000, not '0'"),
        (["--jobs", "1e3"], "argument --jobs: give a whole number from 1 to 1,000"),
        (["--size", "0"], "argument --size: give a whole number from 1 to 1,000,000, not '0'"),
        # Before: a MemoryError traceback once the payloads were built.
        (["--size", "10" + "0" * 15], "argument --size: give a whole number from 1 to 1,000,000"),
        (["--workers", "100000"], "argument --workers: give a whole number from 1 to 64"),
        (["--repeat", "-3"], "argument --repeat: give a whole number from 1 to 100"),
        (["--tolerance", "-0.1"], "argument --tolerance: give a number from 0 to 1, not '-0.1'"),
        # Before: nan crashed the verdict after the whole run; inf was saved and passed all.
        (["--tolerance", "nan"], "argument --tolerance: give a number from 0 to 1, not 'nan'"),
        (["--tolerance", "inf"], "argument --tolerance: give a number from 0 to 1, not 'inf'"),
    ],
)
def test_bad_options_stop_with_a_message_before_running(
    args: list[str], message: str, fake_harness: list[ModeResult]
) -> None:
    fake_harness.append(figures("never", "inline"))  # a run that got this far would save it

    with pytest.raises(CommandError, match=re.escape(message)):
        bench(*args)
    assert BenchmarkRun.objects.count() == 0


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("tolerance", float("nan"), "--tolerance: give a number from 0 to 1"),
        ("jobs", 1.5, "--jobs: give a whole number from 1 to 1,000, not '1.5'"),
        ("size", 10**9, "--size: give a whole number from 1 to 1,000,000"),
    ],
)
def test_bad_options_given_as_keywords_are_refused_too(
    option: str, value: object, message: str, fake_harness: list[ModeResult]
) -> None:
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("run_interp_bench", **{option: value}, stdout=StringIO())
    assert BenchmarkRun.objects.count() == 0
