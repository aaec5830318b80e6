"""Who may call, from the environment (kept apart from ``config`` to keep each module
about one thing): DATAACCESS_AUTH and the policy file of DATAACCESS_AUTHZ_POLICY."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dataaccess_server.domain.access import AccessPolicy, PolicyError, parse_policy

if TYPE_CHECKING:
    from dataaccess_server.config import _Reader


def auth_mode(read: _Reader) -> str | None:
    """``DATAACCESS_AUTH``: "on", "none", or None when unset and nothing else configures
    authentication (a policy file or a client CA does)."""
    text = read.raw("DATAACCESS_AUTH")
    if text is not None:
        return read.choice("DATAACCESS_AUTH", "on", ("on", "none"))
    # Configuring who may call what configures authentication.
    if read.raw("DATAACCESS_AUTHZ_POLICY") or read.raw("DATAACCESS_TLS_CLIENT_CA"):
        return "on"
    return None


def access_policy(read: _Reader) -> AccessPolicy:
    """The policy of ``DATAACCESS_AUTHZ_POLICY`` (the built-in roles alone if unset);
    ConfigError naming the variable, the file and the problem."""
    from dataaccess_server.config import ConfigError

    path = read.raw("DATAACCESS_AUTHZ_POLICY")
    if path is None:
        return AccessPolicy()
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ConfigError("DATAACCESS_AUTHZ_POLICY", f"cannot read {path}: {reason}") from None
    try:
        return parse_policy(text)
    except PolicyError as exc:
        raise ConfigError("DATAACCESS_AUTHZ_POLICY", f"{path}: {exc}") from None
