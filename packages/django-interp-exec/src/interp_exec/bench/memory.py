"""Resident memory of this process and every process it started.

Subinterpreters live inside this process and worker processes beside it, so only
the whole tree's figure compares the two. RSS counts pages shared between
processes (the interpreter binary, libraries) once per process: for a process
pool that is what the operating system has to keep resident for it, not an error.
"""

import psutil

_MIB = 1024 * 1024


def process_tree_rss_mb() -> float:
    """Summed RSS of this process and all its descendants, in MiB."""
    root = psutil.Process()
    total = 0
    for process in [root, *root.children(recursive=True)]:
        try:
            total += int(process.memory_info().rss)
        except psutil.NoSuchProcess:
            # A worker that exited between listing and reading holds no memory.
            continue
    return total / _MIB
