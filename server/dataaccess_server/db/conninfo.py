"""Connection strings: validation and redaction. Pure functions, no I/O."""

from __future__ import annotations

import re

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

_QUOTED = re.compile(r'"[^"]*"')


class DsnError(ValueError):
    """A connection string libpq cannot parse. The message never repeats its content."""


def validate_dsn(dsn: str) -> dict[str, str]:
    """Parse ``dsn`` (URI or ``key=value`` form) and return its parameters.

    Raises DsnError with libpq's reason, with any quoted fragment of the input removed
    so that a password cannot leak into logs or terminals.
    """
    if dsn.strip() == "":
        raise DsnError("is empty")
    try:
        params = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as exc:
        reason = _QUOTED.sub('"…"', str(exc).strip().splitlines()[0] if str(exc) else "")
        raise DsnError(f"is not a valid PostgreSQL connection string ({reason})") from None
    return {key: str(value) for key, value in params.items() if value is not None}


# The parameters a status page or log may show. Everything else (password, sslpassword,
# passfile, sslkey paths, options that may carry settings) stays out: an allow-list,
# since libpq grows parameters and a new secret one must not appear by default.
SHOWN_PARAMETERS = ("host", "port", "dbname", "user", "sslmode", "application_name")


def redact_dsn(dsn: str) -> str:
    """``dsn`` in key=value form with only SHOWN_PARAMETERS, for status pages and logs."""
    try:
        params = validate_dsn(dsn)
    except DsnError:
        return "<invalid dsn>"
    return make_conninfo("", **{key: params[key] for key in SHOWN_PARAMETERS if key in params})
