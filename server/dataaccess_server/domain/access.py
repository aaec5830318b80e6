"""Roles, the access policy and its file format. Pure.

Roles are sets of permissions. Three are built in; a policy file may add more, and binds
client-certificate identities to roles (bearer credentials carry their role). Which
permission each RPC needs is the API layer's table (``api/access.py``).

The policy file (``DATAACCESS_AUTHZ_POLICY``) is TOML::

    # Roles beyond proxy, reader and admin (optional): permission names.
    [roles]
    auditor = ["audit.read", "analytics.read"]

    # Client-certificate identities (URI SAN, else DNS SAN, else CN) and their roles.
    [identities]
    "spiffe://example.org/ns/gateway/sa/proxy" = "proxy"
    "reports.internal.example.org" = "reader"
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from dataaccess_server.domain.model.access import Caller, CredentialKind, Permission

P = Permission
BUILTIN_ROLES: Mapping[str, frozenset[Permission]] = MappingProxyType(
    {
        # What an LLM proxy does on every request, and nothing else.
        "proxy": frozenset(
            {
                P.API_KEYS_VALIDATE,
                P.OAUTH_TOKENS_READ,
                P.OAUTH_TOKENS_READ_SECRETS,
                P.OAUTH_TOKENS_WRITE,
                P.USAGE_WRITE,
                P.REQUEST_LOGS_WRITE,
                P.CONFIGS_READ,
                P.CACHE_READ,
                P.CACHE_WRITE,
            }
        ),
        # Dashboards and reports: reads, never a secret.
        "reader": frozenset(
            {
                P.API_KEYS_READ,
                P.OAUTH_TOKENS_READ,
                P.USAGE_READ,
                P.REQUEST_LOGS_READ,
                P.ANALYTICS_READ,
                P.CONFIGS_READ,
                P.CACHE_READ,
            }
        ),
        "admin": frozenset(Permission),
    }
)
ROLE_NAME = re.compile(r"[a-z][a-z0-9_-]{0,62}")


class PolicyError(ValueError):
    """The policy file is malformed; the message says where."""


@dataclass(frozen=True, slots=True)
class AccessPolicy:
    """Roles (built-in and defined) and the roles of certificate identities."""

    roles: Mapping[str, frozenset[Permission]] = field(default_factory=lambda: BUILTIN_ROLES)
    identities: Mapping[str, str] = field(default_factory=dict)

    def role_of(self, identity: str) -> str | None:
        """The role bound to a certificate identity, None if unmapped."""
        return self.identities.get(identity)

    def allows(self, caller: Caller, permission: Permission) -> bool:
        """Whether ``caller`` holds ``permission``. With authentication off every call
        is allowed; a role the policy does not define grants nothing."""
        if caller.kind is CredentialKind.NONE:
            return True
        if caller.role is None:
            return False
        return permission in self.roles.get(caller.role, frozenset())

    def check_role(self, role: str) -> None:
        """PolicyError unless ``role`` is built in or defined by the policy."""
        if role not in self.roles:
            raise PolicyError(f"unknown role {role!r}: one of {', '.join(sorted(self.roles))}")


def parse_policy(text: str) -> AccessPolicy:
    """The policy in ``text`` (TOML); PolicyError naming the first problem."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"not valid TOML: {exc}") from None
    unknown = set(document) - {"roles", "identities"}
    if unknown:
        raise PolicyError(
            f"unknown key(s) {', '.join(sorted(unknown))}: only [roles] and [identities]"
        )
    roles = dict(BUILTIN_ROLES)
    for name, permissions in _table(document, "roles").items():
        roles[name] = _role(name, permissions)
    identities: dict[str, str] = {}
    for identity, role in _table(document, "identities").items():
        if not identity.strip() or len(identity) > 2048:
            raise PolicyError("identities: an identity must be 1-2048 characters")
        if not isinstance(role, str) or role not in roles:
            raise PolicyError(
                f"identities.{identity!r}: must name a role ({', '.join(sorted(roles))}),"
                f" got {role!r}"
            )
        identities[identity] = role
    return AccessPolicy(roles=MappingProxyType(roles), identities=MappingProxyType(identities))


def _table(document: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = document.get(key, {})
    if not isinstance(value, dict):
        raise PolicyError(f"{key}: must be a table ([{key}])")
    return value


def _role(name: str, permissions: object) -> frozenset[Permission]:
    if name in BUILTIN_ROLES:
        raise PolicyError(f"roles.{name}: is built in and cannot be redefined")
    if not ROLE_NAME.fullmatch(name):
        raise PolicyError(
            f"roles.{name}: a role name is 1-63 lowercase letters, digits, '_' or '-',"
            " starting with a letter"
        )
    if not isinstance(permissions, list) or not permissions:
        raise PolicyError(f"roles.{name}: must be a non-empty list of permission names")
    known = {p.value: p for p in Permission}
    chosen = set()
    for item in permissions:
        if not isinstance(item, str) or item not in known:
            raise PolicyError(
                f"roles.{name}: unknown permission {item!r}; known: {', '.join(sorted(known))}"
            )
        chosen.add(known[item])
    return frozenset(chosen)
