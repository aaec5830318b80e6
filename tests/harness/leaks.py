"""Everything the test run logged, to prove no secret ever reaches a log.

Tests register the plaintexts they store (``register_secret``); the in-process log
records of the whole run and the logs of every server or CLI process the tests start
are collected; ``find_leaks`` looks for each secret in several encodings.
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path

SECRETS: set[str] = set()
_TEXTS: list[str] = []
_FILES: list[Path] = []


def register_secret(*secrets: str) -> None:
    """Declare plaintexts that must never appear in any log."""
    SECRETS.update(secret for secret in secrets if len(secret) >= 12)


def register_output(text: str) -> None:
    """Add a process's captured output to what is checked."""
    _TEXTS.append(text)


def register_log_file(path: Path) -> None:
    """Add a log file (read at check time) to what is checked."""
    _FILES.append(path)


class Collector(logging.Handler):
    """Keeps every record, formatted with its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        _TEXTS.append(self.format(record))


def encodings(secret: str) -> list[str]:
    """The forms a leaked secret could take: itself, base64, urlsafe base64, hex."""
    raw = secret.encode()
    return [
        secret,
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        raw.hex(),
    ]


def find_leaks() -> list[str]:
    """Descriptions of every secret found in the collected logs (empty: none)."""
    corpus = "\n".join(_TEXTS)
    for path in _FILES:
        if path.exists():
            corpus += "\n" + path.read_text(errors="replace")
    found = []
    for secret in sorted(SECRETS):
        for form in encodings(secret):
            if form in corpus:
                found.append(f"{secret[:6]}... appears as {form[:12]}...")
    return found


def collected_size() -> int:
    """How much text was collected (to show the check looked at something)."""
    return sum(len(text) for text in _TEXTS) + sum(
        path.stat().st_size for path in _FILES if path.exists()
    )
