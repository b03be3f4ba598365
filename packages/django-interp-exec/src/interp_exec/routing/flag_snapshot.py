"""Executor flags and the kill switch, read once per process and refreshed on change.

Routing a job needs the kill switch, the workload's flag and ``cpu.default``.
Read through waffle, that is three cache reads per job (three queries with the
database cache), which cost a tiny job far more than running it. So each process
keeps one snapshot of every ``ExecutorFlag`` and the switch::

    admin saves a flag or the switch (or a flag's users/groups)
      -> this process: its snapshot is dropped at once
      -> after commit: a new random token under VERSION_KEY in the shared cache
    any process, on its next job -> token read at most every FLAG_REFRESH_S
      -> token differs from its snapshot's: every flag and the switch re-read

So a change reaches every running worker within ``INTERP_EXEC["FLAG_REFRESH_S"]``
seconds (1 s by default) plus the time its current batch still runs. A token
that is missing (the cache was cleared or evicted) counts as a change. Auto
mode's figures are read again on the same token (``announce_change``: its
start-up measurement tells every worker so).
"""

import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from waffle.models import Switch

from interp_exec.core import conf
from interp_exec.models import ExecutorFlag

VERSION_KEY = "interp_exec:flags_version"
KILL_SWITCH = "cpu.kill_switch"


@dataclass(frozen=True, slots=True)
class FlagSnapshot:
    version: str
    flags: dict[str, ExecutorFlag]
    kill_switch_on: bool

    def flag(self, name: str) -> ExecutorFlag:
        """The flag ``name``, or an unsaved one (``pk`` None) when there is none, as waffle does."""
        found = self.flags.get(name)
        return found if found is not None else ExecutorFlag(name=name)


class _SnapshotHolder:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot: FlagSnapshot | None = None
        self._checked_at = 0.0

    def get(self) -> FlagSnapshot:
        now = time.monotonic()
        snapshot = self._snapshot
        if snapshot is not None and now - self._checked_at < conf.get_setting("FLAG_REFRESH_S"):
            return snapshot
        with self._lock:
            version = _shared_version()
            if self._snapshot is None or self._snapshot.version != version:
                self._snapshot = _load(version)
            self._checked_at = now
            return self._snapshot

    def drop(self) -> None:
        with self._lock:
            self._snapshot = None


_holder = _SnapshotHolder()


def current_flags() -> FlagSnapshot:
    """This process's snapshot, refreshed when another process changed a flag."""
    return _holder.get()


def forget_flags() -> None:
    """Drop this process's snapshot: the next job reads every flag again."""
    _holder.drop()


def flags_changed(**kwargs: Any) -> None:
    """Signal receiver: a flag, the switch or a flag's users/groups changed."""
    announce_change()


def announce_change() -> None:
    """Every process reads the flags again within ``FLAG_REFRESH_S`` of the commit, and
    with them auto mode's figures, which follow the flags' version (``auto_figures``)."""
    forget_flags()
    # Other processes must not re-read before the change is visible to them.
    transaction.on_commit(_bump_version)


def _bump_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _shared_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY, "")
    return str(version)


def _load(version: str) -> FlagSnapshot:
    return FlagSnapshot(
        version=version,
        flags={flag.name: flag for flag in ExecutorFlag.objects.all()},
        kill_switch_on=Switch.objects.filter(name=KILL_SWITCH, active=True).exists(),
    )
