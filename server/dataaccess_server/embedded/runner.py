"""Running PostgreSQL's binaries for one instance directory, within a deadline.

As root, every binary runs as the unprivileged OS user (see :mod:`.osuser`), with a
minimal environment; otherwise as ourselves, with no ``PG*`` or locale variables leaking
in. Messages are in the C locale.
"""

from __future__ import annotations

import math
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from dataaccess_server.deadline import Deadline
from dataaccess_server.embedded.errors import EmbeddedPostgresError
from dataaccess_server.embedded.osuser import OsUser, check_traversable, chown_tree, ensure_os_user
from dataaccess_server.embedded.serverlog import ServerLog

# Extra seconds a subprocess gets beyond the budget handed to pg_ctl, so that pg_ctl
# reports its own timeout (with a useful message) before we kill it.
_SUBPROCESS_GRACE = 5.0


def deadline_within(timeout: float) -> Deadline:
    """The deadline of one operation given `timeout` seconds, computed once.

    Raises:
        ValueError: `timeout` is not positive.
    """
    if timeout <= 0:
        raise ValueError(f"timeout must be positive, got {timeout}")
    return Deadline.after(timeout)


def pg_ctl_seconds(deadline: Deadline) -> str:
    """The remaining budget as pg_ctl's whole-second ``-t`` argument (at least 1)."""
    return str(max(1, math.floor(deadline.remaining())))


def output(result: subprocess.CompletedProcess[str]) -> str:
    """What a finished binary printed (stderr first), for an error message."""
    text = "\n".join(part.strip() for part in (result.stderr, result.stdout) if part.strip())
    return text or "no output"


class Runner:
    """Runs the binaries in `bin_dir` for the instance in `directory`, as the OS user
    `os_user` when this process is root; `log` ends the messages of its errors.

    Creating it has no side effect: the OS user is looked up (or created) on first need.
    """

    def __init__(self, bin_dir: Path, directory: Path, os_user: str, log: ServerLog) -> None:
        self.bin_dir = bin_dir
        self._directory = directory
        self.os_user_name = os_user
        self.log = log
        self._os_user: OsUser | None = None

    def identity(self, deadline: Deadline) -> OsUser | None:
        """The OS user to run binaries as: None when not root (run as ourselves).

        Raises:
            EmbeddedPostgresError: as root, the OS user is missing and cannot be created.
        """
        if os.geteuid() != 0:
            return None
        if self._os_user is None:
            self._os_user = ensure_os_user(self.os_user_name, deadline.remaining() or 1.0)
        return self._os_user

    def prepare_directory(self, deadline: Deadline) -> None:
        """Create the instance directory; as root, check access and hand it to the OS user.

        Raises:
            EmbeddedPostgresError: the directory cannot be created, or (as root) the OS
                user cannot reach it or the binaries, or cannot be given it.
        """
        try:
            self._directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise EmbeddedPostgresError(
                f"cannot create {self._directory}: {exc}; pick another directory"
            ) from exc
        user = self.identity(deadline)
        if user is None:
            return
        check_traversable(
            list(reversed(self._directory.parents)),
            user,
            purpose=(
                f"cannot use {self._directory} for the embedded PostgreSQL; pick a directory "
                "that user can reach (e.g. set DATAACCESS_DATA_DIR=/var/lib/dataaccess)"
            ),
        )
        check_traversable(
            [*reversed(self.bin_dir.parents), self.bin_dir],
            user,
            purpose=(
                f"cannot run the PostgreSQL binaries in {self.bin_dir}; install the "
                "virtualenv in a directory other users can reach (not under /root)"
            ),
        )
        try:
            chown_tree(self._directory, user)
        except OSError as exc:
            raise EmbeddedPostgresError(
                f"cannot give {self._directory} to OS user {user.name!r}: {exc}"
            ) from exc

    def write_file(self, path: Path, text: str, mode: int) -> None:
        """Replace `path` atomically; as root, the file belongs to the OS user.

        Raises:
            EmbeddedPostgresError: the file cannot be written.
        """
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            tmp.chmod(mode)
            if self._os_user is not None:
                os.chown(tmp, self._os_user.uid, self._os_user.gid)
            tmp.replace(path)
        except OSError as exc:
            raise EmbeddedPostgresError(f"cannot write {path}: {exc}") from exc

    def child_env(self) -> dict[str, str]:
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

    def run(
        self,
        args: Sequence[str],
        deadline: Deadline,
        *,
        timeout: float,
        what: str,
        new_session: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        """Run a PostgreSQL binary (as the OS user when root) within the deadline.

        `timeout` is the budget the deadline was computed from (for the message), `what`
        names the step; `new_session` detaches the child from our terminal. A non-zero
        exit is returned, not raised: the caller knows what it means.

        Raises:
            EmbeddedPostgresError: it could not be run or outlived the deadline.
        """
        user = self.identity(deadline)
        try:
            return subprocess.run(
                list(args),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                env=self.child_env(),
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
                f"{what} did not finish within {timeout:g} s{self.log.tail_suffix()}"
            ) from exc
        except OSError as exc:
            raise EmbeddedPostgresError(f"could not run {what} ({args[0]}): {exc}") from exc
