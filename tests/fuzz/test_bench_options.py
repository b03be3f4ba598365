"""run_interp_bench: every bad numeric option stops it with a CommandError naming the
option, before anything runs or is stored."""

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given, settings
from hypothesis import strategies as st

from interp_exec.management.commands.run_interp_bench import (
    MAX_JOBS,
    MAX_REPEAT,
    MAX_TOLERANCE,
    MAX_WORKERS,
)
from interp_exec.models import BenchmarkRun
from interp_exec.task_queue.queueing import MAX_JOB_SIZE
from tests.fuzz.strategies import FUZZ, bad_whole_number, not_a_number

BAD_OPTIONS = {
    "--size": bad_whole_number(1, MAX_JOB_SIZE),
    "--jobs": bad_whole_number(1, MAX_JOBS),
    "--workers": bad_whole_number(1, MAX_WORKERS),
    "--repeat": bad_whole_number(1, MAX_REPEAT),
    "--tolerance": st.one_of(
        not_a_number(),
        st.floats(max_value=-1e-9).map(str),
        st.floats(min_value=MAX_TOLERANCE + 1e-9, allow_infinity=True).map(str),
    ),
}


@pytest.fixture
def no_benchmark(monkeypatch: pytest.MonkeyPatch) -> None:
    """A refused command must not get as far as measuring."""

    def run_benchmark(*args: Any) -> None:
        raise AssertionError("the benchmark ran despite a bad option")

    monkeypatch.setattr(
        "interp_exec.management.commands.run_interp_bench.run_benchmark", run_benchmark
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("no_benchmark")
@settings(FUZZ, max_examples=60)
@given(
    option_and_value=st.sampled_from(sorted(BAD_OPTIONS)).flatmap(
        lambda option: st.tuples(st.just(option), BAD_OPTIONS[option])
    )
)
def test_a_bad_numeric_option_is_refused_naming_the_option(
    option_and_value: tuple[str, str],
) -> None:
    option, value = option_and_value

    # "--opt=value": a value starting with "-" is not taken for another option.
    with pytest.raises(CommandError, match=re.escape(f"argument {option}: give a")):
        call_command("run_interp_bench", f"{option}={value}", stdout=StringIO())
    assert not BenchmarkRun.objects.exists()
