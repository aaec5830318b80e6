"""CPU time of process trees, read from /proc: what a benchmark charges to each call.

A process's CPU is ``utime + stime`` of ``/proc/<pid>/stat``, which covers all its
threads. A tree's CPU adds every live descendant's, plus ``cutime + cstime`` of every
member: the time of descendants that already exited and were reaped. That is what makes
the difference of two samples exact for PostgreSQL, whose backends come and go: a
backend alive at the first sample and gone by the second moves from "live child" to
its parent's ``cutime`` with all its time, and one that lived only between the samples
is counted there too. (A child that exited but is not yet reaped at the second sample is
missed; the postmaster reaps at once.)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class _Stat:
    ppid: int
    own_ticks: int  # utime + stime
    reaped_ticks: int  # cutime + cstime


def _read_stat(pid: int) -> _Stat | None:
    """``/proc/<pid>/stat``, or None if the process is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The command name (field 2) is in parentheses and may hold spaces or ')'.
    fields = text[text.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state): ppid is field 4, utime..cstime fields 14..17.
    utime, stime, cutime, cstime = (int(fields[i]) for i in range(11, 15))
    return _Stat(ppid=int(fields[1]), own_ticks=utime + stime, reaped_ticks=cutime + cstime)


def _all_stats() -> dict[int, _Stat]:
    stats: dict[int, _Stat] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = _read_stat(int(entry.name))
            if stat is not None:
                stats[int(entry.name)] = stat
    return stats


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds used so far by ``root`` and all its descendants, live or reaped.

    Raises:
        ProcessLookupError: ``root`` is not running.
    """
    stats = _all_stats()
    if root not in stats:
        raise ProcessLookupError(f"process {root} is not running")
    children: dict[int, list[int]] = {}
    for pid, stat in stats.items():
        children.setdefault(stat.ppid, []).append(pid)
    ticks = 0
    pending = [root]
    while pending:
        pid = pending.pop()
        ticks += stats[pid].own_ticks + stats[pid].reaped_ticks
        pending.extend(children.get(pid, ()))
    return ticks / CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU seconds all cores of the machine spent busy since boot (``/proc/stat``: user,
    nice, system, irq, softirq, steal; not idle or iowait). Beside a run's own processes,
    it shows what else was busy meanwhile: this machine is shared."""
    first_line = Path("/proc/stat").read_text().split("\n", 1)[0]
    fields = [int(value) for value in first_line.split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def postmaster_pid(data_dir: Path) -> int:
    """The PostgreSQL postmaster's pid: the first line of ``postmaster.pid``."""
    return int((data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
