"""TCP ports on 127.0.0.1: free ones to listen on, and the one a live postmaster uses."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from dataaccess_server.embedded.errors import EmbeddedPostgresError

LISTEN_HOST = "127.0.0.1"
# What the server log says when the postmaster could not bind its port.
PORT_IN_USE_MARKERS = ("Address already in use", "could not create any TCP/IP sockets")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (chosen by the kernel)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LISTEN_HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(port: int) -> bool:
    """Whether PostgreSQL could listen on `port` of 127.0.0.1 now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # PostgreSQL sets SO_REUSEADDR; without it, connections of our previous run
        # lingering in TIME_WAIT would make a free port look taken.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LISTEN_HOST, port))
        except OSError:
            return False
        return True


def accepts_tcp(port: int, timeout: float = 1.0) -> bool:
    """Whether something accepts a TCP connection on `port` of 127.0.0.1 within `timeout`."""
    try:
        with socket.create_connection((LISTEN_HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


def port_from_pid_file(text: str) -> int | None:
    """The port recorded in postmaster.pid (4th line), or None if not (yet) written."""
    lines = text.splitlines()
    if len(lines) < 4:
        return None
    try:
        return int(lines[3].strip())
    except ValueError:
        return None


def running_port(data_dir: Path) -> int | None:
    """The port of a live postmaster of `data_dir` that accepts TCP, or None.

    Reads ``postmaster.pid``; no subprocess. Blocks at most about one second.

    Raises:
        EmbeddedPostgresError: ``postmaster.pid`` exists but cannot be read.
    """
    try:
        text = (data_dir / "postmaster.pid").read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise EmbeddedPostgresError(f"cannot read {data_dir}/postmaster.pid: {exc}") from exc
    try:
        pid = int(text.split("\n", 1)[0])
    except ValueError:
        return None  # being written by a starting postmaster
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None  # stale file left by a crash; PostgreSQL will replace it
    except PermissionError:
        pass  # alive, owned by another user (the OS user, when we are not root)
    port = port_from_pid_file(text)
    # A live pid alone could be an unrelated process that reused the pid of a
    # crashed postmaster (common after a container restart): require the port too.
    if port is None or not accepts_tcp(port):
        return None
    return port
