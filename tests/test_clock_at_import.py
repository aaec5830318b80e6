"""No test module reads the clock when it is imported.

A date computed at import (``TODAY = datetime.now(UTC).date()``) is the day collection
ran: a suite that runs past midnight then tests yesterday's window against a server whose
today has moved on (CI failed this way). Tests ask ``now`` / ``today`` (conftest) instead.
Import time here is everything Python runs when it loads the module: module and class
bodies, decorators (``parametrize`` lists) and default argument values.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# Calls that read the clock: ``datetime.now()``, ``date.today()``, ``time.time()``, ...;
# constructors (``datetime(2026, 1, 1)``, ``time(12)``) do not.
DATE_READS = {"now", "today", "utcnow"}
TIME_READS = {"time", "time_ns", "monotonic", "perf_counter"}


def clock_reads_at_import(source: str) -> list[int]:
    """Line numbers of the clock reads that run when ``source`` is imported."""
    found: list[int] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            # The body runs when called; decorators and defaults run now.
            for part in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
                if part is not None:
                    visit(part)
            return
        if isinstance(node, ast.Lambda):
            return
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            timing = isinstance(owner, ast.Name) and owner.id == "time"
            if node.func.attr in DATE_READS or (timing and node.func.attr in TIME_READS):
                found.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def test_no_test_module_reads_the_clock_when_imported() -> None:
    offenders = {
        str(path.relative_to(TESTS)): lines
        for path in sorted(TESTS.rglob("*.py"))
        if (lines := clock_reads_at_import(path.read_text()))
    }
    assert offenders == {}


def test_the_check_finds_import_time_reads_and_spares_per_test_ones() -> None:
    source = """
from datetime import UTC, date, datetime
import time
import pytest

TODAY = datetime.now(UTC).date()
STARTED = time.monotonic()
FIXED = datetime(2026, 1, 1, tzinfo=UTC)

class Window:
    EDGE = date.today()

def log(n, when=datetime.now(UTC)): ...

@pytest.mark.parametrize("day", [date.today()])
def test_day(day, today):
    assert datetime.now(UTC).date() == today

def today():
    return datetime.now(UTC).date()

LATER = lambda: datetime.now(UTC)
"""
    assert clock_reads_at_import(source) == [6, 7, 11, 13, 15]
