"""A task that reads and writes a model runs in every mode, with Django set up in the worker.

Inline it runs in the q2 worker, Django's own process. In processes and in
subinterpreters the worker imports the task's module; importing a model there
needs Django's app registry, so the worker sets Django up first, once, and
closes the job's database connections after it. Each mode's task adds a row and
reads the table back: the results agree, each on the rows before it.
"""

from typing import Any

import pytest
from django.contrib.auth.models import Group

from interp_exec.models import CpuJobRecord
from tests.qcluster import QCluster, wait_out_flag_refresh
from tests.task_backend import model_tasks
from tests.task_backend.test_qcluster import MODES, route, wait_until_finished

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_task_that_uses_a_model_runs_in_every_mode_with_equal_results(
    qcluster: QCluster,
) -> None:
    values: dict[str, Any] = {}
    for mode in MODES:
        route(model_tasks.add_group, mode)
        wait_out_flag_refresh()
        result = wait_until_finished(model_tasks.add_group.enqueue(f"made-{mode}"), qcluster)
        record = CpuJobRecord.objects.get(pk=result.id)
        assert (record.status, record.mode_used, record.fallback_reason) == ("ok", mode, ""), (
            record.error_message or record.fallback_reason
        )
        values[mode] = result.return_value
    assert values == {
        "inline": {"groups": ["made-inline"]},
        "interpreters": {"groups": ["made-inline", "made-interpreters"]},
        "processes": {"groups": ["made-inline", "made-interpreters", "made-processes"]},
    }
    assert sorted(Group.objects.values_list("name", flat=True)) == [f"made-{m}" for m in MODES]
