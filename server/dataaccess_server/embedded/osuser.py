"""The unprivileged OS user that runs PostgreSQL when this process is root.

initdb and postgres refuse to run as root. As root, every PostgreSQL binary runs as an
OS user (``dataaccess`` by default, created as a system user on first use), which must be
able to traverse every directory above the instance directory and the binaries.
"""

from __future__ import annotations

import logging
import os
import pwd
import stat
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dataaccess_server.embedded.errors import EmbeddedPostgresError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OsUser:
    """An OS user as PostgreSQL's binaries run under it."""

    name: str
    uid: int
    gid: int


def ensure_os_user(name: str, timeout: float) -> OsUser:
    """Return the OS user `name`, creating it as a system user if it does not exist.

    useradd is given at most `timeout` seconds.

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
    return OsUser(name=name, uid=entry.pw_uid, gid=entry.pw_gid)


def is_traversable(st: os.stat_result, uid: int, gid: int) -> bool:
    """Whether a directory with this stat may be searched by uid/gid (ACLs not considered)."""
    if st.st_uid == uid:
        return bool(st.st_mode & stat.S_IXUSR)
    if st.st_gid == gid:
        return bool(st.st_mode & stat.S_IXGRP)
    return bool(st.st_mode & stat.S_IXOTH)


def check_traversable(directories: Sequence[Path], user: OsUser, *, purpose: str) -> None:
    """Raise EmbeddedPostgresError naming the first of `directories` `user` cannot search.

    `purpose` opens the message: what cannot be done, and what to do instead.
    """
    for directory in directories:
        try:
            st = directory.stat()
        except OSError as exc:
            raise EmbeddedPostgresError(f"cannot inspect {directory}: {exc}") from exc
        if not is_traversable(st, user.uid, user.gid):
            raise EmbeddedPostgresError(
                f"{purpose}: OS user {user.name!r}, which runs PostgreSQL because PostgreSQL "
                f"refuses to run as root, cannot traverse {directory} "
                f"(mode {stat.S_IMODE(st.st_mode):04o}, owner uid {st.st_uid})"
            )


def chown_tree(top: Path, user: OsUser) -> None:
    """Give `top` and everything below it to `user`, unless `top` already belongs to it.

    Raises:
        OSError: a chown failed.
    """
    if top.lstat().st_uid == user.uid:
        return
    os.lchown(top, user.uid, user.gid)
    for root, dirs, files in os.walk(top):
        for entry in (*dirs, *files):
            os.lchown(Path(root) / entry, user.uid, user.gid)
