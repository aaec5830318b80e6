"""``python -m bench.pairs BASE_DIR WORKLOAD[|WORKLOAD...] [--rounds N] [--duration S]``:
hot_path workloads on two servers at once, another checkout's (A, its code from
BASE_DIR/server) and this one's (B), interleaved round by round (A B, then B A, ...).

bench.ab runs a whole benchmark per side, one side after the other, so a change in the
machine's load between the halves shows as a difference between the trees. Here both
servers are up for the whole run, each on its own PostgreSQL (seeded alike), and every
round measures both, in alternating order; the verdict is the median of each side's
server CPU per call and the B/A of each round (issue 17's acceptance 4 is quoted from
it). Workload names are hot_path's (``GetOAuthToken FULL``, ``UpsertUsage``, ...).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
from dataclasses import replace
from datetime import UTC, datetime

# Before anything imports grpc: see dataaccess_server/__init__.py.
import dataaccess_server  # noqa: F401  # isort: skip

from bench import hot_path
from bench.cpu import postmaster_pid
from bench.ghz import GhzResult, Load, run_ghz
from bench.harness import SERVER_SOURCE, postgres, server

SIDES = ("A", "B")


def measure(base: str, names: list[str], rounds: int, duration: float) -> str:
    """The interleaved rounds, then one verdict line per workload."""
    load = Load(
        concurrency=hot_path.CONCURRENCY, connections=hot_path.CONNECTIONS, duration=duration
    )
    results: dict[tuple[str, str], list[GhzResult]] = {}
    with contextlib.ExitStack() as stack:
        instances = {side: stack.enter_context(postgres()) for side in SIDES}
        os.environ[SERVER_SOURCE] = os.path.join(base, "server")
        try:
            a = stack.enter_context(server(instances["A"].dsn(), hot_path.SERVER_ENV))
        finally:
            del os.environ[SERVER_SOURCE]
        b = stack.enter_context(server(instances["B"].dsn(), hot_path.SERVER_ENV))
        now = datetime.now(UTC)
        sides = {}
        for side, process in (("A", a), ("B", b)):
            seeded = hot_path.seed(process.target, now)
            chosen = [
                w for w in hot_path.workloads(seeded, now.date().isoformat()) if w.name in names
            ]
            if len(chosen) != len(names):
                raise SystemExit(f"unknown workload among {names}")
            pid = postmaster_pid(instances[side].data_dir)
            sides[side] = (process, chosen, pid)
        for round_number in range(rounds):
            for side in SIDES if round_number % 2 == 0 else SIDES[::-1]:
                process, chosen, pid = sides[side]
                for workload in chosen:
                    run_ghz(process.target, workload.call, replace(load, duration=1))  # warm
                    result = run_ghz(
                        process.target,
                        workload.call,
                        load,
                        name=workload.name,
                        server_pid=process.pid,
                        postgres_pid=pid,
                    )
                    results.setdefault((workload.name, side), []).append(result)
                    print(
                        f"round {round_number + 1} {side} {workload.name}: {result.rps:.0f}/s,"
                        f" server {result.server_cpu_us:.0f} us/call,"
                        f" PostgreSQL {result.postgres_cpu_us:.0f} us/call",
                        file=sys.stderr,
                        flush=True,
                    )
    return "\n".join(_verdict(name, results[(name, "A")], results[(name, "B")]) for name in names)


def _verdict(name: str, a: list[GhzResult], b: list[GhzResult]) -> str:
    server_a = [_given(r.server_cpu_us) for r in a]
    server_b = [_given(r.server_cpu_us) for r in b]
    postgres_a = statistics.median(_given(r.postgres_cpu_us) for r in a)
    postgres_b = statistics.median(_given(r.postgres_cpu_us) for r in b)
    pairs = ", ".join(f"{y / x:.3f}" for x, y in zip(server_a, server_b, strict=True))
    return (
        f"{name}: server CPU per call A {statistics.median(server_a):.0f} us,"
        f" B {statistics.median(server_b):.0f} us,"
        f" B/A {statistics.median(server_b) / statistics.median(server_a):.3f}"
        f" (rounds: {pairs}); PostgreSQL A {postgres_a:.0f}, B {postgres_b:.0f} us;"
        f" calls/s A {statistics.median(r.rps for r in a):.0f},"
        f" B {statistics.median(r.rps for r in b):.0f}"
    )


def _given(cpu: float | None) -> float:
    assert cpu is not None  # both pids are always given
    return cpu


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pairs", description=__doc__)
    parser.add_argument("base", help="the other checkout (A): its server/ is imported")
    parser.add_argument("workloads", help="hot_path workload names, joined by |")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per run")
    args = parser.parse_args(argv)
    print(measure(args.base, args.workloads.split("|"), args.rounds, args.duration))


if __name__ == "__main__":
    main()
