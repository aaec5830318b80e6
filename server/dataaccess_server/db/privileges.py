"""What the server's database role needs: granting it (migrate) and checking it (serve).

The server runs as a role with DML rights only that owns nothing (``DB_APP_ROLE``);
the owner that applies migrations grants it what :data:`SERVER_TABLES` and
:data:`SERVER_FUNCTIONS` list, and an optional read-only role (``DB_READONLY_ROLE``,
for replicas and analytics) SELECT on the same tables. The same lists drive the check
the server makes of its own role at start-up, so what is granted and what is checked
cannot drift apart: a table a migration adds for the server is one line here.

Grants are plain ``GRANT`` statements, idempotent, re-applied by every ``migrate up``
(even with nothing pending) in one transaction under the schema's migration lock
(concurrent ``GRANT``\\s on one object can fail with "tuple concurrently updated").
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from dataaccess_server.db import session
from dataaccess_server.db.migrations import lock_key
from dataaccess_server.db.pool import Connection
from dataaccess_server.errors import DatabaseUnavailableError, MigrationError

log = logging.getLogger(__name__)

DML = ("SELECT", "INSERT", "UPDATE", "DELETE")

# Every table the server reads or writes, with what it does there. Partitions are not
# listed: the server reaches them only through their parent, whose grants apply.
SERVER_TABLES: dict[str, tuple[str, ...]] = {
    "schema_migrations": ("SELECT",),
    "oauth_tokens": DML,
    "api_keys": DML,
    "api_key_retired_hashes": DML,
    "api_key_rate_windows": DML,
    "usage_stats": DML,
    "usage_applied_requests": DML,
    # Usage rollups (0012), written by triggers on usage_stats as the writing role.
    "usage_auth_numbers": DML,
    "usage_daily_chunks": DML,
    "usage_auth_daily": DML,
    # Weekly usage rollups (0013), written by the UpsertUsage statement beside the daily.
    "usage_weekly_chunks": DML,
    "usage_auth_weekly": DML,
    "request_logs": DML,
    "request_log_hourly": DML,
    # Dense latency histograms (0014), kept by the fold; the sparse names are views.
    "request_log_histogram_hourly": DML,
    "request_log_histogram_daily": DML,
    "request_log_histogram_weekly": DML,
    # Ingestion inserts its batches' deltas; the fold deletes them (migration 0011).
    "request_log_delta": DML,
    # Views: rollups plus unfolded deltas, read by analytics.
    "request_log_hourly_all": ("SELECT",),
    "request_log_latency_hourly_all": ("SELECT",),
    "request_log_latency_daily_all": ("SELECT",),
    "request_log_latency_weekly_all": ("SELECT",),
    "request_log_latency_hourly": ("SELECT",),
    "request_log_latency_daily": ("SELECT",),
    "request_log_latency_weekly": ("SELECT",),
    "callers": DML,
    "cache_entries": DML,
    # Append-only: the server adds audit rows and reads them, never changes one.
    "audit_events": ("SELECT", "INSERT"),
    # Config versions are immutable: added and read, never changed; the head moves.
    "configs": ("SELECT", "INSERT"),
    "config_heads": ("SELECT", "INSERT", "UPDATE"),
    # Key policies (0015, 0016): the clock is read, never set, by the server.
    "policy_clock": ("SELECT",),
    "key_owner_policies": DML,
    "key_limits": DML,
    "key_limit_ledger": DML,
    "key_reservations": DML,
    "key_validation_hourly": DML,
    "key_spend_daily": DML,
}
# The SECURITY DEFINER functions of migration 0006 the server calls, by signature.
SERVER_FUNCTIONS: tuple[str, ...] = (
    "create_daily_partition(text, date)",
    "drop_daily_partitions_before(text, date)",
)
# Database privileges the server needs beyond CONNECT: request-log batches are staged
# in a temporary table. PUBLIC has it by default; a hardened database may not.
SERVER_DATABASE_PRIVILEGES: tuple[str, ...] = ("TEMPORARY",)

ROLE_EXISTS = "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = %(role)s)"
TAKE_MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(%(key)s)"
SET_LOCK_WAIT = "SELECT set_config('lock_timeout', %(ms)s, true)"
EXISTING_TABLES = """
SELECT c.relname FROM pg_class c
WHERE c.relnamespace = to_regnamespace(quote_ident(%(schema)s))
  AND c.relname = ANY(%(names)s) AND c.relkind IN ('r', 'p', 'v')
"""
EXISTING_FUNCTIONS = """
SELECT f FROM unnest(%(signatures)s::text[]) AS f
WHERE to_regprocedure(format('%%I.%%s', %(schema)s::text, f)) IS NOT NULL
"""
SEQUENCES = """
SELECT c.relname, has_sequence_privilege(c.oid, 'USAGE')
FROM pg_class c
WHERE c.relnamespace = to_regnamespace(quote_ident(%(schema)s)) AND c.relkind = 'S'
ORDER BY c.relname
"""
GRANT_SCHEMA = "GRANT USAGE ON SCHEMA {schema} TO {role}"
GRANT_TABLE = "GRANT {privileges} ON TABLE {schema}.{table} TO {role}"
GRANT_FUNCTION = "GRANT EXECUTE ON FUNCTION {schema}.{function} TO {role}"
GRANT_SEQUENCES = "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}"
# One row per needed privilege: true if held, false if not, NULL if the object is
# missing. The object is named relative to the schema (functions with their signature).
CHECK_NEEDS = """
SELECT n.ord, CASE n.kind
    WHEN 'schema' THEN has_schema_privilege(%(schema)s::text, n.privilege)
    WHEN 'database' THEN has_database_privilege(current_database(), n.privilege)
    WHEN 'table' THEN has_table_privilege(
        to_regclass(format('%%I.%%I', %(schema)s::text, n.object)), n.privilege)
    WHEN 'function' THEN has_function_privilege(
        to_regprocedure(format('%%I.%%s', %(schema)s::text, n.object)), n.privilege)
    END
FROM unnest(%(kinds)s::text[], %(objects)s::text[], %(privileges)s::text[])
    WITH ORDINALITY AS n(kind, object, privilege, ord)
ORDER BY n.ord
"""
# Whether the role is a superuser, or owns (or inherits an owner of) a table of the
# schema: then the server could change the schema it should only use.
ROLE_POWERS = """
SELECT current_user::text, current_database()::text, r.rolsuper, EXISTS (
    SELECT FROM pg_class c
    WHERE c.relnamespace = to_regnamespace(quote_ident(%(schema)s))
      AND c.relkind IN ('r', 'p') AND pg_has_role(current_user, c.relowner, 'USAGE'))
FROM pg_roles r WHERE r.rolname = current_user
"""


class MissingRoleError(MigrationError):
    """A role named by a configuration variable does not exist in the database."""

    def __init__(self, variable: str, role: str) -> None:
        self.variable = variable
        self.problem = (
            f"role {role!r} does not exist in the database: create it first"
            f" (CREATE ROLE {role} LOGIN, see the README's database roles)"
        )
        super().__init__(f"{variable}: {self.problem}")


class PrivilegeError(MigrationError):
    """The connected role lacks a privilege: the deployment's grants, not a bug."""


# What to do when a role lacks a privilege, by who lacks it ({role}: its name).
FIX_SERVER_ROLE = "run `dataaccess migrate up` with DB_APP_ROLE={role}"
FIX_MIGRATING_ROLE = "migrations must run as the owner of the schema (DB_MIGRATE_URL)"


@dataclass(frozen=True, slots=True)
class Grant:
    """Privileges given to one role on some objects of one kind."""

    role: str
    privileges: str
    """As granted: ``SELECT, INSERT, UPDATE, DELETE``."""
    kind: str
    """``schema``, ``table``, ``function`` or ``sequence``."""
    objects: tuple[str, ...]


def describe_grants(grants: Sequence[Grant]) -> list[str]:
    """One line per role saying what it was granted, in the order granted."""
    by_role: dict[str, list[str]] = {}
    for grant in grants:
        noun = grant.kind if len(grant.objects) == 1 else f"{grant.kind}s"
        part = f"{grant.privileges} on {noun} {', '.join(grant.objects)}"
        by_role.setdefault(grant.role, []).append(part)
    return [f"granted to {role}: {'; '.join(parts)}" for role, parts in by_role.items()]


async def grant_server_privileges(
    dsn: str,
    *,
    schema: str,
    app_role: str | None,
    readonly_role: str | None,
    lock_timeout: float = 300.0,
    connect_timeout: float = 10.0,
) -> list[Grant]:
    """Grant ``app_role`` what the server needs in ``schema`` and ``readonly_role``
    SELECT on the same tables; return what was granted (nothing when neither is set).

    Run by the owner after migrating. Objects a later migration creates (not applied
    yet) are skipped. One transaction under the migration lock, waiting at most
    ``lock_timeout`` for it. Raises MissingRoleError for a role that does not exist,
    DatabaseUnavailableError when the database cannot be reached, MigrationError when
    a grant fails (the connecting role does not own the objects, say).
    """
    if app_role is None and readonly_role is None:
        return []
    try:
        conn = await session.connect(
            dsn,
            autocommit=True,
            application_name="dataaccess-migrate",
            connect_timeout=max(2, int(connect_timeout)),
        )
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailableError(
            f"cannot connect to the database: {str(exc).strip().splitlines()[0]}"
        ) from exc
    try:
        async with conn:
            refused: list[str] = []
            # A GRANT the connected role may not give only warns ("no privileges were
            # granted"): collect the warnings and fail, rather than report a grant made.
            conn.add_notice_handler(
                lambda notice: (
                    refused.append(str(notice.message_primary))
                    if notice.severity_nonlocalized == "WARNING"
                    else None
                )
            )
            for variable, role in (("DB_APP_ROLE", app_role), ("DB_READONLY_ROLE", readonly_role)):
                if role is not None and not await _role_exists(conn, role):
                    raise MissingRoleError(variable, role)
            async with conn.transaction():
                await conn.execute(SET_LOCK_WAIT, {"ms": str(int(lock_timeout * 1000))})
                await conn.execute(TAKE_MIGRATION_LOCK, {"key": lock_key(schema)})
                grants = []
                if app_role is not None:
                    grants += await _grant_app(conn, schema, app_role)
                if readonly_role is not None:
                    grants += await _grant_readonly(conn, schema, readonly_role)
                if refused:
                    raise PrivilegeError(
                        f"the role running migrations cannot grant what the server needs"
                        f" ({refused[0]}): {FIX_MIGRATING_ROLE}"
                    )
    except psycopg.errors.LockNotAvailable as exc:
        raise MigrationError(
            f"another migration run held the lock for more than {lock_timeout:g}s"
        ) from exc
    except psycopg.errors.InsufficientPrivilege as exc:
        raise PrivilegeError(
            f"the role running migrations cannot grant what the server needs"
            f" ({exc.diag.message_primary}): {FIX_MIGRATING_ROLE}"
        ) from exc
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseUnavailableError(f"the database became unavailable: {first}") from exc
    except psycopg.Error as exc:
        raise MigrationError(f"granting the server's privileges failed: {exc}") from exc
    for line in describe_grants(grants):
        log.info("%s", line)
    return grants


async def _role_exists(conn: Connection, role: str) -> bool:
    cursor = await conn.execute(ROLE_EXISTS, {"role": role})
    row = await cursor.fetchone()
    return bool(row and row[0])


async def _existing_tables(conn: Connection, schema: str) -> list[str]:
    cursor = await conn.execute(EXISTING_TABLES, {"schema": schema, "names": list(SERVER_TABLES)})
    found = {str(row[0]) for row in await cursor.fetchall()}
    return [table for table in SERVER_TABLES if table in found]


async def _grant_app(conn: Connection, schema: str, role: str) -> list[Grant]:
    names = {"schema": sql.Identifier(schema), "role": sql.Identifier(role)}
    await conn.execute(sql.SQL(GRANT_SCHEMA).format(**names))
    grants = [Grant(role, "USAGE", "schema", (schema,))]
    by_privileges: dict[tuple[str, ...], list[str]] = {}
    for table in await _existing_tables(conn, schema):
        privileges = SERVER_TABLES[table]
        await conn.execute(
            sql.SQL(GRANT_TABLE).format(
                privileges=sql.SQL(", ").join(sql.SQL(p) for p in privileges),
                table=sql.Identifier(table),
                **names,
            )
        )
        by_privileges.setdefault(privileges, []).append(table)
    grants += [
        Grant(role, ", ".join(privileges), "table", tuple(tables))
        for privileges, tables in by_privileges.items()
    ]
    cursor = await conn.execute(
        EXISTING_FUNCTIONS, {"schema": schema, "signatures": list(SERVER_FUNCTIONS)}
    )
    functions = [str(row[0]) for row in await cursor.fetchall()]
    for function in functions:
        # A signature is not one identifier: the constant above is trusted text.
        await conn.execute(sql.SQL(GRANT_FUNCTION).format(function=sql.SQL(function), **names))
    if functions:
        grants.append(Grant(role, "EXECUTE", "function", tuple(functions)))
    cursor = await conn.execute(SEQUENCES, {"schema": schema})
    sequences = [str(row[0]) for row in await cursor.fetchall()]
    if sequences:
        await conn.execute(sql.SQL(GRANT_SEQUENCES).format(**names))
        grants.append(Grant(role, "USAGE, SELECT", "sequence", tuple(sequences)))
    return grants


async def _grant_readonly(conn: Connection, schema: str, role: str) -> list[Grant]:
    names = {"schema": sql.Identifier(schema), "role": sql.Identifier(role)}
    await conn.execute(sql.SQL(GRANT_SCHEMA).format(**names))
    tables = await _existing_tables(conn, schema)
    for table in tables:
        await conn.execute(
            sql.SQL(GRANT_TABLE).format(
                privileges=sql.SQL("SELECT"), table=sql.Identifier(table), **names
            )
        )
    grants = [Grant(role, "USAGE", "schema", (schema,))]
    if tables:
        grants.append(Grant(role, "SELECT", "table", tuple(tables)))
    return grants


# ---------------------------------------------------------------------------------------
# The server's check of its own role.


@dataclass(frozen=True, slots=True)
class MissingPrivilege:
    """One privilege the server's role needs and lacks."""

    privilege: str
    kind: str
    """``schema``, ``database``, ``table``, ``function`` or ``sequence``."""
    name: str
    exists: bool = True
    """False when the object itself is missing (a migration not applied)."""


@dataclass(frozen=True, slots=True)
class RoleCheck:
    """What the server's role can do, against what it needs."""

    role: str
    database: str
    superuser: bool
    owns_tables: bool
    """Owns (or inherits the owner of) a table of the schema; true for a superuser."""
    missing: tuple[MissingPrivilege, ...]

    def problem(self) -> str | None:
        """One line naming the first missing privilege and the fix; None when none is."""
        if not self.missing:
            return None
        first = self.missing[0]
        more = f" (and {len(self.missing) - 1} more)" if len(self.missing) > 1 else ""
        if not first.exists:
            return f"{first.kind} {first.name} does not exist{more}: run `dataaccess migrate up`"
        lacks = f"role {self.role} lacks {first.privilege} on {first.kind} {first.name}{more}"
        if first.kind == "database":
            return (
                f"{lacks}: have the database owner run GRANT {first.privilege} ON DATABASE"
                f" {self.database} TO {self.role}"
            )
        return f"{lacks}: {FIX_SERVER_ROLE.format(role=self.role)}"


@contextlib.asynccontextmanager
async def reported_privileges(dsn: str, *, fix: str) -> AsyncIterator[None]:
    """Raise a privilege the role of ``dsn`` lacks in the body as PrivilegeError: one
    line naming the role, what PostgreSQL refused, and ``fix`` (where ``{role}`` is
    replaced by the role's name). For work done with the driver directly (migrations,
    the schema check), which :func:`translated_errors` does not wrap."""
    try:
        yield
    except psycopg.errors.InsufficientPrivilege as exc:
        role = conninfo_to_dict(dsn).get("user") or "(the DSN's default user)"
        raise PrivilegeError(
            f"role {role} lacks a privilege ({exc.diag.message_primary}): {fix.format(role=role)}"
        ) from exc


def _needs(schema: str) -> list[tuple[str, str, str]]:
    needs = [("schema", schema, "USAGE")]
    needs += [("database", "", privilege) for privilege in SERVER_DATABASE_PRIVILEGES]
    needs += [
        ("table", table, privilege)
        for table, privileges in SERVER_TABLES.items()
        for privilege in privileges
    ]
    needs += [("function", function, "EXECUTE") for function in SERVER_FUNCTIONS]
    return needs


async def check_server_role(conn: Connection, *, schema: str) -> RoleCheck:
    """Check that the connected role holds every privilege the server needs in
    ``schema`` (schema usage, table privileges, EXECUTE on the partition functions,
    USAGE on every sequence, TEMPORARY on the database). Read-only; two statements."""
    cursor = await conn.execute(ROLE_POWERS, {"schema": schema})
    powers = await cursor.fetchone()
    assert powers is not None  # current_user is always in pg_roles
    role, database, superuser, owns = str(powers[0]), str(powers[1]), bool(powers[2]), powers[3]
    needs = _needs(schema)
    cursor = await conn.execute(
        CHECK_NEEDS,
        {
            "schema": schema,
            "kinds": [kind for kind, _, _ in needs],
            "objects": [name for _, name, _ in needs],
            "privileges": [privilege for _, _, privilege in needs],
        },
    )
    missing = []
    for ordinal, held in await cursor.fetchall():
        kind, name, privilege = needs[int(ordinal) - 1]
        if not held:
            shown = database if kind == "database" else name
            missing.append(MissingPrivilege(privilege, kind, shown, exists=held is not None))
    cursor = await conn.execute(SEQUENCES, {"schema": schema})
    for name, held in await cursor.fetchall():
        if not held:
            missing.append(MissingPrivilege("USAGE", "sequence", str(name)))
    return RoleCheck(role, database, superuser, bool(owns), tuple(missing))
