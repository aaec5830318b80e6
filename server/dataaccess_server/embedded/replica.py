"""Streaming replicas of a running instance (``pg_basebackup``), and their promotion.

The public entry points are :meth:`PostgresInstance.create_replica` and
:meth:`PostgresInstance.promote`, which call these.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from dataaccess_server.embedded.errors import EmbeddedPostgresError
from dataaccess_server.embedded.pgconf import SUPERUSER
from dataaccess_server.embedded.ports import LISTEN_HOST, running_port
from dataaccess_server.embedded.runner import deadline_within, output, pg_ctl_seconds

if TYPE_CHECKING:
    from dataaccess_server.embedded.instance import PostgresInstance

logger = logging.getLogger(__name__)

_REPLICA_NAME = re.compile(r"^[A-Za-z0-9_-]{1,63}$")


def copy_and_start(
    primary: PostgresInstance, standby: PostgresInstance, *, name: str, timeout: float
) -> None:
    """Copy the running `primary` into `standby`'s empty data directory and start it as
    a hot standby named `name`, within about `timeout` seconds.

    Raises:
        ValueError: `name` is not 1-63 letters, digits, ``_`` or ``-``.
        EmbeddedPostgresError: `primary` is not running, `standby` already holds data,
            or the copy or the start failed.
    """
    if not _REPLICA_NAME.match(name):
        raise ValueError(f"invalid replica name {name!r}: use letters, digits, _ or -")
    deadline = deadline_within(timeout)
    primary_port = running_port(primary.data_dir)
    if primary_port is None:
        raise EmbeddedPostgresError(f"cannot copy {primary!r}: it is not running")
    standby.runner.prepare_directory(deadline)
    if standby.data_dir.exists() and any(standby.data_dir.iterdir()):
        raise EmbeddedPostgresError(
            f"cannot create a replica in {standby.data_dir}: it is not empty"
        )
    conninfo = f"host={LISTEN_HOST} port={primary_port} user={SUPERUSER} application_name={name}"
    args = [
        str(primary.runner.bin_dir / "pg_basebackup"),
        "--pgdata",
        str(standby.data_dir),
        "--dbname",
        conninfo,
        "--write-recovery-conf",
        "--wal-method",
        "stream",
        "--checkpoint",
        "fast",
    ]
    if not primary.durable:
        args.append("--no-sync")
    logger.info("copying %s into %s as replica %r", primary.data_dir, standby.data_dir, name)
    result = standby.runner.run(args, deadline, timeout=timeout, what="pg_basebackup")
    if result.returncode != 0:
        raise EmbeddedPostgresError(
            f"pg_basebackup from port {primary_port} into {standby.data_dir} failed "
            f"(exit {result.returncode}): {output(result)}{primary.runner.log.tail_suffix()}"
        )
    standby.start(timeout=deadline.remaining() or 1.0)


def promote(instance: PostgresInstance, *, timeout: float) -> None:
    """Turn the running standby `instance` into a primary; returns once it accepts
    writes, within about `timeout` seconds.

    Raises:
        EmbeddedPostgresError: not running, not a standby, or not promoted in time.
    """
    deadline = deadline_within(timeout)
    if not instance.is_running():
        raise EmbeddedPostgresError(f"cannot promote {instance!r}: it is not running")
    args = [
        str(instance.runner.bin_dir / "pg_ctl"),
        "promote",
        "--pgdata",
        str(instance.data_dir),
        "--wait",
        "--timeout",
        pg_ctl_seconds(deadline),
        "--silent",
    ]
    result = instance.runner.run(args, deadline, timeout=timeout, what="pg_ctl promote")
    if result.returncode != 0:
        raise EmbeddedPostgresError(
            f"promotion of {instance.data_dir} failed (pg_ctl exit {result.returncode}: "
            f"{output(result)}){instance.runner.log.tail_suffix()}"
        )
    logger.info("PostgreSQL in %s promoted to primary", instance.data_dir)
