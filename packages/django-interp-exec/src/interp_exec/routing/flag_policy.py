"""The site's policy source: waffle flags and a switch decide where each job runs.

``cpu.kill_switch`` (a waffle Switch) forces inline everywhere, even for a port with a
fixed mode. Otherwise the flag ``cpu.<workload>``, or ``cpu.default`` when the workload
has none, gives the mode (while the flag is active for the job; ``auto``: chosen per job
from measurements, ``auto_policy``) and the limits (blank ones inherit the settings).
Waffle reads flags through Django's cache and clears it on save, so with the site's
shared cache a change made in the admin reaches running workers on their next job.

``flag_is_active`` needs a request; jobs have none, so a job is evaluated
through the flag's own user rules and a deterministic percent bucket. Flags are
read from this process's snapshot (``flag_snapshot``), not through waffle's
cache per job: a change made in the admin applies to the next batch in every
running worker within ``INTERP_EXEC["FLAG_REFRESH_S"]``.
"""

import dataclasses
import hashlib
import json

from django.contrib.auth import get_user_model
from waffle.models import Switch

from interp_exec.core.domain import AUTO, CpuJob, DispatchPolicy, ExecutorMode
from interp_exec.core.settings_policy import settings_policy
from interp_exec.core.workloads import load_configured_workloads
from interp_exec.models import ExecutorFlag
from interp_exec.routing.auto_policy import choose_for_job
from interp_exec.routing.flag_snapshot import KILL_SWITCH as KILL_SWITCH
from interp_exec.routing.flag_snapshot import current_flags

DEFAULT_FLAG = "cpu.default"


def flag_name(workload: str) -> str:
    return f"cpu.{workload}"


def rollout_bucket(flag: str, job: CpuJob) -> float:
    """A number in [0, 100) fixed for this flag and job: the same job, the same answer."""
    key = job.rollout_key or json.dumps(
        [job.workload, job.size, job.payload], sort_keys=True, default=str
    )
    digest = hashlib.sha256(f"{flag}:{key}".encode()).digest()
    return int.from_bytes(digest[:8]) % 10_000 / 100


def is_active_for_job(flag: ExecutorFlag, job: CpuJob) -> bool:
    if flag.pk is None:
        return False
    if flag.everyone is not None:
        return bool(flag.everyone)
    if job.user_id is not None:
        user = get_user_model().objects.filter(pk=job.user_id).first()
        if user is not None and flag.is_active_for_user(user):
            return True
    return flag.percent is not None and rollout_bucket(flag.name, job) < float(flag.percent)


def policy_from_flags(job: CpuJob, fixed_mode: ExecutorMode | None) -> DispatchPolicy:
    base = settings_policy(job, fixed_mode)
    snapshot = current_flags()
    default = snapshot.flag(DEFAULT_FLAG)
    flag = snapshot.flag(flag_name(job.workload))
    if flag.pk is None:
        flag = default
    # An untrusted workload stays in processes even under the kill switch: inline,
    # its job could take the worker down with it. cpu.default's marks every workload.
    isolated = bool(flag.untrusted or default.untrusted)
    if snapshot.kill_switch_on:
        return dataclasses.replace(
            base, mode=ExecutorMode.INLINE, isolated=isolated, source=f"switch {KILL_SWITCH} is on"
        )
    if flag.pk is None:
        return base

    # One pool per process serves every workload: its size is the default flag's.
    max_workers = _first_set(default.max_workers, base.max_workers)
    auto = None
    if fixed_mode is not None:
        mode, source = fixed_mode, f"fixed mode {fixed_mode.value}; limits from flag {flag.name}"
    elif not is_active_for_job(flag, job):
        mode, source = ExecutorMode.INLINE, f"flag {flag.name} is not active for this job"
    elif flag.mode == AUTO:
        auto = choose_for_job(
            job,
            isolated=isolated,
            processes_enabled=base.processes_enabled,
            max_workers=max_workers,
            flags_version=snapshot.version,
        )
        mode, source = auto.mode, f"flag {flag.name} is active"
    else:
        mode, source = ExecutorMode.parse(flag.mode), f"flag {flag.name} is active"
    return DispatchPolicy(
        mode=mode,
        min_task_size=_first_set(flag.min_task_size, default.min_task_size, base.min_task_size),
        max_payload_bytes=_first_set(
            flag.max_payload_bytes, default.max_payload_bytes, base.max_payload_bytes
        ),
        max_workers=max_workers,
        timeout_s=_first_set(flag.timeout_s, default.timeout_s, base.timeout_s),
        processes_enabled=base.processes_enabled,
        isolated=isolated,
        source=source,
        auto=auto,
    )


def _first_set[T](*values: T | None) -> T:
    for value in values:
        if value is not None:
            return value
    raise ValueError("no value set")


def ensure_workload_flags() -> list[str]:
    """Create the default flag and one flag per registered workload, all inactive.

    Nothing goes to a pool until an admin turns a flag on; the flags exist so the
    admin has something to turn on. Waffle's own default makes a new flag active
    for superusers, which would send an admin's jobs to a pool: it is turned off.
    Returns the names of flags it created.

    Rows are inserted with ``bulk_create``, not ``save()``: saving clears waffle's
    cache entries, and on a first ``migrate`` (when this runs) the database cache's
    table does not exist yet. A cached "no such flag" entry from before can only
    delay a new, inactive flag until the entry expires.
    """
    names = [DEFAULT_FLAG, *(flag_name(w.name) for w in load_configured_workloads())]
    existing = set(ExecutorFlag.objects.filter(name__in=names).values_list("name", flat=True))
    missing = [name for name in names if name not in existing]
    ExecutorFlag.objects.bulk_create(
        ExecutorFlag(
            name=name,
            everyone=None,
            superusers=False,
            mode=ExecutorMode.INTERPRETERS.value,
            note="Created inactive. Set Everyone to Yes (or a percent) to route jobs.",
        )
        for name in missing
    )
    if not Switch.objects.filter(name=KILL_SWITCH).exists():
        Switch.objects.bulk_create(
            [
                Switch(
                    name=KILL_SWITCH,
                    active=False,
                    note="On: every CPU job runs inline, whatever the flags say.",
                )
            ]
        )
    return missing
