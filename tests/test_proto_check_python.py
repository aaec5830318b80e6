"""``scripts/proto.sh check`` fails when the Python client's generated files are stale.

Run on a copy of the checkout (its tracked files, as they are in the working tree), so
the .proto and the service config can be changed without regenerating. The cases are
about the typed client's methods (whose docstrings are the proto comments) and its
packaged service config; the stubs' check is as old as proto.sh.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RPCS = "clients/python/src/dataaccess/_rpcs.py"
PACKAGED_CONFIG = "clients/python/src/dataaccess/service_config.json"
REPORTED = re.compile(r"^(?:missing|stale|differs):\s+(\S+)", re.MULTILINE)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the repository's tracked files; built tools are linked, not copied."""
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, check=True
    ).stdout
    copy = tmp_path / "checkout"
    for name in listed.decode().split("\0"):
        source = REPO / name
        if name and source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    for built in (".tools", "node_modules"):  # other languages' generators live there
        if (REPO / built).exists():
            (copy / built).symlink_to(REPO / built)
    return copy


def check(checkout: Path) -> tuple[int, set[str]]:
    """proto.sh check's exit code and the generated files it reported out of date."""
    result = subprocess.run(
        [str(checkout / "scripts" / "proto.sh"), "check"],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )
    return result.returncode, set(REPORTED.findall(result.stderr))


def test_a_proto_comment_changed_without_regeneration_fails_the_check_on_the_client(
    checkout: Path,
) -> None:
    usage = checkout / "proto" / "dataaccess" / "v1" / "usage.proto"
    text = usage.read_text()
    comment = "// Lists daily counters, by date then provider, model and auth_id."
    assert comment in text
    usage.write_text(text.replace(comment, "// Lists daily counters, newest first."))
    code, stale = check(checkout)
    assert code == 1
    assert RPCS in stale  # its docstrings are the comments


def test_a_service_config_changed_without_regeneration_fails_the_check(checkout: Path) -> None:
    config = checkout / "clients" / "service_config.json"
    text = config.read_text()
    assert '"maxAttempts": 4' in text
    config.write_text(text.replace('"maxAttempts": 4', '"maxAttempts": 3'))
    assert check(checkout) == (1, {PACKAGED_CONFIG})


def test_a_new_rpc_without_regeneration_fails_the_check_on_the_client(checkout: Path) -> None:
    usage = checkout / "proto" / "dataaccess" / "v1" / "usage.proto"
    text = usage.read_text()
    anchor = "  rpc ListUsage(ListUsageRequest) returns (ListUsageResponse);\n"
    assert anchor in text
    usage.write_text(
        text.replace(
            anchor, anchor + "  rpc CountUsage(ListUsageRequest) returns (ListUsageResponse);\n"
        )
    )
    code, stale = check(checkout)
    assert code == 1
    assert RPCS in stale
