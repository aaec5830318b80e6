"""``python -m bench [NAME ...]``: run the named benchmarks (default: all) and print
their reports."""

from __future__ import annotations

import asyncio
import os
import platform
import sys

# Before anything imports grpc: see dataaccess_server/__init__.py.
import dataaccess_server  # noqa: F401  # isort: skip

from bench import analytics, ingest, oauth_tokens, operations, validate_api_key

BENCHMARKS = {
    "operations": operations.run,
    "oauth_tokens": oauth_tokens.run,
    "validate_api_key": validate_api_key.run,
    "ingest": ingest.run,
    "analytics": analytics.run,
}


def main(names: list[str]) -> int:
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(BENCHMARKS)}")
        return 2
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    for name in names or list(BENCHMARKS):
        print()
        print(asyncio.run(BENCHMARKS[name]()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
