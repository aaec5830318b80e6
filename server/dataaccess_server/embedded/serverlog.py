"""The server log of an instance, read back to end error messages with its last lines."""

from __future__ import annotations

from pathlib import Path

_LOG_TAIL_LINES = 25
_LOG_TAIL_BYTES = 16_384


class ServerLog:
    """The log file PostgreSQL appends to across restarts; reading it never raises."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def size(self) -> int:
        """The current size in bytes, 0 if the file cannot be read."""
        try:
            return self.path.stat().st_size
        except OSError:
            return 0

    def read_from(self, offset: int) -> str:
        """What was written after byte `offset` (at most 64 KiB), "" if unreadable."""
        try:
            with self.path.open("rb") as file:
                file.seek(offset)
                return file.read(_LOG_TAIL_BYTES * 4).decode("utf-8", "replace")
        except OSError:
            return ""

    def tail_suffix(self) -> str:
        """The last lines of the server log, formatted to end an error message."""
        try:
            with self.path.open("rb") as file:
                file.seek(max(0, self.size() - _LOG_TAIL_BYTES))
                text = file.read().decode("utf-8", "replace")
        except OSError:
            return f"\n(no server log at {self.path})"
        tail = "\n".join(text.splitlines()[-_LOG_TAIL_LINES:])
        return f"\n--- last lines of {self.path} ---\n{tail}"
