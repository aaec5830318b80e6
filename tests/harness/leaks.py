"""Proof that no secret reaches a log: what to look for, what was logged, and the search.

Tests register the plaintexts they store (:func:`register_secret`). What the run logs is
gathered into :class:`Evidence`: the in-process log records (through a
:class:`Collector` on the root logger), the captured output of CLI processes
(:func:`register_output`) and the log files of server processes
(:func:`register_log_file`). :func:`watching` gives each test the evidence of its own
stretch of the run; what is logged outside any test (session fixtures) stays in the
run's evidence, :func:`outside_tests`. :func:`find_leaks` looks for every secret in
several encodings. The pytest wiring (which fails the test, or the run) is in
``tests/conftest.py``.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

# Shorter strings occur by chance (and "secret" values that short are test fixtures).
MIN_SECRET_LENGTH = 12

SECRETS: set[str] = set()


def register_secret(*secrets: str) -> None:
    """Declare plaintexts that must never appear in any log (shorter than 12: ignored)."""
    SECRETS.update(secret for secret in secrets if len(secret) >= MIN_SECRET_LENGTH)


@dataclass
class Evidence:
    """Everything logged in one stretch of the run."""

    texts: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def corpus(self) -> str:
        """All of it as one text; log files are read now (a missing one is skipped)."""
        parts = list(self.texts)
        parts.extend(path.read_text(errors="replace") for path in self.files if path.exists())
        return "\n".join(parts)


# Where what is logged now goes: a test's own evidence while it runs (see watching()).
_outside_tests = Evidence()
_current = _outside_tests


def register_output(text: str) -> None:
    """Add a process's captured output to the current evidence."""
    _current.texts.append(text)


def register_log_file(path: Path) -> None:
    """Add a log file (read when the evidence is searched) to the current evidence."""
    _current.files.append(path)


class Collector(logging.Handler):
    """Adds every record it handles, formatted with its traceback, to the current evidence."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        _current.texts.append(self.format(record))


@contextmanager
def watching() -> Iterator[Evidence]:
    """Gather what is logged inside the block into a new Evidence, and yield it.

    Blocks nest: an enclosing block's evidence gets the inner one's too, so that nothing
    logged in a test escapes the test's check. The evidence outside tests does not: each
    test's is searched on its own, once.
    """
    global _current
    enclosing, evidence = _current, Evidence()
    _current = evidence
    try:
        yield evidence
    finally:
        _current = enclosing
        if enclosing is not _outside_tests:
            enclosing.texts.extend(evidence.texts)
            enclosing.files.extend(evidence.files)


def outside_tests() -> Evidence:
    """What was logged outside any :func:`watching` block (session set-up and teardown)."""
    return _outside_tests


def encodings(secret: str) -> list[str]:
    """The forms a leaked secret could take: itself, base64, urlsafe base64, hex."""
    raw = secret.encode()
    return [
        secret,
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        raw.hex(),
    ]


def find_leaks(evidence: Evidence, secrets: Iterable[str] | None = None) -> list[str]:
    """One line per secret found in ``evidence`` in any of its :func:`encodings`; empty
    if none. ``secrets`` defaults to every registered one (:data:`SECRETS`).

    A line shows only the first characters of the secret and of the form found.
    """
    corpus = evidence.corpus()
    found = []
    for secret in sorted(SECRETS if secrets is None else secrets):
        for form in encodings(secret):
            if form in corpus:
                found.append(f"{secret[:6]}... appears as {form[:12]}...")
    return found
