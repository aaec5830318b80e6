"""The configuration files dataaccess writes into a data directory.

``pg_hba.conf`` is written once, after initdb. ``dataaccess.conf`` (the managed settings)
is rewritten at every start and included from ``postgresql.conf``; settings made with
ALTER SYSTEM still take precedence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from dataaccess_server.embedded.errors import EmbeddedPostgresError
from dataaccess_server.embedded.ports import LISTEN_HOST

SUPERUSER = "postgres"
# Inside the data directory, rewritten at every start, included from postgresql.conf.
MANAGED_CONF_NAME = "dataaccess.conf"
MANAGED_CONF_INCLUDE = f"include_if_exists = '{MANAGED_CONF_NAME}'"

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


def managed_settings(port: int, *, durable: bool, settings: Mapping[str, str]) -> dict[str, str]:
    """Every setting of ``dataaccess.conf``: listen on 127.0.0.1:`port` only (no Unix
    socket), :data:`BASE_SETTINGS`, the non-durable ones unless `durable`, then the
    caller's `settings` over them."""
    return {
        "listen_addresses": LISTEN_HOST,
        "port": str(port),
        "unix_socket_directories": "",
        **BASE_SETTINGS,
        **({} if durable else NON_DURABLE_SETTINGS),
        **settings,
    }


def ensure_managed_conf_included(data_dir: Path) -> None:
    """Make ``postgresql.conf`` of `data_dir` include ``dataaccess.conf`` (idempotent).

    Raises:
        EmbeddedPostgresError: ``postgresql.conf`` cannot be read.
    """
    conf = data_dir / "postgresql.conf"
    try:
        text = conf.read_text(encoding="utf-8")
    except OSError as exc:
        raise EmbeddedPostgresError(f"cannot read {conf}: {exc}") from exc
    if MANAGED_CONF_INCLUDE not in text.splitlines():
        # Appending keeps the file's owner and mode.
        with conf.open("a", encoding="utf-8") as file:
            file.write(f"\n# Added by dataaccess.\n{MANAGED_CONF_INCLUDE}\n")
