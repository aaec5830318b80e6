"""The fixed cost per call alone: the first three rows of bench/hot_path.py.

``python -m bench.fixed_cost [--rounds N] [--duration S] [--profile DIR]``

The bare grpc.aio server's Health/Check, dataaccess Health/Check and a cached
ValidateAPIKey, interleaved in rounds exactly as hot_path runs them (same servers, same
load, same report and ratios: issue 17's acceptance 1 and 2), without the database
workloads, so a change to the per-call fixed cost is measured in a third of the time.

``--profile DIR``: after the rounds, run py-spy (``pip install py-spy``) on each
server under each workload's load, and write there a flame graph (``.svg``) and the
collapsed stacks (``.txt``, native frames included) per workload. py-spy stops the
process to sample it, so profiles are taken apart from the measured runs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

# Before anything imports grpc: see dataaccess_server/__init__.py.
import dataaccess_server  # noqa: F401  # isort: skip

from bench import hot_path
from bench.cpu import postmaster_pid
from bench.ghz import Load, run_ghz
from bench.harness import ServerProcess, postgres, server
from bench.rounds import Run, run_rounds

MEASURED = (hot_path.BARE, hot_path.HEALTH, hot_path.VALIDATE)
PROFILE_SECONDS = 10.0
PROFILE_RATE = 500  # samples per second


def measure(rounds: int, duration: float, profile: Path | None = None) -> str:
    """The interleaved rounds of MEASURED, then hot_path's report of them."""
    load = Load(
        concurrency=hot_path.CONCURRENCY, connections=hot_path.CONNECTIONS, duration=duration
    )
    with (
        postgres() as instance,
        server(instance.dsn(), hot_path.SERVER_ENV) as dataaccess,
        hot_path.bare_server() as bare,
    ):
        postgres_pid = postmaster_pid(instance.data_dir)
        now = datetime.now(UTC)
        seeded = hot_path.seed(dataaccess.target, now)
        chosen = [
            w for w in hot_path.workloads(seeded, now.date().isoformat()) if w.name in MEASURED
        ]
        runs = [Run(w.name, w.name, bare if w.bare else dataaccess, w.call, load) for w in chosen]
        rows = run_rounds(runs, rounds=rounds, postgres_pid=postgres_pid, label="fixed_cost")
        if profile is not None:
            for workload in chosen:
                _profile(bare if workload.bare else dataaccess, workload, load, profile)
    return hot_path.report(rows, rounds, load)


def _profile(process: ServerProcess, workload: hot_path.Workload, load: Load, out: Path) -> None:
    # ghz keeps the server busy while py-spy samples it from another thread.
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    out.mkdir(parents=True, exist_ok=True)
    stem = out / workload.name.split(",")[0].replace(" ", "_").replace("/", "_")
    loaded = threading.Thread(
        target=run_ghz,
        args=(process.target, workload.call, replace(load, duration=PROFILE_SECONDS + 2)),
    )
    loaded.start()
    try:
        for fmt, suffix in (("flamegraph", ".svg"), ("raw", ".txt")):
            subprocess.run(
                [spy, "record", "--native", "--pid", str(process.pid), "--rate", str(PROFILE_RATE),
                 "--duration", str(int(PROFILE_SECONDS / 2)), "--format", fmt,
                 "--output", str(stem.with_suffix(suffix))],
                check=True, capture_output=True,
            )  # fmt: skip
    finally:
        loaded.join()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fixed_cost", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=hot_path.DURATION)
    parser.add_argument("--profile", type=Path, default=None, metavar="DIR")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.duration <= 0:
        parser.error("--rounds must be at least 1 and --duration positive")
    print(measure(args.rounds, args.duration, args.profile))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
