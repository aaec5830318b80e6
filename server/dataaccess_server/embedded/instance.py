"""One PostgreSQL server run from the wheel's binaries, owning one directory::

    <directory>/pgdata          the PostgreSQL data directory
    <directory>/postgres.log    the server log (appended to across restarts)
    <directory>/instance.json   remembered state: the TCP port, so a restart reuses it

The server listens on 127.0.0.1 only (no Unix socket) with trust authentication for the
superuser ``postgres``: it is a development and test database, never a production one.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

from dataaccess_server.deadline import Deadline
from dataaccess_server.embedded import replica
from dataaccess_server.embedded.binaries import DEFAULT_MAJOR, find_binaries
from dataaccess_server.embedded.errors import EmbeddedPostgresError
from dataaccess_server.embedded.pgconf import (
    MANAGED_CONF_NAME,
    PG_HBA_CONF,
    RESERVED_SETTINGS,
    SUPERUSER,
    ensure_managed_conf_included,
    managed_settings,
    render_settings,
)
from dataaccess_server.embedded.ports import (
    LISTEN_HOST,
    PORT_IN_USE_MARKERS,
    free_port,
    port_is_free,
    running_port,
)
from dataaccess_server.embedded.runner import Runner, deadline_within, output, pg_ctl_seconds
from dataaccess_server.embedded.serverlog import ServerLog
from dataaccess_server.embedded.state import StateFile

logger = logging.getLogger(__name__)

DATA_DIR_NAME = "pgdata"
LOG_FILE_NAME = "postgres.log"
STOP_MODES = ("smart", "fast", "immediate")
_PORT_ATTEMPTS = 3


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
        bin_dir = find_binaries(major)
        self._major = major
        self._directory = Path(directory).resolve()
        self._requested_port = port
        self._port: int | None = port
        self._durable = durable
        self._settings = dict(settings or {})
        reserved = RESERVED_SETTINGS.intersection(self._settings)
        if reserved:
            raise ValueError(
                f"settings may not set {', '.join(sorted(reserved))}: "
                "the instance decides them (pass port= to choose the port)"
            )
        render_settings(self._settings)  # validates names and values now, not at start
        self._log = ServerLog(self._directory / LOG_FILE_NAME)
        self._runner = Runner(bin_dir, self._directory, os_user, self._log)
        self._state = StateFile(self._directory, self._runner)

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
        return self._log.path

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
            self._port = self._state.load_port()
        if self._port is None:
            raise EmbeddedPostgresError(f"{self!r} has no port yet: start it first (or pass port=)")
        return self._port

    @property
    def runner(self) -> Runner:
        """What runs this instance's binaries and reads its log (used by :mod:`.replica`)."""
        return self._runner

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
        deadline = deadline_within(timeout)
        self._runner.prepare_directory(deadline)
        if self._existing_cluster_major() is not None:
            return
        if self.data_dir.exists() and any(self.data_dir.iterdir()):
            raise EmbeddedPostgresError(
                f"{self.data_dir} is not empty and holds no PostgreSQL cluster "
                "(no PG_VERSION): remove it or pick another directory"
            )
        args = [
            str(self._runner.bin_dir / "initdb"),
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
        result = self._runner.run(args, deadline, timeout=timeout, what="initdb")
        if result.returncode != 0:
            raise EmbeddedPostgresError(
                f"initdb of {self.data_dir} failed (exit {result.returncode}): {output(result)}"
            )
        self._runner.write_file(self.data_dir / "pg_hba.conf", PG_HBA_CONF, mode=0o600)
        ensure_managed_conf_included(self.data_dir)

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
        deadline = deadline_within(timeout)
        self._runner.prepare_directory(deadline)
        if self._existing_cluster_major() is None:
            raise EmbeddedPostgresError(
                f"no PostgreSQL cluster in {self.data_dir}: call init() before start()"
            )
        adopted_port = running_port(self.data_dir)
        if adopted_port is not None:
            logger.info(
                "PostgreSQL in %s is already running on port %d; adopting it",
                self.data_dir,
                adopted_port,
            )
            self._port = adopted_port
            self._state.save(self._port, self._major)
            return
        ensure_managed_conf_included(self.data_dir)
        port = self._choose_port()
        for attempt in range(1, _PORT_ATTEMPTS + 1):
            log_offset = self._log.size()
            self._write_managed_conf(port)
            args = [
                str(self._runner.bin_dir / "pg_ctl"),
                "start",
                "--pgdata",
                str(self.data_dir),
                "--log",
                str(self.log_path),
                "--wait",
                "--timeout",
                pg_ctl_seconds(deadline),
                "--silent",
            ]
            result = self._runner.run(
                args, deadline, timeout=timeout, what="pg_ctl start", new_session=True
            )
            if result.returncode == 0:
                self._port = port
                self._state.save(self._port, self._major)
                logger.info(
                    "PostgreSQL %d started on %s:%d (data %s)",
                    self._major,
                    LISTEN_HOST,
                    port,
                    self.data_dir,
                )
                return
            new_log = self._log.read_from(log_offset)
            if running_port(self.data_dir) is not None:
                # pg_ctl gave up waiting while the postmaster lives on: do not leave an
                # orphan the caller does not know about.
                self._stop_quietly(deadline)
            port_taken = any(marker in new_log for marker in PORT_IN_USE_MARKERS)
            if port_taken and self._requested_port is None and attempt < _PORT_ATTEMPTS:
                # Another process took the port between our probe and the postmaster's bind.
                logger.warning("port %d was taken before PostgreSQL bound it; retrying", port)
                port = free_port()
                continue
            if port_taken:
                raise EmbeddedPostgresError(
                    f"PostgreSQL could not listen on {LISTEN_HOST}:{port}, which is in use: "
                    f"stop what uses it or choose another port{self._log.tail_suffix()}"
                )
            raise EmbeddedPostgresError(
                f"could not start PostgreSQL in {self.data_dir} (timeout {timeout:g} s; "
                f"pg_ctl exit {result.returncode}: {output(result)}){self._log.tail_suffix()}"
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
        deadline = deadline_within(timeout)
        if not self.is_running():
            return
        args = [
            str(self._runner.bin_dir / "pg_ctl"),
            "stop",
            "--pgdata",
            str(self.data_dir),
            "--mode",
            mode,
            "--wait",
            "--timeout",
            pg_ctl_seconds(deadline),
            "--silent",
        ]
        result = self._runner.run(args, deadline, timeout=timeout, what="pg_ctl stop")
        if result.returncode != 0 and self.is_running():
            raise EmbeddedPostgresError(
                f"PostgreSQL in {self.data_dir} did not stop ({mode}) within "
                f"{timeout:g} s (pg_ctl exit {result.returncode}: {output(result)})"
                f"{self._log.tail_suffix()}"
            )
        logger.info("PostgreSQL in %s stopped (%s)", self.data_dir, mode)

    def restart(self, timeout: float = 60.0) -> None:
        """Stop (fast) then start the server, on the same port; `timeout` bounds both.

        Raises:
            EmbeddedPostgresError: as :meth:`stop` and :meth:`start`.
        """
        deadline = deadline_within(timeout)
        self.stop("fast", timeout=deadline.remaining() or 1.0)
        self.start(timeout=deadline.remaining() or 1.0)

    def is_running(self) -> bool:
        """Whether a postmaster of this data directory is alive and accepts TCP connections.

        Reads ``postmaster.pid``; no subprocess. Blocks at most about one second.
        """
        return running_port(self.data_dir) is not None

    # --- Replication (in .replica) ---

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
        standby = PostgresInstance(
            directory,
            major=self._major,
            os_user=self._runner.os_user_name,
            durable=self._durable,
            settings=self._settings,
        )
        replica.copy_and_start(self, standby, name=name, timeout=timeout)
        return standby

    def promote(self, timeout: float = 60.0) -> None:
        """Turn this running standby into a primary; returns once it accepts writes.

        Blocks at most about `timeout` seconds.

        Raises:
            EmbeddedPostgresError: not running, not a standby, or not promoted in time.
        """
        replica.promote(self, timeout=timeout)

    # --- Internals: files and state ---

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

    def _write_managed_conf(self, port: int) -> None:
        settings = managed_settings(port, durable=self._durable, settings=self._settings)
        self._runner.write_file(self.data_dir / MANAGED_CONF_NAME, render_settings(settings), 0o600)

    def _choose_port(self) -> int:
        if self._requested_port is not None:
            if not port_is_free(self._requested_port):
                raise EmbeddedPostgresError(
                    f"port {self._requested_port} on {LISTEN_HOST} is in use: stop what "
                    "uses it or choose another port"
                )
            return self._requested_port
        remembered = self._state.load_port()
        if remembered is not None:
            if port_is_free(remembered):
                return remembered
            logger.warning(
                "port %d, used by %s before, is now taken by another process; "
                "moving PostgreSQL to a new port",
                remembered,
                self.data_dir,
            )
        return free_port()

    def _stop_quietly(self, deadline: Deadline) -> None:
        with contextlib.suppress(EmbeddedPostgresError):
            self.stop("immediate", timeout=max(deadline.remaining(), 5.0))
