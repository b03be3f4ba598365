"""End-to-end throughput of queued CPU jobs: queue -> task queue -> worker -> outcome stored.

    .venv/bin/python scripts/e2e_throughput.py --backend sqlite    # SQLite + ORM broker
    .venv/bin/python scripts/e2e_throughput.py --backend services  # PostgreSQL + Redis broker

For each sizing (q2 workers x interpreter pool size) and mode (inline,
interpreters), it starts a ``qcluster`` on a scratch database (``var/`` for
SQLite; a database of its own on the server and Redis db 13, both emptied first),
waits until every worker has warmed up, queues ``--jobs`` jobs from this process
with ``queue_cpu_job``, and waits until every outcome is stored. Each job carries
its own transcript as a stored payload (``--payload stored``, the default), as a
producer's real episode would; ``--payload sample`` stores only a seed, and the
worker builds the sample.

- jobs/s = jobs / (last ``finished_at`` - the moment the first job was queued);
- memory is the qcluster's process tree (psutil), idle after warm-up and once
  every job is stored, before the cluster stops: RSS summed over the processes
  (pages the forked workers share count once per process) and PSS (shared pages
  split between them, so the sum is what the tree really holds); "workers PSS" is
  the PSS of the q2 worker processes alone (those that ran jobs), without the
  cluster's own processes. It is read after the run, not during it: reading a
  process's PSS walks its page tables (~11 ms of CPU for a tree of a 2-worker
  cluster), which sampled every 0.25 s took 0.4-0.75 ms a job from the cores
  the jobs run on. What a worker holds after its jobs is mostly what it keeps:
  freed small objects stay in the allocators' arenas;
- the bare standard-library InterpreterPoolExecutor mapping the workload over the
  same payloads (no queue, no port), for each pool size: what the queue path is
  held to;
- the physical limit is cores / the median run time of the inline runs; each
  row's share of it, and its overhead per job: the core time it spent per job
  beyond the run (elapsed x the cores its slots could use / jobs - median run);
- "other CPU" is the share of the machine's CPU time that went to processes other
  than this one, the qcluster tree and the servers (postgres, redis-server) while
  the jobs ran: a run beside someone else's work is not a measurement;
- a second table says where each job's core time went, read from the processes'
  and threads' own CPU times (psutil) over the run: the jobs' runs (the pool's slot
  threads; inline, the runs are in the workers' own thread), the rest of the q2
  workers' time (the host thread: claims, stores, the port), the cluster's own
  processes (django-q2's sentinel, pusher, monitor), the database server, Redis
  and this process (the producer, and its polling for the last outcome);
  "beyond the runs" sums all but the runs. The account opens once the workers
  have warmed up, which in a ``--backlog`` run is 0.1-0.15 s after the first job
  started (a tenth of a run), so its CPU is divided by the jobs done while it
  was open (jobs/s x the time it and the run overlap), not by all of them.
  Unlike the overhead column, derived from throughput, it counts no idle core and
  no run slowed by sharing one.

With ``--backlog`` the jobs are all queued before the qcluster starts, and jobs/s
is jobs / (last ``finished_at`` - first ``started_at``): what the workers can do
when this process is not competing with them for the cores while it queues.

With ``--slots N`` (repeatable, e.g. 1 2 4 8) the configurations are N inline
q2 workers against one q2 worker with a pool of N subinterpreters, and a second
table puts each pair side by side: throughput, the workers' PSS, their ratio,
and what one more slot costs in PSS (the workers' PSS over N). Throughput
flattens at the core count; memory is what keeps growing.

With ``--repeat`` every configuration runs that many times, in rounds, and the
median is shown with the range. A worker warms only the pools its flags route
to, so an inline run carries no idle pool.
"""

import argparse
import functools
import math
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import psutil

ROOT = Path(__file__).resolve().parents[1]
WORKLOAD = "transcript.readability"
SQLITE_PATH = ROOT / "var" / "e2e-bench.sqlite3"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/episodic_e2e_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
MODES = ("inline", "interpreters")
FINISH_WITHIN_S = 600
POLL_EVERY_S = 0.25
# The servers a run uses, by process name, and the role their CPU time counts as.
SERVER_ROLES = {"postgres": "database", "redis-server": "redis"}
# The names of the subinterpreter pool's threads (InterpreterPoolAdapter), as the OS
# knows them (Python names a thread's OS thread after it).
SLOT_THREAD_PREFIX = "interp-exec"
_MIB = 1024 * 1024


@dataclass
class RunResult:
    mode: str
    workers: int
    pool: int
    jobs_per_s: float
    median_run_ms: float
    idle_rss_mb: float
    idle_pss_mb: float
    rss_mb: float
    pss_mb: float
    workers_pss_mb: float
    other_cpu: float
    # CPU ms per job by role (CpuAccount.ROLES) over the run.
    cpu_ms_per_job: dict[str, float]

    @property
    def slots(self) -> int:
        """Jobs it can run at once: one per worker, or one per interpreter of each pool."""
        return self.workers * (self.pool if self.mode == "interpreters" else 1)

    def overhead_ms(self, median_run_ms: float) -> float:
        """Core time per job beyond the run: what claiming, storing and the queue cost."""
        usable = min(self.slots, os.cpu_count() or 1)
        return 1000 * usable / self.jobs_per_s - median_run_ms


def summary_row(runs: list[RunResult], limit: float, inline_run_ms: float) -> str:
    """One table row: medians over the repeats, with the range of jobs/s."""

    def median(name: str) -> float:
        return float(statistics.median(float(getattr(run, name)) for run in runs))

    rates = sorted(run.jobs_per_s for run in runs)
    spread = f" ({rates[0]:.1f}-{rates[-1]:.1f})" if len(rates) > 1 else ""
    idle = (
        f"{median('idle_rss_mb'):.0f} / {median('idle_pss_mb'):.0f}"
        if not math.isnan(runs[0].idle_rss_mb)
        else "-"
    )
    overhead = statistics.median(run.overhead_ms(inline_run_ms) for run in runs)
    return (
        f"| {runs[0].mode} | {runs[0].workers} x {runs[0].pool} | "
        f"{median('jobs_per_s'):.1f}{spread} | {median('jobs_per_s') / limit:.0%} | "
        f"{overhead:.1f} | {median('median_run_ms'):.1f} | {idle} | "
        f"{median('rss_mb'):.0f} / {median('pss_mb'):.0f} | "
        f"{median('workers_pss_mb'):.0f} | {max(run.other_cpu for run in runs):.0%} |"
    )


def cpu_row(runs: list[RunResult]) -> str:
    """Where each job's core time went: medians over the repeats, ms per job."""

    def median(role: str) -> float:
        return float(statistics.median(run.cpu_ms_per_job[role] for run in runs))

    pooled = runs[0].mode == "interpreters"
    beyond = statistics.median(
        sum(run.cpu_ms_per_job.values()) - run.cpu_ms_per_job["job runs"] for run in runs
    )
    figures = [f"{median(role):.2f}" for role in CpuAccount.ROLES]
    if not pooled:
        figures[0] = "-"  # inline, the runs are in the workers' own thread
    return (
        f"| {runs[0].mode} | {runs[0].workers} x {runs[0].pool} | {' | '.join(figures)} | "
        f"{f'{beyond:.2f}' if pooled else '-'} |"
    )


CPU_HEADER = (
    "| mode | q2 workers x pool | job runs (slot threads) | workers' host threads "
    "| q2's own processes | database | Redis | this process | beyond the runs |\n"
    "|---|---|---|---|---|---|---|---|---|"
)


HEADER = (
    "| mode | q2 workers x pool | jobs/s | share of limit | overhead ms/job | median run ms "
    "| idle RSS / PSS MiB | RSS / PSS after MiB | workers PSS MiB | other CPU (max) |\n"
    "|---|---|---|---|---|---|---|---|---|---|"
)


def physical_limit(runs: dict[tuple[int, int, str], list[RunResult]]) -> tuple[float, float]:
    """Cores / the median run time of the inline runs (jobs/s), and that run time (ms)."""
    inline = [
        run.median_run_ms for (_, _, mode), done in runs.items() if mode == "inline" for run in done
    ]
    run_ms = float(statistics.median(inline))
    return (os.cpu_count() or 1) * 1000 / run_ms, run_ms


def main() -> None:
    args = parse_args()
    configure_environment(args)
    import django

    django.setup()
    prepare_database(args)
    print(describe_machine(args), flush=True)
    if args.slots:
        configurations = [c for n in args.slots for c in ((n, 1, "inline"), (1, n, "interpreters"))]
    else:
        configurations = [(w, p, mode) for w, p in args.sizing for mode in MODES]
    runs: dict[tuple[int, int, str], list[RunResult]] = {c: [] for c in configurations}
    for round_number in range(1, args.repeat + 1):
        for workers, pool, mode in configurations:
            run = run_once(mode, workers, pool, args, backlog=args.backlog)
            runs[workers, pool, mode].append(run)
            print(
                f"round {round_number}: {mode} {workers}x{pool}: {run.jobs_per_s:.1f} jobs/s, "
                f"other CPU {run.other_cpu:.0%}",
                file=sys.stderr,
                flush=True,
            )
    limit, inline_run_ms = physical_limit(runs)
    print(
        f"physical limit: {limit:.1f} jobs/s ({os.cpu_count()} cores / "
        f"{inline_run_ms:.1f} ms median inline run)"
    )
    pools = sorted({pool for _, pool, mode in configurations if pool > 1})
    for pool, rate in bare_executor_rates(args, pools).items():
        print(f"bare stdlib InterpreterPoolExecutor({pool}).map, same payloads: {rate:.1f} jobs/s")
    print()
    print(HEADER)
    for configuration in configurations:
        print(summary_row(runs[configuration], limit, inline_run_ms))
    print()
    print("Where each job's core time went (CPU ms per job, medians):")
    print()
    print(CPU_HEADER)
    for configuration in configurations:
        print(cpu_row(runs[configuration]))
    if args.slots:
        print()
        print(SLOTS_HEADER)
        for n in args.slots:
            print(slots_row(n, runs[n, 1, "inline"], runs[1, n, "interpreters"]))
        if 1 in args.slots and max(args.slots) > 1:
            print(marginal_slots(max(args.slots), runs))


def marginal_slots(n: int, runs: dict[tuple[int, int, str], list[RunResult]]) -> str:
    """What one more slot adds to the workers' PSS, from 1 slot to ``n``, in each mode."""

    def pss(key: tuple[int, int, str]) -> float:
        return float(statistics.median(run.workers_pss_mb for run in runs[key]))

    per_process = (pss((n, 1, "inline")) - pss((1, 1, "inline"))) / (n - 1)
    per_interpreter = (pss((1, n, "interpreters")) - pss((1, 1, "interpreters"))) / (n - 1)
    return (
        f"one more slot, from 1 to {n}: a forked worker +{per_process:.1f} MiB PSS, a "
        f"subinterpreter +{per_interpreter:.1f} MiB ({per_interpreter / per_process:.0%})"
    )


SLOTS_HEADER = (
    "| slots | N x 1 inline jobs/s | 1 x N interpreters jobs/s | ratio "
    "| N x 1 inline workers PSS MiB | 1 x N workers PSS MiB | PSS ratio | PSS per slot, inline "
    "/ interpreters MiB |\n|---|---|---|---|---|---|---|---|"
)


def slots_row(n: int, inline: list[RunResult], pooled: list[RunResult]) -> str:
    """N inline workers against one worker with N subinterpreters: medians of each."""

    def median(runs: list[RunResult], name: str) -> float:
        return float(statistics.median(float(getattr(run, name)) for run in runs))

    rate_inline, rate_pooled = median(inline, "jobs_per_s"), median(pooled, "jobs_per_s")
    pss_inline, pss_pooled = median(inline, "workers_pss_mb"), median(pooled, "workers_pss_mb")
    return (
        f"| {n} | {rate_inline:.1f} | {rate_pooled:.1f} | {rate_pooled / rate_inline:.2f}x "
        f"| {pss_inline:.0f} | {pss_pooled:.0f} | {pss_pooled / pss_inline:.0%} "
        f"| {pss_inline / n:.1f} / {pss_pooled / n:.1f} |"
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "services"), required=True)
    parser.add_argument("--jobs", type=int, default=120, help="jobs per run (default 120)")
    parser.add_argument("--size", type=int, default=30_000, help="words per job (default 30000)")
    parser.add_argument(
        "--payload",
        choices=("stored", "sample"),
        default="stored",
        help="stored: each job carries its transcript (default); sample: the worker builds it",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per configuration")
    parser.add_argument(
        "--backlog", action="store_true", help="queue every job before the qcluster starts"
    )
    parser.add_argument(
        "--sizing",
        type=parse_sizing,
        action="append",
        help="WORKERSxPOOL, e.g. 2x1; repeat for more (default 1x1 1x2 2x1 2x2)",
    )
    parser.add_argument(
        "--slots",
        type=int,
        action="append",
        help="N inline workers against 1 worker x pool N; repeat, e.g. --slots 1 --slots 8",
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    args = parser.parse_args()
    args.sizing = args.sizing or [(1, 1), (1, 2), (2, 1), (2, 2)]
    return args


def parse_sizing(text: str) -> tuple[int, int]:
    workers, _, pool = text.partition("x")
    try:
        return int(workers), int(pool)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WORKERSxPOOL, e.g. 2x1") from None


def configure_environment(args: argparse.Namespace) -> None:
    """Point Django's settings (read once, at setup) and the workers at the scratch stores."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "episodic_site.settings")
    os.environ["EPISODIC_LOG_LEVEL"] = "warning"  # this process queues; the workers log info
    if args.backend == "sqlite":
        for name in ("DATABASE_URL", "REDIS_URL"):
            os.environ.pop(name, None)
        os.environ.update(Q_BROKER="orm", EPISODIC_SQLITE_PATH=str(SQLITE_PATH))
    else:
        os.environ.update(
            DATABASE_URL=args.database_url, REDIS_URL=args.redis_url, Q_BROKER="redis"
        )


def prepare_database(args: argparse.Namespace) -> None:
    """An empty, migrated scratch database (and an empty Redis db) for this run."""
    from django.core.management import call_command

    if args.backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg
        import redis
        from django.conf import settings
        from psycopg import sql

        name = settings.DATABASES["default"]["NAME"]
        admin_url = args.database_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        redis.Redis.from_url(args.redis_url).flushdb()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)


def describe_machine(args: argparse.Namespace) -> str:
    from django.conf import settings

    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    broker = "redis" if "redis" in settings.Q_CLUSTER else "orm"
    return (
        f"backend: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[1]} + {broker} broker; "
        f"{args.jobs} jobs of {WORKLOAD} size {args.size}, {args.payload} payloads; "
        f"{os.cpu_count()} cores; "
        f"Python {sys.version.split()[0]}; load average before: {load}\n"
    )


def run_once(
    mode: str, workers: int, pool: int, args: argparse.Namespace, *, backlog: bool
) -> RunResult:
    from django.utils import timezone

    from interp_exec.models import CpuJobRecord, DispatchLog, JobRecordStatus
    from interp_exec.task_queue.queueing import queue_cpu_job
    from tests.qcluster import running_qcluster

    def queue_all() -> list[Any]:
        if args.payload == "sample":
            return [queue_cpu_job(WORKLOAD, args.size, seed=s).pk for s in range(args.jobs)]
        return [
            queue_cpu_job(WORKLOAD, args.size, payload=p).pk for p in payloads(args.size, args.jobs)
        ]

    set_mode(mode)
    env = {"Q_WORKERS": str(workers), "INTERP_EXEC_MAX_WORKERS": str(pool)}
    env["EPISODIC_LOG_LEVEL"] = "info"
    ids = queue_all() if backlog else []
    with (
        tempfile.TemporaryDirectory() as log_dir,
        running_qcluster(Path(log_dir), env) as cluster,
    ):
        cluster.wait_for_log('"event": "cpu.worker_warmed_up"', count=workers)
        if backlog:
            idle_rss = idle_pss = math.nan  # the workers are busy from their first moment
        else:
            time.sleep(1)  # let the warm-up's garbage settle before the idle figure
            idle_rss, idle_pss = total(tree_memory(cluster.process.pid))

        cpu = CpuAccount(cluster.process.pid)
        started = timezone.now()
        if not backlog:
            ids = queue_all()
        deadline = time.monotonic() + FINISH_WITHIN_S
        unfinished = CpuJobRecord.objects.filter(pk__in=ids).exclude(
            status__in=JobRecordStatus.finished()
        )
        while unfinished.exists():
            cluster.assert_alive()
            if time.monotonic() > deadline:
                raise SystemExit(f"{unfinished.count()} jobs unfinished after {FINISH_WITHIN_S} s")
            time.sleep(POLL_EVERY_S)
        tally = cpu.close()
        other_cpu = tally.others_share()
        logged_pids = DispatchLog.objects.values_list("pid", flat=True)
        worker_pids = {pid for pid in logged_pids if pid is not None}
        cpu_seconds = tally.by_role(worker_pids)
        memory = tree_memory(cluster.process.pid)

    done = CpuJobRecord.objects.filter(pk__in=ids)
    outcomes = {(job.status, job.mode_used) for job in done}
    if outcomes != {("ok", mode)}:
        raise SystemExit(
            f"{mode} {workers}x{pool}: expected every job ok in {mode}, got {outcomes}"
        )
    rss, pss = total(memory)
    _, workers_pss = total({pid: mib for pid, mib in memory.items() if pid in worker_pids})
    last = max(job.finished_at for job in done if job.finished_at is not None)
    if backlog:
        started = min(job.started_at for job in done if job.started_at is not None)
    jobs_per_s = args.jobs / (last - started).total_seconds()
    jobs_counted = jobs_per_s * tally.overlap(started.timestamp(), last.timestamp())
    result = RunResult(
        mode=mode,
        workers=workers,
        pool=pool,
        jobs_per_s=jobs_per_s,
        median_run_ms=statistics.median(job.run_ms or 0.0 for job in done),
        idle_rss_mb=idle_rss,
        idle_pss_mb=idle_pss,
        rss_mb=rss,
        pss_mb=pss,
        workers_pss_mb=workers_pss,
        other_cpu=other_cpu,
        cpu_ms_per_job={role: 1000 * s / jobs_counted for role, s in cpu_seconds.items()},
    )
    # Every run starts from the same, empty tables.
    DispatchLog.objects.all().delete()
    done.delete()
    return result


def set_mode(mode: str) -> None:
    """Route every job of the workload to ``mode`` (saving clears the flag from the cache)."""
    from interp_exec.models import ExecutorFlag
    from interp_exec.routing.flag_policy import flag_name

    flag = ExecutorFlag.objects.get(name=flag_name(WORKLOAD))
    flag.everyone = True
    flag.mode = mode
    flag.min_task_size = 0
    flag.save()


class CpuSnapshot(NamedTuple):
    """What the CPU account reads at each end: when, the machine's busy seconds, this
    run's processes' CPU seconds by pid, and the slot threads' by (pid, tid)."""

    at: float
    busy: float
    ours: dict[int, float]
    slots: dict[tuple[int, int], float]


class CpuAccount:
    """CPU time of the whole machine against that of this run's own processes, from
    its opening to ``close()``, which gives the tally."""

    ROLES = ("job runs", "workers' host", "q2 cluster", "database", "redis", "this process")

    def __init__(self, cluster_pid: int) -> None:
        self._cluster_pid = cluster_pid
        self._opening = self._snapshot()

    def close(self) -> CpuTally:
        return CpuTally(self._opening, self._snapshot())

    def _snapshot(self) -> CpuSnapshot:
        return CpuSnapshot(time.time(), _busy_seconds(), self._per_process(), self._slot_threads())

    def _per_process(self) -> dict[int, float]:
        ours = [psutil.Process(), *_tree(self._cluster_pid)]
        ours += [p for p in psutil.process_iter(["name"]) if p.info["name"] in SERVER_ROLES]
        seconds: dict[int, float] = {}
        for process in ours:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            seconds[process.pid] = times.user + times.system
        return seconds

    def _slot_threads(self) -> dict[tuple[int, int], float]:
        """CPU seconds of every subinterpreter slot thread in the cluster, by (pid, tid)."""
        seconds: dict[tuple[int, int], float] = {}
        for process in _tree(self._cluster_pid):
            try:
                threads = process.threads()
            except psutil.NoSuchProcess:
                continue
            for thread in threads:
                try:
                    name = Path(f"/proc/{process.pid}/task/{thread.id}/comm").read_text()
                except OSError:
                    continue
                if name.startswith(SLOT_THREAD_PREFIX):
                    seconds[process.pid, thread.id] = thread.user_time + thread.system_time
        return seconds


class CpuTally:
    """A closed ``CpuAccount``: what this run's processes and the machine used between
    its two snapshots."""

    def __init__(self, opening: CpuSnapshot, closing: CpuSnapshot) -> None:
        self._opening = opening
        self._closing = closing
        # CPU seconds each of this run's processes used while the account was open.
        self._used = {
            pid: seconds - opening.ours.get(pid, 0.0) for pid, seconds in closing.ours.items()
        }

    def overlap(self, start: float, end: float) -> float:
        """Seconds the account was open between ``start`` and ``end`` (epoch seconds)."""
        return max(min(end, self._closing.at) - max(start, self._opening.at), 0.0)

    def others_share(self) -> float:
        """Share of all cores' time it was open that went to other processes."""
        wall = self._closing.at - self._opening.at
        ours = sum(self._used.values())
        others = self._closing.busy - self._opening.busy - ours
        return max(others, 0.0) / (wall * (os.cpu_count() or 1))

    def by_role(self, worker_pids: set[int]) -> dict[str, float]:
        """CPU seconds it was open by role; ``worker_pids``: the q2 workers that ran
        jobs. A job run is the CPU of a pool's slot threads; inline, a job runs in the
        worker's own thread and counts as the workers' host."""
        seconds = dict.fromkeys(CpuAccount.ROLES, 0.0)
        roles = self._roles()
        for pid, used in self._used.items():
            role = roles.get(pid, "q2 cluster")
            seconds["workers' host" if pid in worker_pids else role] += used
        seconds["job runs"] = sum(
            used - self._opening.slots.get(thread, 0.0)
            for thread, used in self._closing.slots.items()
        )
        seconds["workers' host"] -= seconds["job runs"]
        return seconds

    def _roles(self) -> dict[int, str]:
        roles = {os.getpid(): "this process"}
        for process in psutil.process_iter(["name"]):
            if (role := SERVER_ROLES.get(process.info["name"])) is not None:
                roles[process.pid] = role
        return roles


def _busy_seconds() -> float:
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def tree_memory(pid: int) -> dict[int, tuple[float, float]]:
    """RSS and PSS in MiB of the process ``pid`` and of each of its descendants."""
    memory: dict[int, tuple[float, float]] = {}
    for process in _tree(pid):
        try:
            info: Any = process.memory_full_info()
        except psutil.NoSuchProcess:
            continue
        memory[process.pid] = (int(info.rss) / _MIB, int(info.pss) / _MIB)
    return memory


def total(memory: dict[int, tuple[float, float]]) -> tuple[float, float]:
    """RSS summed and PSS summed over the processes of one reading."""
    return sum(rss for rss, _ in memory.values()), sum(pss for _, pss in memory.values())


def bare_executor_rates(args: argparse.Namespace, pools: list[int]) -> dict[int, float]:
    """Jobs/s of the standard library's InterpreterPoolExecutor mapping the workload
    over the same payloads, no queue and no port: what the queue path is held to."""
    from concurrent.futures import InterpreterPoolExecutor

    from interp_exec.core.adapters.worker import prepare_worker
    from interp_exec.core.workloads import get_workload

    workload = get_workload(WORKLOAD)
    inputs = payloads(args.size, args.jobs)
    rates: dict[int, float] = {}
    for pool in pools:
        # The initializer hands the workers this script's import path (cpython#126714).
        initargs = (tuple(sys.path), (workload.module,))
        with InterpreterPoolExecutor(pool, initializer=prepare_worker, initargs=initargs) as bare:
            list(bare.map(workload.func, inputs[:pool]))  # every worker started and warm
            started = time.perf_counter()
            list(bare.map(workload.func, inputs))
            rates[pool] = len(inputs) / (time.perf_counter() - started)
    return rates


@functools.cache
def payloads(size: int, jobs: int) -> list[Any]:
    """One transcript per job, made once for every run: what a producer would upload."""
    from interp_exec.core.workloads import get_workload, load_configured_workloads

    load_configured_workloads()
    sample = get_workload(WORKLOAD).sample_payload
    return [sample(size, seed) for seed in range(jobs)]


if __name__ == "__main__":
    main()
