"""``scripts/proto.sh check`` fails CI on generated code that is stale in any language.

Each case edits a copy of the checkout (its tracked files as they are in the work tree, the
installed generators linked in) without regenerating, and asserts that the check exits 1
naming a generated file of every language the edit reaches: the Python stubs and typed
client (clients/python), the Go module (clients/go) and the Node package (clients/node,
which also ships copies of the .proto files and of the service config).
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
REPORTED = re.compile(r"^(?:missing|stale|differs):\s+(\S+)", re.MULTILINE)
# Where each language's generators are installed (linked into the copy, not copied).
INSTALLED = (".tools", "node_modules", "clients/node/node_modules")


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, check=True
    ).stdout
    copy = tmp_path / "checkout"
    for name in listed.decode().split("\0"):
        source = REPO / name
        if name and source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    for built in INSTALLED:
        assert (REPO / built).is_dir(), f"{built} is not installed (make proto-check does it)"
        (copy / built).symlink_to(REPO / built)
    return copy


def proto_sh(checkout: Path, command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(checkout / "scripts" / "proto.sh"), command],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def stale_files(checkout: Path) -> set[str]:
    """The generated files proto.sh check reports out of date (it must exit 1)."""
    result = proto_sh(checkout, "check")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "run `make proto`" in result.stderr
    return set(REPORTED.findall(result.stderr))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} is no longer in {path.name}: update this test"
    path.write_text(text.replace(old, new, 1))


def test_a_new_field_without_regeneration_fails_for_every_language_until_generated(
    checkout: Path,
) -> None:
    current = proto_sh(checkout, "check")
    assert current.returncode == 0, current.stderr
    usage = checkout / "proto" / "dataaccess" / "v1" / "usage.proto"
    edit(usage, "  int64 total_tokens = 12;\n", "  int64 total_tokens = 12;\n  string note = 99;\n")
    assert {
        "clients/python/src/dataaccess/v1/usage_pb2.py",
        "clients/python/src/dataaccess/v1/usage_pb2.pyi",
        "clients/go/dataaccess/v1/usage.pb.go",
        "clients/node/src/generated/dataaccess/v1/UsageRecord.ts",
        "clients/node/proto/dataaccess/v1/usage.proto",
    } <= stale_files(checkout)
    generated = proto_sh(checkout, "generate")
    assert generated.returncode == 0, generated.stderr
    assert (
        "'note'?: (string);"
        in (checkout / "clients/node/src/generated/dataaccess/v1/UsageRecord.ts").read_text()
    )
    again = proto_sh(checkout, "check")
    assert again.returncode == 0, again.stderr


def test_a_new_rpc_without_regeneration_fails_for_every_language(checkout: Path) -> None:
    anchor = "  rpc ListUsage(ListUsageRequest) returns (ListUsageResponse);\n"
    edit(
        checkout / "proto" / "dataaccess" / "v1" / "usage.proto",
        anchor,
        anchor + "  rpc CountUsage(ListUsageRequest) returns (ListUsageResponse);\n",
    )
    assert {
        "clients/python/src/dataaccess/_rpcs.py",  # the typed client's methods
        "clients/python/src/dataaccess/v1/usage_pb2_grpc.py",
        "clients/go/dataaccess/v1/usage_grpc.pb.go",
        "clients/node/src/generated/dataaccess/v1/UsageService.ts",
    } <= stale_files(checkout)


def test_a_changed_proto_comment_fails_on_the_python_client_docstrings(checkout: Path) -> None:
    edit(
        checkout / "proto" / "dataaccess" / "v1" / "usage.proto",
        "// Lists daily counters, by date then provider, model and auth_id.",
        "// Lists daily counters, newest first.",
    )
    assert "clients/python/src/dataaccess/_rpcs.py" in stale_files(checkout)


def test_a_changed_service_config_fails_on_each_languages_copy_and_nothing_else(
    checkout: Path,
) -> None:
    edit(checkout / "clients" / "service_config.json", '"maxAttempts": 4', '"maxAttempts": 5')
    assert stale_files(checkout) == {
        "clients/python/src/dataaccess/service_config.json",
        "clients/go/dataaccess/service_config.json",
        "clients/node/service_config.json",
    }
