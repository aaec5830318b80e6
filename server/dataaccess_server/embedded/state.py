"""The state an instance remembers in its directory, ``instance.json``: its TCP port,
so that a later start reuses it, and its major."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from dataaccess_server.embedded.runner import Runner

logger = logging.getLogger(__name__)

STATE_FILE_NAME = "instance.json"


class StateFile:
    """``instance.json`` in `directory`, written through `runner` (owned by the OS user
    when root)."""

    def __init__(self, directory: Path, runner: Runner) -> None:
        self.path = directory / STATE_FILE_NAME
        self._runner = runner

    def load_port(self) -> int | None:
        """The remembered port; None if there is none, or the file is unreadable (a
        warning is logged then)."""
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            logger.warning("ignoring unreadable state file %s: %s", self.path, exc)
            return None
        port = state.get("port") if isinstance(state, dict) else None
        return port if isinstance(port, int) and 0 < port < 65536 else None

    def save(self, port: int | None, major: int) -> None:
        """Remember `port` and `major`, replacing the file atomically.

        Raises:
            EmbeddedPostgresError: the file cannot be written.
        """
        state = {"port": port, "major": major}
        self._runner.write_file(self.path, json.dumps(state) + "\n", 0o644)
