"""The policy file: roles from permission names, identities bound to roles; each
mistake refused with a line that says where, naming the variable at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from dataaccess_server.config import ConfigError, load_settings
from dataaccess_server.domain.access import BUILTIN_ROLES, PolicyError, parse_policy
from dataaccess_server.domain.model.access import Caller, CredentialKind, Permission

POLICY = """
[roles]
auditor = ["audit.read", "analytics.read"]

[identities]
"spiffe://example.org/ns/llm/sa/gateway" = "proxy"
"reports.internal.example.org" = "auditor"
"""


def test_a_policy_binds_identities_to_built_in_and_defined_roles() -> None:
    policy = parse_policy(POLICY)
    assert policy.role_of("spiffe://example.org/ns/llm/sa/gateway") == "proxy"
    assert policy.role_of("spiffe://example.org/ns/llm/sa/other") is None
    auditor = Caller("reports.internal.example.org", CredentialKind.CERTIFICATE, "auditor")
    assert policy.allows(auditor, Permission.AUDIT_READ)
    assert not policy.allows(auditor, Permission.OAUTH_TOKENS_READ)
    unmapped = Caller("nobody", CredentialKind.CERTIFICATE, None)
    assert not any(policy.allows(unmapped, p) for p in Permission)
    gone = Caller("bearer:old", CredentialKind.BEARER, "retired-role")
    assert not any(policy.allows(gone, p) for p in Permission)
    assert set(policy.roles) == {*BUILTIN_ROLES, "auditor"}


def test_the_built_in_roles_split_secrets_from_reads() -> None:
    assert BUILTIN_ROLES["admin"] == frozenset(Permission)
    assert Permission.OAUTH_TOKENS_READ_SECRETS in BUILTIN_ROLES["proxy"]
    assert Permission.OAUTH_TOKENS_READ_SECRETS not in BUILTIN_ROLES["reader"]
    assert Permission.OPERATIONS_STATUS not in BUILTIN_ROLES["proxy"] | BUILTIN_ROLES["reader"]
    assert Permission.AUDIT_READ not in BUILTIN_ROLES["proxy"] | BUILTIN_ROLES["reader"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[roles\n", "not valid TOML"),
        ("[callers]\nx = 1\n", "unknown key(s) callers"),
        ("roles = 3\n", "roles: must be a table"),
        ('[roles]\nadmin = ["audit.read"]\n', "roles.admin: is built in"),
        ('[roles]\nBad = ["audit.read"]\n', "roles.Bad: a role name is"),
        ("[roles]\nempty = []\n", "roles.empty: must be a non-empty list"),
        ('[roles]\nx = ["audit.write"]\n', "roles.x: unknown permission 'audit.write'"),
        ('[identities]\n"spiffe://a/b" = "root"\n', "identities.'spiffe://a/b': must name a role"),
        ('[identities]\n" " = "proxy"\n', "an identity must be 1-2048 characters"),
    ],
)
def test_each_policy_mistake_is_named(text: str, problem: str) -> None:
    with pytest.raises(PolicyError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        parse_policy(text)


def test_the_policy_file_is_read_at_start_and_its_errors_name_the_variable(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(POLICY)
    settings = load_settings({"DATAACCESS_AUTHZ_POLICY": str(path)})
    assert settings.authenticating  # a policy configures authentication
    assert settings.access_policy.role_of("reports.internal.example.org") == "auditor"
    path.write_text('[roles]\nx = ["nope"]\n')
    with pytest.raises(ConfigError, match=r"^DATAACCESS_AUTHZ_POLICY: .*policy.toml: roles.x"):
        load_settings({"DATAACCESS_AUTHZ_POLICY": str(path)})
    with pytest.raises(ConfigError, match="DATAACCESS_AUTHZ_POLICY: cannot read"):
        load_settings({"DATAACCESS_AUTHZ_POLICY": str(tmp_path / "missing.toml")})
