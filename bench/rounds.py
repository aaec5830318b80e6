"""Interleaved ghz rounds: the loop bench/hot_path.py, bench/fixed_cost.py and
bench/workers.py share.

A round runs every :class:`Run` once, in order, each after a WARMUP_SECONDS warm-up run
of its own, with the CPU of the server process and of PostgreSQL sampled (from /proc)
around the measured run only. Rounds repeat the same order, so drift on a shared machine
lands on every run alike, and a ratio between two runs of one round compares like with
like.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from bench.ghz import Call, GhzResult, Load, run_ghz
from bench.harness import ServerProcess

WARMUP_SECONDS = 1.0

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Row:
    """One run of one workload, per answer (per call unless a stream)."""

    rps: float
    p50_ms: float
    p99_ms: float
    server_us: float
    postgres_us: float
    ghz_us: float
    other_cores: float

    @classmethod
    def of(cls, result: GhzResult, per_call: int) -> Row:
        return cls(
            result.rps * per_call,
            result.p50_ms,
            result.p99_ms,
            (result.server_cpu_us or 0.0) / per_call,
            (result.postgres_cpu_us or 0.0) / per_call,
            result.ghz_cpu_us / per_call,
            result.other_cores,
        )

    @property
    def server_cores(self) -> float:
        """Cores the server process kept busy: about 1.0 when one process saturates."""
        return self.server_us * self.rps / 1e6


@dataclass(frozen=True)
class Run(Generic[K]):
    """One run of a round: ``call`` with ``load`` on ``process``, named ``name`` in ghz's
    errors; its rows are filed under ``key``, per answer (``per_call`` answers a call)."""

    key: K
    name: str
    process: ServerProcess
    call: Call
    load: Load
    per_call: int = 1


def run_rounds(
    runs: Sequence[Run[K]],
    *,
    rounds: int,
    postgres_pid: int | None,
    label: str,
    on_run: Callable[[Run[K], GhzResult, GhzResult], None] | None = None,
) -> dict[K, list[Row]]:
    """``rounds`` rounds of ``runs``; each key's rows, one a round, in round order.

    ``on_run(run, warm, result)`` sees each run's warm-up and measured results (to count
    the calls a check needs, say). Prints ``label: round i/n done`` to stderr after each
    round. Raises GhzRunError if a call fails.
    """
    rows: dict[K, list[Row]] = {}
    for round_ in range(rounds):
        for run in runs:
            target = run.process.target
            warm = run_ghz(target, run.call, replace(run.load, duration=WARMUP_SECONDS))
            result = run_ghz(
                target,
                run.call,
                run.load,
                name=run.name,
                server_pid=run.process.pid,
                postgres_pid=postgres_pid,
            )
            if on_run is not None:
                on_run(run, warm, result)
            rows.setdefault(run.key, []).append(Row.of(result, run.per_call))
        print(f"{label}: round {round_ + 1}/{rounds} done", file=sys.stderr, flush=True)
    return rows
