"""The terminal table of a benchmark: one line per workload and mode."""

from collections.abc import Callable, Sequence

from interp_exec.bench.harness import ModeResult

type Cell = Callable[[ModeResult], str]


def _number(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


# (heading, cell, left-aligned); units are in the headings so the cells stay short.
_COLUMNS: list[tuple[str, Cell, bool]] = [
    ("workload", lambda r: r.workload, True),
    ("mode", lambda r: r.mode, True),
    ("size", lambda r: str(r.size), False),
    ("jobs", lambda r: str(r.jobs), False),
    ("workers", lambda r: str(r.workers), False),
    ("wall s median", lambda r: f"{r.wall_s_median:.3f}", False),
    ("min-max", lambda r: f"{r.wall_s_min:.3f}-{r.wall_s_max:.3f}", False),
    ("jobs/s", lambda r: f"{r.jobs_per_s:.2f}", False),
    ("speedup", lambda r: f"{r.speedup_vs_inline:.2f}x", False),
    ("overhead us/job", lambda r: f"{r.overhead_us_per_job:.0f}", False),
    ("pool start ms", lambda r: _number(r.pool_start_ms, ".1f"), False),
    ("first job ms", lambda r: _number(r.first_job_ms, ".2f"), False),
    ("peak RSS MB", lambda r: f"{r.peak_rss_mb:.1f}", False),
    ("RSS +MB", lambda r: f"{r.rss_delta_mb:.1f}", False),
    ("identical", lambda r: "yes" if r.results_identical else "NO", True),
]


def format_table(results: Sequence[ModeResult]) -> str:
    rows = [[heading for heading, _, _ in _COLUMNS]]
    rows += [[cell(r) for _, cell, _ in _COLUMNS] for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    lines = [
        "  ".join(
            text.ljust(width) if left else text.rjust(width)
            for text, width, (_, _, left) in zip(row, widths, _COLUMNS, strict=True)
        ).rstrip()
        for row in rows
    ]
    lines.insert(1, "-" * (sum(widths) + 2 * (len(widths) - 1)))
    return "\n".join(lines)
