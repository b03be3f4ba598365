"""Applying the benchmark guard's decisions (``bench.guard``) to the executor flags.

All switches of one run are written in one transaction, each with an admin
``LogEntry`` carrying the run's figures, so the flag's history in the admin
says who changed it and why. A flag is re-read under a row lock and switched
only if its mode is still the one the decision was made against: a run that
overlaps an admin's edit, or a second run on the same figures, changes nothing.
Saving a flag goes through its model's signals, so running workers pick the
change up within ``FLAG_REFRESH_S``, as after an edit in the admin.
"""

from collections.abc import Iterable

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from interp_exec.bench.guard import GuardDecision
from interp_exec.core.domain import InterpExecError
from interp_exec.models import BenchmarkRun, ExecutorFlag
from interp_exec.routing.flag_policy import flag_name


class GuardUserMissing(InterpExecError):
    """The guard writes admin log entries, which need a user to name."""


def guard_user(username: str | None) -> AbstractBaseUser:
    """The account the guard's log entries name: ``username``, or the first superuser."""
    users = get_user_model()._default_manager.filter(is_active=True)
    if username:
        found = users.filter(**{get_user_model().USERNAME_FIELD: username}).first()
        if found is None:
            raise GuardUserMissing(f"--guard-user {username}: no active user has that name")
        return found
    first = users.filter(is_superuser=True).order_by("pk").first()
    if first is None:
        raise GuardUserMissing(
            "--guard records each flag it switches in the admin's log, which needs a user: "
            "create a superuser (manage.py ensure_superuser) or pass --guard-user NAME"
        )
    return first


def configured_modes(workloads: Iterable[str]) -> dict[str, str | None]:
    """Each workload's own flag's mode, or None when it has none or it routes no job."""
    flags = {
        flag.name: flag
        for flag in ExecutorFlag.objects.filter(name__in=[flag_name(w) for w in workloads])
    }
    modes: dict[str, str | None] = {}
    for workload in workloads:
        flag = flags.get(flag_name(workload))
        modes[workload] = flag.mode if flag is not None and routes_jobs(flag) else None
    return modes


def routes_jobs(flag: ExecutorFlag) -> bool:
    """Whether some job can be active for ``flag`` (its mode matters to someone)."""
    if flag.everyone is not None:
        return bool(flag.everyone)
    return bool(
        flag.percent
        or flag.superusers
        or flag.staff
        or flag.authenticated
        or flag.users.exists()
        or flag.groups.exists()
    )


@transaction.atomic
def apply_switches(
    decisions: Iterable[GuardDecision], user: AbstractBaseUser, run: BenchmarkRun | None
) -> list[GuardDecision]:
    """Switch every flag a decision says to switch; the decisions applied."""
    applied = []
    where = f"benchmark run {run.pk}" if run is not None else "a benchmark run not saved"
    for decision in decisions:
        if decision.switch_to is None:
            continue
        flag = (
            ExecutorFlag.objects.select_for_update()
            .filter(name=flag_name(decision.workload), mode=decision.configured)
            .first()
        )
        if flag is None:
            continue
        flag.mode = decision.switch_to
        flag.save()
        LogEntry.objects.log_actions(
            user.pk,
            [flag],
            CHANGE,
            change_message=(
                f"run_interp_bench --guard ({where}): mode {decision.configured} -> "
                f"{decision.switch_to}: {decision.reason}"
            ),
            single_object=True,
        )
        applied.append(decision)
    return applied
