"""``python -m bench [NAME ...] [--rounds N] [--duration S]``: run the named benchmarks
(default: all) and print their reports. ``--rounds`` is for the benchmarks that
interleave repeated runs (auth_overhead); the others run once. ``--duration`` (seconds
per run) is for those that take it (hot_path)."""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
from collections.abc import Callable, Coroutine
from typing import Any

# Before anything imports grpc: see dataaccess_server/__init__.py.
import dataaccess_server  # noqa: F401  # isort: skip

from bench import (
    analytics,
    auth_overhead,
    cache,
    hot_path,
    ingest,
    key_policies,
    oauth_tokens,
    operations,
    telemetry_overhead,
    validate_api_key,
    workers,
)

BENCHMARKS: dict[str, Callable[[], Coroutine[Any, Any, str]]] = {
    "operations": operations.run,
    "oauth_tokens": oauth_tokens.run,
    "validate_api_key": validate_api_key.run,
    "ingest": ingest.run,
    "analytics": analytics.run,
}
# Benchmarks driven by ghz in interleaved rounds: they take the round count.
ROUNDED: dict[str, Callable[[int], Coroutine[Any, Any, str]]] = {
    "auth_overhead": auth_overhead.run,
    "telemetry_overhead": telemetry_overhead.run,
    "cache": cache.run,
}
# Rounded benchmarks that take the seconds per run too; without --rounds or --duration
# they run with their own defaults.
TIMED: dict[str, Callable[[int, float], Coroutine[Any, Any, str]]] = {
    "hot_path": hot_path.run,
    "workers": workers.run,
    "key_policies": key_policies.run,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--duration", type=float, default=None, help="seconds per run")
    args = parser.parse_args(argv)
    known = [*BENCHMARKS, *ROUNDED, *TIMED]
    unknown = [name for name in args.names if name not in known]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(known)}")
        return 2
    if args.rounds is not None and args.rounds < 1:
        print("--rounds must be at least 1")
        return 2
    if args.duration is not None and args.duration <= 0:
        print("--duration must be positive")
        return 2
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    for name in args.names or known:
        print()
        if name in TIMED:
            rounds, duration = args.rounds or hot_path.ROUNDS, args.duration or hot_path.DURATION
            print(asyncio.run(TIMED[name](rounds, duration)))
        elif name in ROUNDED:
            print(asyncio.run(ROUNDED[name](args.rounds or auth_overhead.ROUNDS)))
        else:
            print(asyncio.run(BENCHMARKS[name]()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
