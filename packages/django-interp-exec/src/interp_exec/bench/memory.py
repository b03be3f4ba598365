"""Resident memory of this process and every process it started.

Subinterpreters live inside this process and worker processes beside it, so only
the whole tree's figure compares the two. RSS counts pages shared between
processes (the interpreter binary, libraries) once per process: for a process
pool that is what the operating system has to keep resident for it, not an error.

Read from Linux's ``/proc`` (the base install has no psutil): each process's
``statm`` for its resident pages, and its threads' ``children`` for the tree.
Elsewhere the figure is 0.
"""

import os
from collections.abc import Iterator
from pathlib import Path

_MIB = 1024 * 1024
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_PROC = Path("/proc")


def process_tree_rss_mb() -> float:
    """Summed RSS of this process and all its descendants, in MiB."""
    return sum(_rss_bytes(pid) for pid in _tree(os.getpid())) / _MIB


def _tree(pid: int) -> Iterator[int]:
    yield pid
    try:
        threads = list((_PROC / str(pid) / "task").iterdir())
    except OSError:
        return  # not Linux, or the process exited while listed
    for thread in threads:
        try:
            children = (thread / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            yield from _tree(int(child))


def _rss_bytes(pid: int) -> int:
    try:
        return int((_PROC / str(pid) / "statm").read_text().split()[1]) * _PAGE
    except OSError, IndexError, ValueError:
        return 0  # a worker that exited between listing and reading holds no memory
