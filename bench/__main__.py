"""``python -m bench [NAME ...] [--rounds N]``: run the named benchmarks (default: all)
and print their reports. ``--rounds`` is for the benchmarks that interleave repeated
runs (auth_overhead); the others run once."""

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
    ingest,
    oauth_tokens,
    operations,
    telemetry_overhead,
    validate_api_key,
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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME")
    parser.add_argument("--rounds", type=int, default=auth_overhead.ROUNDS)
    args = parser.parse_args(argv)
    known = [*BENCHMARKS, *ROUNDED]
    unknown = [name for name in args.names if name not in known]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(known)}")
        return 2
    if args.rounds < 1:
        print("--rounds must be at least 1")
        return 2
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    for name in args.names or known:
        print()
        if name in ROUNDED:
            print(asyncio.run(ROUNDED[name](args.rounds)))
        else:
            print(asyncio.run(BENCHMARKS[name]()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
