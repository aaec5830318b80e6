"""``python -m bench.ab BASE_DIR NAME [NAME ...] [--rounds N] [--bench-args ARGS]``: this
checkout's server against another checkout's (BASE_DIR, e.g. a ``git worktree`` of the
previous commit), benchmark by benchmark, in interleaved runs (A B A B ...).

Each run is a whole ``python -m bench NAME`` with the server process importing its code
from BASE_DIR/server (run A, the baseline) or from this checkout (run B); the load
generator and the database are this checkout's in both. Every report row is a workload's
throughput as a share of a baseline measured in the same run (raw SQL, Health/Check):
those same-run ratios are what is compared, as medians over the rounds, since absolute
throughput on a shared machine drifts from minute to minute. A report without a
baseline (analytics: latency at concurrency 1) is compared by its p50 in ms, where B/A
below 100% is faster; CPU time per unit of work (ingest: per 1,000 rows; hot_path: per
call; the server's for gRPC workloads and PostgreSQL's for all) likewise, where below
100% is cheaper. ``--bench-args`` go to every ``python -m bench NAME`` run, e.g.
``--bench-args="--rounds 1 --duration 5"`` for hot_path, which interleaves rounds of
its own.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from bench.harness import SERVER_SOURCE

# A row of harness.report(): workload, throughput, p50, p99, share of the run's baseline.
ROW = re.compile(
    r"^(?P<name>\S.{0,43}?)\s+(?P<rate>\d+)\s+(?P<p50>[\d.]+)\s+(?P<p99>[\d.]+)\s+"
    r"(?P<share>\d+)%$"
)
# A line of CPU time per unit of work (bench/ingest.py): the server's and PostgreSQL's.
CPU_ROW = re.compile(
    r"^(?P<name>\S.*?)\s+client\s+[\d.]+, server\s+(?P<server>[\d.]+), "
    r"postgres\s+(?P<postgres>[\d.]+) ms"
)
# A row of a latency table without a baseline (bench/analytics.py): RPC, rate, p50, p99, max.
LATENCY_ROW = re.compile(
    r"^(?P<name>\S.*?)\s+(?P<rate>\d+)\s+(?P<p50>[\d.]+)\s+(?P<p99>[\d.]+)\s+"
    r"(?P<max>[\d.]+)$"
)


def run_once(
    name: str, source: str | None, bench_args: list[str] | None = None
) -> dict[str, tuple[float, float]]:
    """One run of benchmark ``name``: workload -> (share of the run's baseline, p50 ms)."""
    env = {k: v for k, v in os.environ.items() if k != SERVER_SOURCE}
    if source is not None:
        env[SERVER_SOURCE] = source
    result = subprocess.run(
        [sys.executable, "-m", "bench", name, *(bench_args or [])],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench {name} failed:\n{result.stdout}\n{result.stderr}")
    rows: dict[str, tuple[float, float]] = {}
    baseline_rate = 0.0
    for line in result.stdout.splitlines():
        cpu = CPU_ROW.match(line.strip())
        if cpu is not None:  # lower is cheaper: compared as such, like p50
            name = cpu["name"].strip()
            if name.startswith("gRPC"):
                rows[name + " (server CPU ms)"] = (float(cpu["server"]), 0.0)
            rows[name + " (postgres CPU ms)"] = (float(cpu["postgres"]), 0.0)
            continue
        match = ROW.match(line.strip())
        if match is None:
            baseline_rate = 0.0  # a header or a verdict: the next row opens a table
            latency = LATENCY_ROW.match(line.strip())
            if latency is not None:  # no baseline in the run: compare p50 itself
                rows[latency["name"].strip() + " (p50 ms)"] = (float(latency["p50"]), 0.0)
            continue
        rate = float(match["rate"])
        if not baseline_rate:
            baseline_rate = rate  # a table's first row is its baseline (100%)
        key = match["name"].strip()
        while key in rows:  # the same workload in a second table (another phase)
            key += "'"
        # The share from the rates, not the rounded percentage the report prints.
        rows[key] = (rate / baseline_rate, float(match["p50"]))
    return rows


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__)
    parser.add_argument("base", type=Path, help="the baseline checkout")
    parser.add_argument("names", nargs="+", help="benchmarks (see python -m bench)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bench-args", default="", help="passed to python -m bench NAME")
    args = parser.parse_args(argv)
    source = str((args.base / "server").resolve())
    for name in args.names:
        shares: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        for round_ in range(args.rounds):
            for side, side_source in (("A", source), ("B", None)):
                for workload, (share, _p50) in run_once(
                    name, side_source, shlex.split(args.bench_args)
                ).items():
                    shares[workload][side].append(share)
                print(f"{name}: round {round_ + 1} {side} done", file=sys.stderr, flush=True)
        print(f"{name}: share of the same run's baseline, median of {args.rounds} rounds")
        print(f"{'workload':<46} {'A (base)':>9} {'B (this)':>9} {'B/A':>7}")
        for workload, sides in shares.items():
            if len(sides["A"]) != args.rounds or len(sides["B"]) != args.rounds:
                continue
            a, b = statistics.median(sides["A"]), statistics.median(sides["B"])
            ratio = f"{b / a:7.1%}" if a else "      -"
            if workload.endswith(" ms)"):
                print(f"{workload:<46} {a:>9.2f} {b:>9.2f} {ratio}")
            else:
                print(f"{workload:<46} {a:>9.1%} {b:>9.1%} {ratio}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
