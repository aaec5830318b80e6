"""WAL positions: PostgreSQL's ``X/Y`` text and the integers they stand for. Pure.

They are what a read-your-writes consistency token carries and what the operations
status reports per node, so the domain and the API speak them as well as storage.
"""

from __future__ import annotations


def parse_lsn(text: str) -> int:
    """A PostgreSQL ``pg_lsn`` (``16/B374D848``) as an integer."""
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) | int(low, 16)


def format_lsn(value: int) -> str:
    """An integer WAL position in PostgreSQL's ``X/Y`` notation."""
    return f"{value >> 32:X}/{value & 0xFFFFFFFF:X}"
