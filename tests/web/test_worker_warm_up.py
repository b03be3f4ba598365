"""Each qcluster worker warms its own interpreter pool when django-q2 starts it."""

import pytest
import structlog
from django_q.signals import post_spawn

from interp_exec import bootstrap
from interp_exec.flags import DEFAULT_FLAG
from tests.flag_helpers import set_flag


def test_a_starting_worker_warms_a_pool_of_the_default_flags_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sizes: list[int | None] = []
    monkeypatch.setattr(bootstrap, "warm_up", sizes.append)
    set_flag(DEFAULT_FLAG, max_workers=3)

    with structlog.testing.capture_logs() as logs:
        post_spawn.send(sender="django_q", proc_name="Process-1")

    assert sizes == [3]
    assert {"event": "cpu.worker_warmed_up", "proc_name": "Process-1", "max_workers": 3} in [
        {k: v for k, v in entry.items() if k in {"event", "proc_name", "max_workers"}}
        for entry in logs
    ]


def test_a_failed_warm_up_is_logged_and_the_worker_carries_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(max_workers: int | None = None) -> None:
        raise RuntimeError("no interpreters today")

    monkeypatch.setattr(bootstrap, "warm_up", broken)

    with structlog.testing.capture_logs() as logs:
        responses = post_spawn.send(sender="django_q", proc_name="Process-2")

    assert [response for _, response in responses] == [None]
    (failure,) = [entry for entry in logs if entry["event"] == "cpu.worker_warm_up_failed"]
    assert failure["log_level"] == "error"
    assert failure["proc_name"] == "Process-2"
